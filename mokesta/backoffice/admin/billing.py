"""Billing back office: tariffs, periods (close, bill, progress), invoices (read-only) and
credit notes."""

import datetime as dt
import tempfile

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mokesta.backoffice.dates import BoundedDates
from mokesta.backoffice.formats import STATE_LABELS
from mokesta.billing import peppol
from mokesta.billing.credit_notes import CreditNoteError, issue_credit_note
from mokesta.billing.einvoice import EInvoiceError, validate_einvoice, write_einvoice
from mokesta.billing.isaf import IsafError, validate_isaf, write_isaf
from mokesta.billing.ledger import invoice_states
from mokesta.billing.models import (
    BillingPeriod,
    BillingRun,
    ConsumptionNorm,
    Invoice,
    InvoiceLine,
    Tariff,
)
from mokesta.billing.periods import close_period
from mokesta.billing.run import BillingError, preview_period
from mokesta.billing.tasks import run_billing
from mokesta.customers.models import Contract
from mokesta.lib.dates import local_today, month_start


@admin.register(Tariff)
class TariffAdmin(BoundedDates, admin.ModelAdmin):
    list_display = ["service", "category", "price", "vat_rate", "valid_from", "valid_to"]
    list_filter = ["service", "category"]
    date_hierarchy = "valid_from"


@admin.register(ConsumptionNorm)
class ConsumptionNormAdmin(BoundedDates, admin.ModelAdmin):
    list_display = ["valid_from", "m3_per_person_month"]


@admin.action(description=_("Preview, close and bill the period"), permissions=["run_billing"])
def close_periods(
    modeladmin: "BillingPeriodAdmin", request: HttpRequest, queryset: QuerySet[BillingPeriod]
) -> HttpResponseBase | None:
    """A month is closed only from its billing preview, after the clerk names it."""
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Choose exactly one period."), messages.ERROR)
        return None
    return HttpResponseRedirect(
        reverse("admin:billing_billingperiod_bill", args=[queryset.get().pk])
    )


@admin.action(
    description=_("Export i.SAF (documents issued in the month)"), permissions=["export_isaf"]
)
def export_isaf(
    modeladmin: "BillingPeriodAdmin", request: HttpRequest, queryset: QuerySet[BillingPeriod]
) -> HttpResponseBase | None:
    """The VMI register of the invoices and credit notes issued in the period's calendar month
    (the VAT period: mostly the previous month's bills), as a download."""
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Choose exactly one period."), messages.ERROR)
        return None
    month = queryset.get().month
    draft = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it once sent
    try:
        write_isaf(draft, month=month)
        draft.seek(0)
        validate_isaf(draft)
    except IsafError as error:
        draft.close()
        modeladmin.message_user(request, str(error), messages.ERROR)
        return None
    draft.seek(0)
    return FileResponse(
        draft,
        as_attachment=True,
        filename=f"isaf-{month:%Y-%m}.xml",
        content_type="application/xml",
    )


@admin.action(description=_("Export e-invoices for the banks"), permissions=["view"])
def export_einvoice(
    modeladmin: "BillingPeriodAdmin", request: HttpRequest, queryset: QuerySet[BillingPeriod]
) -> HttpResponseBase | None:
    """The banks' E_Invoice file of the period, for the contracts that receive e-invoices, as a
    download; checked against the XSD first (see billing/einvoice.py)."""
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Choose exactly one period."), messages.ERROR)
        return None
    month = queryset.get().month
    draft = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it once sent
    try:
        write_einvoice(draft, month=month, today=local_today())
        draft.seek(0)
        validate_einvoice(draft)
    except EInvoiceError as error:
        draft.close()
        modeladmin.message_user(request, str(error), messages.ERROR)
        return None
    draft.seek(0)
    return FileResponse(
        draft,
        as_attachment=True,
        filename=f"e-saskaitos-{month:%Y-%m}.xml",
        content_type="application/xml",
    )


class BillingPeriodForm(forms.ModelForm):
    class Meta:
        model = BillingPeriod
        fields = ["month"]

    def clean_month(self) -> dt.date:
        # Any day of the month names it; the period is stored as its first day.
        return month_start(self.cleaned_data["month"])


