from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import WithAnnotations

from mokesta.backoffice.customer_view import contract_view, customer_view
from mokesta.backoffice.dates import BoundedDates
from mokesta.backoffice.formats import euro
from mokesta.billing.ledger import Balance, balance, with_balance
from mokesta.customers.models import (
    Contract,
    ContractAccess,
    Customer,
    EInvoiceSubscription,
    ServicePoint,
)


class OverviewChangeList(ChangeList):
    """A list whose rows open the read-only overview; editing is its „Redaguoti" link."""

    def url_for_result(self, result: Model) -> str:
        info = (self.opts.app_label, self.opts.model_name)
        return reverse("admin:{}_{}_overview".format(*info), args=[result.pk])


def overview_urls(modeladmin: admin.ModelAdmin, view: object) -> list[URLPattern]:
    info = (modeladmin.opts.app_label, modeladmin.opts.model_name)

    def overview(request: HttpRequest, pk: int) -> HttpResponse:
        return view(request, pk, modeladmin=modeladmin)  # type: ignore[operator]

    return [
        path(
            "<int:pk>/overview/",
            modeladmin.admin_site.admin_view(overview),
            name="{}_{}_overview".format(*info),
        )
    ]


class ContractInline(BoundedDates, admin.TabularInline):
    model = Contract
    fields = ["number", "category", "start_date", "end_date"]
    show_change_link = True
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    ordering = ["name"]
    list_display = ["name", "payer_code", "vat_code", "email", "phone", "address"]
    list_filter = ["sabis"]  # public bodies, invoiced through SABIS
    search_fields = [
        "name",
        "payer_code",
        "company_code",
        "vat_code",
        "email",
        "address",
        "contracts__number",
    ]
    inlines = [ContractInline]

    def get_changelist(self, request: HttpRequest, **kwargs: object) -> type[ChangeList]:
        return OverviewChangeList

    def get_urls(self) -> list[URLPattern]:
        return overview_urls(self, customer_view) + super().get_urls()


class ServicePointInline(admin.TabularInline):
    model = ServicePoint
    show_change_link = True
    extra = 0


class ContractAccessForm(forms.ModelForm):
    class Meta:
        model = ContractAccess
        fields = ["user", "via", "role"]
        # The model's fields carry no labels (the customer pages never show them).
        labels = {"user": gettext_lazy("portal account"), "via": gettext_lazy("linked by")}


class ContractAccessInline(admin.TabularInline):
    """Who sees the contract in the portal, with the role (issue 22: customers.queries.ALLOWED)."""

    model = ContractAccess
    form = ContractAccessForm
    fields = ["user", "via", "role", "linked_on"]
    readonly_fields = ["linked_on"]
    raw_id_fields = ["user"]
    extra = 0

    @admin.display(description=gettext_lazy("linked on"))
    def linked_on(self, access: ContractAccess) -> str:
        return f"{access.created_at:%Y-%m-%d}" if access.created_at else "–"


# An order or a cancellation is entered after the bank reported it: never a future date.
EINVOICE_DATES = {"since": 0, "cancelled_on": 0}


class EInvoiceSubscriptionInline(BoundedDates, admin.TabularInline):
    """Orders and cancellations of e-invoices as the utility's bank reports them (the banks
    publish no file format for the report, so a clerk types them in)."""

    date_future_years = EINVOICE_DATES
    model = EInvoiceSubscription
    fields = ["bank", "payer_iban", "since", "automatic_payment", "cancelled_on"]
    extra = 0


@admin.register(EInvoiceSubscription)
class EInvoiceSubscriptionAdmin(BoundedDates, admin.ModelAdmin):
    date_future_years = EINVOICE_DATES
    list_display = ["contract", "bank", "since", "automatic_payment", "cancelled_on"]
    list_filter = ["automatic_payment", "bank", "cancelled_on"]
    search_fields = ["contract__number", "contract__customer__name", "payer_iban"]
    autocomplete_fields = ["contract"]
    list_select_related = ["contract"]


def describe_balance(amount: Decimal) -> str:
    """The portal's words for a balance: debt, overpayment or nothing owed."""
    if amount > 0:
        return _("Debt: %(amount)s") % {"amount": euro(amount)}
    if amount < 0:
        return _("Overpayment: %(amount)s") % {"amount": euro(-amount)}
    return _("Nothing owed.")


@admin.register(Contract)
class ContractAdmin(BoundedDates, admin.ModelAdmin):
    ordering = ["number"]
    list_display = ["number", "customer", "category", "start_date", "end_date", "balance_column"]
    list_filter = ["category", "start_date", "end_date"]
    readonly_fields = ["balance_field"]
    search_fields = [
        "number",
        "customer__name",
        "customer__payer_code",
        "service_points__address",
        "service_points__meters__serial_number",
    ]
    autocomplete_fields = ["customer"]
    list_select_related = ["customer"]
    inlines = [ServicePointInline, ContractAccessInline, EInvoiceSubscriptionInline]

    def get_changelist(self, request: HttpRequest, **kwargs: object) -> type[ChangeList]:
        return OverviewChangeList

    def get_urls(self) -> list[URLPattern]:
        return overview_urls(self, contract_view) + super().get_urls()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Contract]:
        # The customer: the list's column and the autocomplete's label (contract_label).
        return with_balance(super().get_queryset(request).select_related("customer"))

    @admin.display(description=gettext_lazy("Balance"), ordering="balance")
    def balance_column(self, contract: "WithAnnotations[Contract, Balance]") -> str:
        return describe_balance(contract.balance)

    @admin.display(description=gettext_lazy("Balance"))
    def balance_field(self, contract: Contract) -> str:
        # The change page reads the figure the portal and the invoice PDF read.
        if contract.pk is None:
            return "–"
        return describe_balance(balance(contract))


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    ordering = ["address"]
    list_display = ["address", "contract"]
    search_fields = ["address", "contract__number", "meters__serial_number"]
    autocomplete_fields = ["contract"]
    list_select_related = ["contract"]
