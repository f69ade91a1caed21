"""Back office for money: payments, the unmatched queue, bank statement imports."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mokesta.backoffice.admin.audit import ReadOnlyAdmin
from mokesta.bank.statements import StatementError, assign_payment, import_statement
from mokesta.payments.models import BankTransaction, Payment, StatementImport, UnmatchedPayment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["paid_on", "amount", "contract", "payer_name", "source", "bank_reference"]
    list_filter = ["source", "paid_on", ("contract", admin.EmptyFieldListFilter)]
    search_fields = [
        "contract__number",
        "contract__customer__payer_code",
        "contract__customer__name",
        "payer_name",
        "details",
        "bank_reference",
        "provider_reference",
    ]
    date_hierarchy = "paid_on"
    autocomplete_fields = ["contract"]
    list_select_related = ["contract"]

    def get_readonly_fields(self, request: HttpRequest, obj: Payment | None = None) -> list[str]:
        # A booked bank entry is the bank's record, an online payment the provider's: only the
        # contract may be corrected.
        if obj is not None and obj.source in (Payment.Source.BANK, Payment.Source.ONLINE):
            return [
                "amount",
                "paid_on",
                "source",
                "bank_reference",
                "provider_reference",
                "payer_name",
                "details",
            ]
        return []


class AssignForm(forms.ModelForm):
    class Meta:
        model = UnmatchedPayment
        fields = ["contract"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["contract"].required = True


@admin.register(UnmatchedPayment)
class UnmatchedPaymentAdmin(admin.ModelAdmin):
    """The unmatched queue: open a payment, choose its contract, save."""

    form = AssignForm
    list_display = ["paid_on", "amount", "payer_name", "details", "bank_reference"]
    list_filter = ["paid_on"]
    search_fields = ["payer_name", "details", "bank_reference"]
    fields = ["paid_on", "amount", "payer_name", "details", "bank_reference", "contract"]
    readonly_fields = ["paid_on", "amount", "payer_name", "details", "bank_reference"]
    autocomplete_fields = ["contract"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Payment, form: forms.Form, change: bool
    ) -> None:
        assign_payment(
            payment=obj,
            contract=form.cleaned_data["contract"],
            user=request.user,  # type: ignore[arg-type]  # staff only: never anonymous here
        )

    def log_change(self, request: HttpRequest, obj: object, message: object) -> None:  # type: ignore[override]
        pass  # assign_payment writes the audit entry itself

    def response_change(self, request: HttpRequest, obj: Payment) -> HttpResponse:
        messages.success(
            request,
            gettext("The payment of %(amount)s € was assigned to contract %(number)s.")
            % {"amount": obj.amount, "number": obj.contract},
        )
        return HttpResponseRedirect(reverse("admin:payments_unmatchedpayment_changelist"))


class BankTransactionInline(admin.TabularInline):
    model = BankTransaction
    fields = ("booked_on", "amount", "credit", "payer_name", "remittance", "state", "payment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_("ISO 20022 camt.053 XML or Swedbank CSV statement."),
    )


@admin.register(StatementImport)
class StatementImportAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "file_name",
        "format",
        "uploaded_by",
        "entries",
        "matched",
        "unmatched",
        "ignored",
        "duplicates",
    ]
    list_filter = ["format", "created_at"]
    search_fields = ["file_name"]
    inlines = [BankTransactionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [field.name for field in StatementImport._meta.fields]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """The upload page: a file is checked whole, then imported, or refused with a reason."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StatementUploadForm()
        if request.method == "POST":
            form = StatementUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                # Read one byte past the limit: enough to know it is too large.
                data = upload.read(settings.STATEMENT_MAX_BYTES + 1)
                try:
                    result = import_statement(
                        data=data,
                        filename=upload.name,
                        user=request.user,  # type: ignore[arg-type]  # staff only
                    )
                except StatementError as exc:
                    form.add_error("file", str(exc))
                else:
                    messages.success(request, result.summary)
                    return HttpResponseRedirect(
                        reverse("admin:payments_statementimport_change", args=[result.statement.pk])
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import a bank statement"),
            "form": form,
        }
        return TemplateResponse(request, "bank/admin/statement_upload.html", context)


@admin.register(BankTransaction)
class BankTransactionAdmin(ReadOnlyAdmin):
    list_display = ["booked_on", "amount", "credit", "payer_name", "remittance", "state"]
    list_filter = ["state", "credit", "booked_on"]
    search_fields = ["payer_name", "remittance", "checksum"]
    date_hierarchy = "booked_on"
    list_select_related = ["statement"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [field.name for field in BankTransaction._meta.fields]
