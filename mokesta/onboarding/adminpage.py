"""The admin page „Duomenų importas" (registered on the admin site by mokesta.backoffice.admin):
the upload page queues a background task; the import's page shows its progress, then every
problem by row and column, or what was written. The templates of both formats download here."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mokesta.onboarding.importing import COUNT_LABELS, default_balance_date
from mokesta.onboarding.models import CustomerImport
from mokesta.onboarding.tasks import import_customers_task, progress_key

SAMPLES = Path(__file__).resolve().parent / "samples"
# The downloadable templates, each a filled example (README "Data import").
TEMPLATES = {
    "customers.csv": "text/csv; charset=utf-8",
    "customers.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "reading-history.csv": "text/csv; charset=utf-8",
    "reading-history.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PROBLEM_PAGE = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A customer file or a reading history file: CSV (UTF-8, ; or , separated) or XLSX."
        ),
    )
    dry_run = forms.BooleanField(label=_("Check only, write nothing"), required=False, initial=True)
    invite = forms.BooleanField(
        label=_("E-mail each customer how to register and link the contract (once)"),
        required=False,
    )
    balance_date = forms.DateField(
        label=_("Opening balance date"),
        help_text=_("Debts are owed from this day; usually the last day of the previous month."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                gettext("The file is larger than %(mb)s MB.")
                % {"mb": settings.IMPORT_MAX_BYTES // 1_000_000}
            )
        return upload


class CustomerImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "file_name", "kind", "dry_run", "uploaded_by", "rows", "state"]
    list_filter = ["kind", "state", "dry_run"]
    search_fields = ["file_name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CustomerImport]:
        return super().get_queryset(request).defer("content", "problems")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "template/<str:name>/",
                self.admin_site.admin_view(self.template_view),
                name="onboarding_customerimport_template",
            )
        ]
        return own + super().get_urls()

    def template_view(self, request: HttpRequest, name: str) -> FileResponse:
        if not self.has_view_permission(request) or name not in TEMPLATES:
            raise Http404
        return FileResponse(
            (SAMPLES / name).open("rb"),
            as_attachment=True,
            filename=name,
            content_type=TEMPLATES[name],
        )

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(initial={"balance_date": default_balance_date(), "dry_run": True})
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                job = CustomerImport.objects.create(
                    file_name=upload.name[:255],
                    dry_run=form.cleaned_data["dry_run"],
                    invite=form.cleaned_data["invite"],
                    balance_date=form.cleaned_data["balance_date"],
                    uploaded_by=request.user,  # type: ignore[misc]  # staff only
                    content=upload.read(),
                )
                pk = job.pk
                transaction.on_commit(lambda: import_customers_task.enqueue(pk))
                return HttpResponseRedirect(
                    reverse("admin:onboarding_customerimport_change", args=[pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Data import"),
            "form": form,
            "templates": list(TEMPLATES),
        }
        return TemplateResponse(request, "onboarding/admin/upload.html", context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        job = CustomerImport.objects.filter(pk=object_id).defer("content").first()
        if job is None:
            raise Http404
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        active = job.state in (CustomerImport.State.QUEUED, CustomerImport.State.RUNNING)
        phase, done = cache.get(progress_key(job.pk), ("", 0)) if active else ("", job.rows)
        labels = COUNT_LABELS()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": job.file_name,
            "job": job,
            "active": active,
            "phase": phase,
            "done": done,
            "counts": [(labels[k], v) for k, v in job.counts.items() if k in labels],
            "page": Paginator(job.problems, PROBLEM_PAGE).get_page(request.GET.get("page")),
        }
        return TemplateResponse(request, "onboarding/admin/result.html", context)