@admin.register(BillingPeriod)
class BillingPeriodAdmin(BoundedDates, admin.ModelAdmin):
    date_future_years = {"month": 1}
    form = BillingPeriodForm
    list_display = ["__str__", "state", "closed_at", "invoice_count", "billing_link"]
    list_filter = ["state"]
    actions = [close_periods, export_isaf, export_einvoice]
    readonly_fields = ["state", "closed_at"]

    def has_run_billing_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("billing.run_billing")

    def has_export_isaf_permission(self, request: HttpRequest) -> bool:
        # The register lists every invoice: whoever may read invoices may export it.
        return request.user.has_perm("billing.view_invoice")

    def get_readonly_fields(self, request: HttpRequest, obj: BillingPeriod | None = None) -> list:
        # The month of an existing period never changes: its invoices and readings point to it.
        return ["month", *self.readonly_fields] if obj else list(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: BillingPeriod | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[BillingPeriod]:
        # The invoice count of every period on the page in the list's own query.
        return super().get_queryset(request).annotate(invoice_total=Count("invoices"))

    @admin.display(description=_("invoices"), ordering="invoice_total")
    def invoice_count(self, period: BillingPeriod) -> int:
        return period.invoice_total  # type: ignore[attr-defined]

    @admin.display(description=_("billing"))
    def billing_link(self, period: BillingPeriod) -> str:
        url = reverse("admin:billing_billingperiod_bill", args=[period.pk])
        return format_html('<a href="{}">{}</a>', url, _("Bill and see progress"))

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/bill/",
                self.admin_site.admin_view(self.bill_view),
                name="billing_billingperiod_bill",
            ),
            *super().get_urls(),
        ]

    def bill_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return bill_period_view(request, pk, modeladmin=self)


