"""The clerks' queue of customer requests: unanswered first, oldest first; answers and state
changes are written here and reach the customer through the outbox."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
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
        # Rarely needed, so small: the answer is the clerk's first field.
        widgets = {"rejection_reason": forms.Textarea(attrs={"rows": 2})}

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
        # A thumbnail of the photo itself (served behind the second factor), opening it whole.
        url = reverse("admin:inquiries_inquiry_photo", args=[obj.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener" title="{}">'
            '<img src="{}" alt="{}" loading="lazy" class="inquiry-photo"></a>',
            url,
            _("Open the photo"),
            url,
            _("Photo %(number)s of the request") % {"number": obj.pk},
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
        "customer_name",
        "customer_phone",
        "customer_address",
        "contract_link",
        "user",
        "topic",
        "invoice",
        "moving_date",
        "readings_to_enter",
        "created_at",
    ]
    # Ordered for answering: the answer first, then who asks (name, phone, address, contract),
    # then what about; the rejection reason is small, below the answer.
    fieldsets = [
        (
            gettext_lazy("Answer"),
            {"fields": ["answer", "state", "rejection_reason", "assigned_to"]},
        ),
        (
            gettext_lazy("Customer"),
            {
                "fields": [
                    "customer_name",
                    "customer_phone",
                    "customer_address",
                    "contract_link",
                    "user",
                ]
            },
        ),
        (gettext_lazy("Request"), {"fields": ["topic", "invoice", "created_at"]}),
        (
            gettext_lazy("Moving out / moving in"),
            {"fields": ["moving_date", "readings_to_enter"]},
        ),
    ]
    inlines = [MessageInline, PhotoInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inquiry]:
        return super().get_queryset(request).select_related("contract__customer", "user")

    @admin.display(description=gettext_lazy("name"))
    def customer_name(self, obj: Inquiry) -> str:
        return obj.contract.customer.name

    @admin.display(description=gettext_lazy("phone"))
    def customer_phone(self, obj: Inquiry) -> str:
        phones = [str(p) for p in (obj.contract.customer.phone, obj.user and obj.user.phone) if p]
        if not phones:
            return "–"
        return format_html_join(
            ", ", '<a href="tel:{}">{}</a>', ((p, p) for p in dict.fromkeys(phones))
        )

    @admin.display(description=gettext_lazy("address"))
    def customer_address(self, obj: Inquiry) -> str:
        return obj.contract.customer.address

    @admin.display(description=gettext_lazy("contract"))
    def contract_link(self, obj: Inquiry) -> str:
        url = reverse("admin:customers_contract_overview", args=[obj.contract_id])
        return format_html('<a href="{}">{}</a>', url, obj.contract.number)

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
