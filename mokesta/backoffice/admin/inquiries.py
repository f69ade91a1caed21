"""The clerks' queue of customer requests: unanswered first, oldest first; answers and state
changes are written here and reach the customer through the outbox."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mokesta.accounts.models import User
from mokesta.inquiries import workflow
from mokesta.inquiries.models import TEXT_MAX_LENGTH, Inquiry, InquiryMessage, InquiryPhoto
from mokesta.inquiries.photos import photo_response
from mokesta.lib.audit import CHANGE, audit


class AnswerForm(forms.ModelForm):
    answer = forms.CharField(
        label=gettext_lazy("Answer to the customer"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Sent to the customer by e-mail (and SMS if they accept SMS)."),
    )

    class Meta:
        model = Inquiry
        fields = ["state", "assigned_to", "rejection_reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("state") == Inquiry.State.REJECTED and not cleaned.get("rejection_reason"):
            self.add_error("rejection_reason", _("Give the reason for rejecting the request."))
        return cleaned


class MessageInline(admin.TabularInline):
    model = InquiryMessage
    fields = readonly_fields = ("created_at", "from_staff", "author", "text")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PhotoInline(admin.TabularInline):
    model = InquiryPhoto
    fields = readonly_fields = ("photo",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("photo"))
    def photo(self, obj: InquiryPhoto) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("admin:inquiries_inquiry_photo", args=[obj.pk]),
            _("Open the photo"),
        )


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    form = AnswerForm
    list_display = [
        "number",
        "topic",
        "contract",
        "state",
        "awaiting_answer",
        "assigned_to",
        "created_at",
    ]
    list_filter = ["state", "topic", "awaiting_answer", "assigned_to", "created_at"]
    search_fields = [
        "=id",
        "contract__number",
        "contract__customer__name",
        "user__email",
        "messages__text",
    ]
    list_select_related = ["contract", "assigned_to"]
    ordering = ["-awaiting_answer", "created_at"]
    readonly_fields = [
        "contract",
        "user",
        "topic",
        "invoice",
        "moving_date",
        "readings_to_enter",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["contract", "user", "topic", "invoice", "created_at"]}),
        (
            gettext_lazy("Moving out / moving in"),
            {"fields": ["moving_date", "readings_to_enter"]},
        ),
        (
            gettext_lazy("Answer"),
            {"fields": ["state", "assigned_to", "rejection_reason", "answer"]},
        ),
    ]
    inlines = [MessageInline, PhotoInline]

    @admin.display(description=gettext_lazy("number"), ordering="pk")
    def number(self, obj: Inquiry) -> str:
        return f"#{obj.pk}"

    @admin.display(description=gettext_lazy("final readings to enter"))
    def readings_to_enter(self, obj: Inquiry) -> str:
        if not obj.final_readings:
            return "–"
        return format_html_join(
            ", ", "{}: {} m³", ((r["serial"], r["value"]) for r in obj.final_readings)
        )

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "photos/<int:pk>/",
                self.admin_site.admin_view(self.photo_view),
                name="inquiries_inquiry_photo",
            ),
            *super().get_urls(),
        ]

    def photo_view(self, request: HttpRequest, pk: int) -> FileResponse:
        """A customer's photo, to staff who may see requests: here, behind the admin's login and
        second factor (the customer pages serve a photo to its author only)."""
        if not self.has_view_permission(request):
            raise Http404
        return photo_response(get_object_or_404(InquiryPhoto, pk=pk))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # customers submit requests; staff answer them

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a request is part of the contract's record

    def save_model(
        self, request: HttpRequest, obj: Inquiry, form: forms.ModelForm, change: bool
    ) -> None:
        # The answer and the new state go through the workflow, which tells the customer.
        staff = request.user
        assert isinstance(staff, User)  # the admin serves logged-in staff only
        new_state = obj.state
        obj.state = form.initial.get("state", obj.state)
        text = form.cleaned_data.get("answer", "")
        workflow.answer(
            inquiry=obj,
            staff=staff,
            text=text,
            state=new_state,
            reason=obj.rejection_reason,
        )
        obj.save()  # the assignment and the reason, also without an answer
        if text:
            audit(staff, obj, CHANGE, f"Answered the customer: {text[:150]}")
