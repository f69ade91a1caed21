"""Back office for bank statements: the upload, each import's progress and result, and the
bank transactions."""

from django import forms
from django.conf import settings
from django.contrib import admin
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
from mokesta.bank.booking import queue_statement, summary
from mokesta.bank.models import BankTransaction, StatementImport
from mokesta.bank.parsing import StatementError
from mokesta.bank.tasks import import_statement_task, progress_key

RESULT_PAGE = 200  # transactions per page of an import's result: a 100,000-entry file stays fast


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
                        reverse("admin:bank_statementimport_change", args=[pk])
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