class ConfirmMonthForm(forms.Form):
    """The clerk names the month being closed, so a click on the wrong period bills nothing."""

    month = forms.CharField(
        label=_("Type the month being closed (YYYY-MM)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: object, period: BillingPeriod, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.period = period

    def clean_month(self) -> str:
        month = self.cleaned_data["month"].strip()
        if month != str(self.period):
            raise ValidationError(
                _("Type %(month)s: the month of this period."), params={"month": str(self.period)}
            )
        return month


@require_http_methods(["GET", "POST"])
def bill_period_view(
    request: HttpRequest, pk: int, *, modeladmin: BillingPeriodAdmin
) -> HttpResponse:
    """The billing preview of a period (what the run would issue now), the confirmation that
    names the month, then the run as a background task and its progress. Without JavaScript the
    page refreshes itself while a run is going on."""
    if not modeladmin.has_run_billing_permission(request):
        raise PermissionDenied
    period = get_object_or_404(BillingPeriod, pk=pk)
    form = ConfirmMonthForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        try:
            close_period(month=period.month)
        except ValidationError as error:
            modeladmin.message_user(request, error.messages[0], messages.ERROR)
        else:
            run = BillingRun.objects.create(period=period, started_by_id=request.user.pk)
            transaction.on_commit(lambda: run_billing.enqueue(run.pk))
            modeladmin.message_user(request, _("Billing started."), messages.SUCCESS)
        return HttpResponseRedirect(request.path)
    runs = list(period.runs.all()[:10])
    active = any(run.state in (BillingRun.State.QUEUED, BillingRun.State.RUNNING) for run in runs)
    preview, preview_error = None, ""
    if not active:
        try:
            preview = preview_period(period=period)
        except BillingError as error:
            preview_error = str(error)
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": BillingPeriod._meta,
        "title": _("Billing of %(period)s") % {"period": period},
        "period": period,
        "runs": runs,
        "active": active,
        "invoice_count": period.invoices.count(),
        "preview": preview,
        "preview_error": preview_error,
        "estimated": estimated_contracts(preview.estimated) if preview else [],
        "form": form,
    }
    return TemplateResponse(request, "admin/billing/billingperiod/bill.html", context)


# The preview lists this many contracts to be estimated by name; the rest are counted.
ESTIMATED_SHOWN = 200


def estimated_contracts(ids: list[int]) -> list[Contract]:
    return list(
        Contract.objects.filter(pk__in=ids[:ESTIMATED_SHOWN])
        .select_related("customer")
        .order_by("number")
    )


LINE_FIELDS = (
    "description",
    "quantity",
    "unit",
    "unit_price",
    "net",
    "vat_rate",
    "vat",
    "total",
    "estimated",
)


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = LINE_FIELDS
    readonly_fields = LINE_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the credit note"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@admin.action(description=_("Issue a credit note"), permissions=["issue_credit_note"])
def credit_note_action(
    modeladmin: "InvoiceAdmin", request: HttpRequest, queryset: QuerySet[Invoice]
) -> HttpResponse | None:
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Choose exactly one invoice."), messages.ERROR)
        return None
    invoice = queryset.get()
    return HttpResponseRedirect(reverse("admin:billing_invoice_credit_note", args=[invoice.pk]))


@admin.action(description=peppol.EXPORT_ACTION, permissions=["view"])
def export_peppol(
    modeladmin: "InvoiceAdmin", request: HttpRequest, queryset: QuerySet[Invoice]
) -> HttpResponseBase | None:
    """The selected public bodies' documents as checked Peppol e-invoices in a zip to upload to
    SABIS; a document that breaks a rule stops the download and is named with its rule."""
    draft = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it once sent
    written, refused = peppol.write_zip(peppol.public_bodies_only(queryset), draft)
    if refused or not written:
        draft.close()
        for message in peppol.refusal_messages(refused) or [peppol.nothing_to_export_message()]:
            modeladmin.message_user(request, message, messages.ERROR)
        return None
    draft.seek(0)
    return FileResponse(
        draft,
        as_attachment=True,
        filename=f"sabis-{local_today():%Y-%m-%d}.zip",
        content_type="application/zip",
    )


class InvoiceChangeList(ChangeList):
    """The invoice list with each row's paid / unpaid state: the ledger's rule (payments cover a
    contract's oldest invoices first) over all invoices of the contracts on the page, in two
    queries whatever the page shows."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        contract_ids = {invoice.contract_id for invoice in self.result_list}
        everything = list(
            Invoice.objects.filter(contract_id__in=contract_ids).only(
                "pk", "contract_id", "corrects_id", "total", "issue_date", "sequence"
            )
        )
        states = invoice_states(everything)
        for invoice in self.result_list:
            invoice.payment_state = states.get(invoice.pk, "")  # type: ignore[attr-defined]


@admin.register(Invoice)
class InvoiceAdmin(BoundedDates, admin.ModelAdmin):
    # Narrow enough for a 1280 px screen: the kind shows in the state column.
    list_display = [
        "number",
        "contract",
        "period",
        "payer",
        "issued",
        "total",
        "amount_due",
        "state",
    ]
    list_filter = ["period", "kind", "document_type"]
    search_fields = ["number", "contract__number", "payer_code", "payment_code", "customer_name"]
    list_select_related = ["contract", "period"]
    inlines = [InvoiceLineInline]
    actions = [credit_note_action, export_peppol]
    exclude = ["pdf"]
    readonly_fields = ["credit_note_link"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False

    def has_issue_credit_note_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("billing.issue_credit_note")

    def get_changelist(self, request: HttpRequest, **kwargs: object) -> type[ChangeList]:
        return InvoiceChangeList

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        # The list needs the whole width of a 1280 px screen: no menu beside it.
        return super().changelist_view(
            request, {**(extra_context or {}), "is_nav_sidebar_enabled": False}
        )

    @admin.display(description=_("payer"), ordering="customer_name")
    def payer(self, invoice: Invoice) -> str:
        return invoice.customer_name

    @admin.display(description=_("issued"), ordering="issue_date")
    def issued(self, invoice: Invoice) -> str:
        return f"{invoice.issue_date:%Y-%m-%d}"

    @admin.display(description=_("state"))
    def state(self, invoice: Invoice) -> str:
        return str(STATE_LABELS.get(getattr(invoice, "payment_state", ""), ""))

    @admin.display(description=_("credit note"))
    def credit_note_link(self, invoice: Invoice) -> str:
        note = invoice.corrections.first()
        if note is not None:
            url = reverse("admin:billing_invoice_change", args=[note.pk])
            return format_html('<a href="{}">{}</a>', url, note.number)
        if invoice.kind == Invoice.Kind.INVOICE:
            url = reverse("admin:billing_invoice_credit_note", args=[invoice.pk])
            return format_html('<a href="{}">{}</a>', url, _("Issue a credit note"))
        return "—"

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/credit-note/",
                self.admin_site.admin_view(self.credit_note_view),
                name="billing_invoice_credit_note",
            ),
            *super().get_urls(),
        ]

    def credit_note_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return credit_note_view(request, pk, modeladmin=self)


@require_http_methods(["GET", "POST"])
def credit_note_view(request: HttpRequest, pk: int, *, modeladmin: InvoiceAdmin) -> HttpResponse:
    if not modeladmin.has_issue_credit_note_permission(request):
        raise PermissionDenied
    invoice = get_object_or_404(Invoice, pk=pk)
    form = CreditNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note = issue_credit_note(invoice=invoice, reason=form.cleaned_data["reason"])
        except CreditNoteError as error:
            form.add_error("reason", str(error))
        else:
            modeladmin.message_user(
                request,
                _("Credit note %(number)s issued.") % {"number": note.number},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:billing_invoice_change", args=[note.pk]))
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": Invoice._meta,
        "title": _("Credit note for %(number)s") % {"number": invoice.number},
        "invoice": invoice,
        "form": form,
    }
    return TemplateResponse(request, "admin/billing/invoice/credit_note.html", context)
