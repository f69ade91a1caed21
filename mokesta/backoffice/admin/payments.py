"""Back office for money: payments, the unmatched queue, bank statement imports."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mokesta.backoffice.admin.audit import ReadOnlyAdmin
from mokesta.backoffice.dates import BoundedDates
from mokesta.bank.booking import assign_payment, queue_statement, summary
from mokesta.bank.parsing import StatementError
from mokesta.bank.tasks import import_statement_task, progress_key
from mokesta.lib.money import MAX_SINGLE_AMOUNT, only_ascii_digits
from mokesta.payments.models import BankTransaction, Payment, StatementImport, UnmatchedPayment

RESULT_PAGE = 200  # transactions per page of an import's result: a 100,000-entry file stays fast


class AmountField(forms.DecimalField):
    """An amount typed by staff: the digits 0–9 only (Django's DecimalField reads other scripts'
    digits, ١٢ as 12), at most the single-amount bound (lib.money), so the balances made of it
    fit in their columns."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_value=MAX_SINGLE_AMOUNT,
            max_digits=13,
            decimal_places=2,
            localize=True,  # 12,50 as Lithuanian staff write it (12.50 is read too)
            error_messages={
                "max_value": _("The amount may be at most %(limit_value)s €."),
            },
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not only_ascii_digits(value):
            raise forms.ValidationError(
                _("Write the amount in the digits 0–9, e.g. 12,34."), code="digits"
            )
        return super().to_python(value)


class PaymentForm(forms.ModelForm):
    amount = AmountField(label=_("amount"))

    class Meta:
        model = Payment
        fields = [
            "contract",
            "amount",
            "paid_on",
            "source",
            "bank_reference",
            "provider_reference",
            "payer_name",
            "details",
        ]


@admin.register(Payment)
class PaymentAdmin(BoundedDates, admin.ModelAdmin):
    date_future_years = {"paid_on": 0}
    form = PaymentForm
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
    exclude = ["unmatched_reason", "unmatched_detail"]  # written by the import, shown in the queue

    def get_readonly_fields(self, request: HttpRequest, obj: Payment | None = None) -> list[str]:
        # A booked bank entry is the bank's record, an online payment the provider's: only the
        # contract may be corrected.
        if obj is not None and obj.source in (
            Payment.Source.BANK,
            Payment.Source.ONLINE,
            Payment.Source.POST,
        ):
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
    list_display = ["paid_on", "amount", "payer_name", "details", "why_unmatched", "bank_reference"]
    list_filter = ["paid_on", "unmatched_reason"]
    search_fields = ["payer_name", "details", "bank_reference", "unmatched_detail"]
    fields = [
        "paid_on",
        "amount",
        "payer_name",
        "details",
        "why_unmatched",
        "bank_reference",
        "contract",
    ]
    readonly_fields = [
        "paid_on",
        "amount",
        "payer_name",
        "details",
        "why_unmatched",
        "bank_reference",
    ]
    autocomplete_fields = ["contract"]

    @admin.display(description=_("why unmatched"))
    def why_unmatched(self, obj: Payment) -> str:
        return obj.unmatched_because

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


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_(
            "ISO 20022 camt.053 XML or Swedbank CSV statement, or the post office's payment "
            "file (Lietuvos paštas)."
        ),
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
        "skipped",
        "state",
    ]
    list_filter = ["format", "state", "created_at"]
    search_fields = ["file_name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[StatementImport]:
        return super().get_queryset(request).defer("content")  # the files: up to 5 MB each

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [field.name for field in StatementImport._meta.fields if field.name != "content"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """The upload page: a file is checked whole at once (refused with a reason next to the
        field), then imported by a background task; its page shows the progress, then the result."""
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
                    statement = queue_statement(
                        data=data,
                        filename=upload.name,
                        user=request.user,  # type: ignore[arg-type]  # staff only
                    )
                except StatementError as exc:
                    form.add_error("file", str(exc))
                else:
                    pk = statement.pk
                    transaction.on_commit(lambda: import_statement_task.enqueue(pk))
                    return HttpResponseRedirect(
                        reverse("admin:payments_statementimport_change", args=[pk])
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import a bank statement"),
            "form": form,
        }
        return TemplateResponse(request, "bank/admin/statement_upload.html", context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        """An import's page: its progress while it runs (the page reloads itself, no JavaScript
        needed), then its result: every transaction of the file, RESULT_PAGE at a time."""
        statement = StatementImport.objects.filter(pk=object_id).defer("content").first()
        if statement is None:
            raise Http404
        if not self.has_view_permission(request, statement):
            raise PermissionDenied
        states = BankTransaction.State
        state = request.GET.get("state", "")
        if state not in states.values:
            state = ""
        rows = statement.transactions.select_related("payment__contract").order_by(
            "entry_number", "position", "pk"
        )
        if state:
            rows = rows.filter(state=state)
        page = Paginator(rows, RESULT_PAGE).get_page(request.GET.get("page"))
        active = statement.state in (StatementImport.State.QUEUED, StatementImport.State.RUNNING)
        done = cache.get(progress_key(statement.pk), 0) if active else statement.entries
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": statement.file_name,
            "statement": statement,
            "summary": summary(statement),
            "active": active,
            "done": min(done, statement.entries),
            "percent": min(done, statement.entries) * 100 // (statement.entries or 1),
            "page": page,
            "state": state,
            "states": states.choices,
        }
        return TemplateResponse(request, "bank/admin/statement_result.html", context)


@admin.register(BankTransaction)
class BankTransactionAdmin(ReadOnlyAdmin):
    list_display = ["booked_on", "amount", "credit", "payer_name", "remittance", "state"]
    list_filter = ["state", "credit", "booked_on"]
    search_fields = ["payer_name", "remittance", "checksum"]
    date_hierarchy = "booked_on"
    list_select_related = ["statement"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [field.name for field in BankTransaction._meta.fields]
