"""The customer pages. Their URL names keep the namespace of the data they show
(`billing:list`, `metering:declare`, …); every view lives in this app."""

from django.urls import URLPattern, path

from mokesta.portal import (
    api_tokens,
    consumption,
    contracts,
    dashboard,
    household,
    inquiries,
    invoices,
    pay,
    payments,
    profile,
    readings,
    views,
)

app_name = "portal"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("taisykles/", views.rules, name="rules"),
    path("pagalba/", views.help_page, name="help"),
    path("savitarna/", dashboard.dashboard, name="dashboard"),
]

# (patterns, namespace) pairs for include(); all under /savitarna/ but the profile.
contract_urls = (
    [
        path("sutartys/prideti/", contracts.link, name="link"),
        path("sutartys/<int:pk>/", contracts.contract_detail, name="contract"),
        path("sutartys/<int:pk>/atsieti/", contracts.unlink, name="unlink"),
        path(
            "sutartys/<int:pk>/skaitikliai/<int:meter>/pavadinimas/",
            contracts.rename_meter,
            name="rename_meter",
        ),
        # „Prieiga" (issue 22): the holder's invitations and members; the invitation's link.
        path("sutartys/<int:pk>/prieiga/pakviesti/", contracts.invite, name="invite"),
        path(
            "sutartys/<int:pk>/prieiga/<int:access>/vaidmuo/",
            household.change_role,
            name="change_role",
        ),
        path(
            "sutartys/<int:pk>/prieiga/<int:access>/pasalinti/",
            household.remove_member,
            name="remove_member",
        ),
        path(
            "sutartys/<int:pk>/kvietimai/<int:invitation>/atsaukti/",
            household.cancel_invitation,
            name="cancel_invitation",
        ),
        path("kvietimas/<str:token>/", household.accept_invitation, name="invitation"),
        # „Išvykstu"
        path("sutartys/<int:pk>/isvykstu/", contracts.away, name="away"),
    ],
    "customers",
)
reading_urls = (
    [
        path("rodmenys/", readings.declare_pick, name="declare_pick"),
        path("sutartys/<int:pk>/rodmenys/", readings.declare, name="declare"),
        path("skaitikliai/<int:pk>/", readings.meter_detail, name="meter"),
        path("rodmenys/<int:pk>/", readings.reading_detail, name="reading"),
        path("suvartojimas/", consumption.consumption_pick, name="consumption_pick"),
        path("sutartys/<int:pk>/suvartojimas/", consumption.consumption, name="consumption"),
        path(
            "sutartys/<int:pk>/suvartojimas.csv",
            consumption.consumption_csv,
            name="consumption_csv",
        ),
    ],
    "metering",
)
invoice_urls = (
    [
        path("saskaitos/", invoices.invoice_list, name="list"),
        path("saskaitos/<int:pk>/", invoices.invoice_detail, name="detail"),
        path("saskaitos/<int:pk>/pdf/", invoices.invoice_pdf, name="pdf"),
    ],
    "billing",
)
payment_urls = (
    [
        path("mokejimai/", payments.payments_pick, name="pick"),
        path("sutartys/<int:pk>/mokejimai/", payments.payment_list, name="list"),
        # „Apmokėti" online (mokesta.onlinepay): a contract's debt or one unpaid invoice.
        path("sutartys/<int:pk>/apmoketi/", pay.pay_contract, name="pay"),
        path("saskaitos/<int:pk>/apmoketi/", pay.pay_invoice, name="pay_invoice"),
        # „Apmokėti viską": one order for what all the user's contracts owe now.
        path("apmoketi/", pay.pay_all, name="pay_all"),
        path("mokejimai/<str:order_id>/", pay.order_status, name="order"),
    ],
    "payments",
)
profile_urls = (
    [
        # „Mano duomenys"
        path("profilis/", profile.profile, name="profile"),
        path("profilis/duomenys.json", profile.export, name="profile_export"),
        path("profilis/istrinti/", profile.delete_account, name="profile_delete"),
        # „API raktai": personal access tokens of the open API (/api/v1/)
        path("profilis/api-raktai/", api_tokens.api_tokens, name="api_tokens"),
        path(
            "profilis/api-raktai/<int:pk>/atsaukti/",
            api_tokens.revoke_api_token,
            name="api_token_revoke",
        ),
    ],
    "accounts",
)
inquiry_urls = (
    [
        path("uzklausos/", inquiries.inquiry_list, name="list"),
        path("uzklausos/nauja/", inquiries.inquiry_new, name="new"),
        path("uzklausos/<int:pk>/", inquiries.inquiry_detail, name="detail"),
        path("uzklausos/nuotraukos/<int:pk>/", inquiries.inquiry_photo, name="photo"),
        path("uzklausos/nuotraukos/<int:pk>/perziura/", inquiries.photo_page, name="photo_page"),
        path("pranesimai/", inquiries.message_list, name="messages"),
        path("pranesimai/<int:pk>/", inquiries.message_detail, name="message"),
    ],
    "inquiries",
)
