"""„Užklausos": the customer's requests to the utility, and „Pranešimai": every e-mail and SMS
the portal sent them."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.limits import Limit, too_many_requests
from mokesta.accounts.models import User
from mokesta.billing.models import Invoice
from mokesta.customers.access import user_contracts
from mokesta.customers.models import Contract
from mokesta.inquiries import workflow
from mokesta.inquiries.models import TEXT_MAX_LENGTH, Inquiry, InquiryPhoto, check_moving_date
from mokesta.inquiries.photos import CleanPhoto, clean_photos, photo_response
from mokesta.lib.money import money_text
from mokesta.metering.models import Meter
from mokesta.outbox.models import OutgoingMessage
from mokesta.outbox.sending import preview, subject_of
from mokesta.portal.declare import current_month, meter_states
from mokesta.portal.forms import check_reading
from mokesta.portal.profile import user_messages
from mokesta.utility.models import Utility

READING_PREFIX = "final_"
# Submissions of „Nauja užklausa", valid or not, per user (settings.ACCOUNT_RATE_LIMITS).
SUBMISSION_LIMIT = "inquiry_submission"


class ContractChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Contract) -> str:  # type: ignore[override]
        # Told apart by where the water is supplied and its meters (their names or serials).
        points = [
            point.address
            + (
                " (" + ", ".join(meter.label for meter in point.meters.all()) + ")"
                if point.meters.all()
                else ""
            )
            for point in obj.service_points.all()
        ]
        return f"{obj.number} – {'; '.join(points) or obj.customer.address}"


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS JPEG/PNG photos, each checked by content and re-encoded."""

    widget = PhotosInput(attrs={"accept": "image/jpeg,image/png"})

    def clean(self, data: object, initial: object = None) -> list[CleanPhoto]:  # type: ignore[override]
        given = data if isinstance(data, list | tuple) else [data]
        return clean_photos([f for f in given if isinstance(f, UploadedFile)])


class InquiryForm(forms.Form):
    contract = ContractChoice(queryset=Contract.objects.none(), label=gettext_lazy("Contract"))
    topic = forms.ChoiceField(
        choices=Inquiry.Topic.choices, widget=forms.RadioSelect, label=gettext_lazy("Topic")
    )
    invoice = forms.ModelChoiceField(
        queryset=Invoice.objects.none(),
        required=False,
        label=gettext_lazy("Invoice you disagree with"),
    )
    moving_date = forms.DateField(
        required=False,
        label=gettext_lazy("Date of moving out or in (YYYY-MM-DD)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    text = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    photos = PhotosField(
        required=False,
        label=gettext_lazy("Photos (JPEG or PNG, up to 3, at most 5 MB each)"),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Requests are written by holders and „Deklaruoja" members (customers.queries.ALLOWED).
        contracts = list(user_contracts(user, "declare"))
        self.fields["contract"].queryset = user_contracts(user, "declare").prefetch_related(  # type: ignore[attr-defined]
            Prefetch(
                "service_points__meters", queryset=Meter.objects.filter(removed_on__isnull=True)
            )
        )
        if len(contracts) == 1:
            self.fields["contract"].initial = contracts[0].pk
        self.fields["invoice"].queryset = (  # type: ignore[attr-defined]
            Invoice.objects.filter(contract__in=contracts)
            .select_related("contract")
            .defer("pdf")
            .order_by("-issue_date", "-sequence")
        )
        self.fields["invoice"].label_from_instance = (  # type: ignore[attr-defined]
            lambda invoice: (
                f"{invoice.number} ({invoice.contract.number}, "
                f"{invoice.issue_date:%Y-%m-%d}, {money_text(invoice.total)} €)"
            )
        )
        # The final reading of every meter of the user's contracts; those of the chosen
        # contract are required for a move.
        month = current_month()
        self.reading_states = {}
        for contract in contracts:
            for state in meter_states(contract, month):
                if state.broken:
                    continue
                name = f"{READING_PREFIX}{state.meter.pk}"
                self.reading_states[name] = (contract, state)
                self.fields[name] = forms.CharField(
                    required=False,
                    max_length=20,
                    label=_("Final reading of meter %(serial)s (%(address)s), m³")
                    % {
                        "serial": state.meter.serial_number,
                        "address": state.meter.service_point.address,
                    },
                    widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                )

    def clean_moving_date(self) -> dt.date | None:
        day = self.cleaned_data.get("moving_date")
        if day is not None:
            check_moving_date(day)
        return day

    def reading_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.reading_states]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        contract, topic = cleaned.get("contract"), cleaned.get("topic")
        invoice = cleaned.get("invoice")
        if topic == Inquiry.Topic.INVOICE:
            if invoice is None:
                self.add_error("invoice", _("Choose the invoice you disagree with."))
            elif contract is not None and invoice.contract_id != contract.pk:
                self.add_error("invoice", _("This invoice is not for the chosen contract."))
        else:
            cleaned["invoice"] = None
        readings: list[dict] = []
        if topic == Inquiry.Topic.MOVING:
            if cleaned.get("moving_date") is None and "moving_date" not in self.errors:
                self.add_error("moving_date", _("Enter the date of the move."))
            for name, (owner, state) in self.reading_states.items():
                if contract is None or owner.pk != contract.pk:
                    continue
                raw = (self.data.get(name) or "").strip()
                if not raw:
                    self.add_error(name, _("Enter the meter's final reading."))
                    continue
                try:
                    value = check_reading(raw, state)
                except ValidationError as error:
                    self.add_error(name, error)
                    continue
                readings.append(
                    {"meter": state.meter.pk, "serial": state.meter.serial_number, "value": value}
                )
        else:
            cleaned["moving_date"] = None
        cleaned["final_readings"] = readings
        return cleaned


@login_required
def inquiry_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    inquiries = (
        Inquiry.objects.filter(user=request.user)
        .select_related("contract")
        .order_by("-created_at", "-pk")
    )
    may_write = user_contracts(request.user, "declare").exists()
    return render(request, "inquiries/list.html", {"inquiries": inquiries, "may_write": may_write})


@login_required
@require_http_methods(["GET", "POST"])
def inquiry_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not user_contracts(request.user, "declare").exists():
        # No contract whose role may write requests: 404 when linked at all, else linking.
        if user_contracts(request.user).exists():
            raise Http404
        return redirect("portal:dashboard")
    form = InquiryForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        wait = workflow.wait_before_next(request.user)
        if wait:
            return too_many_requests(request, reason="request", retry_after=wait)
        # Every submission counts, refused ones too: each may carry photos to decode.
        attempts = Limit(SUBMISSION_LIMIT, user=request.user)
        if not attempts.hit(request):
            retry = attempts.retry_after(request) or attempts.longest_window()
            return too_many_requests(request, reason="request", retry_after=retry)
        if form.is_valid():
            data = form.cleaned_data
            inquiry = workflow.submit_inquiry(
                user=request.user,
                contract=data["contract"],
                topic=data["topic"],
                text=data["text"],
                photos=data["photos"],
                invoice=data["invoice"],
                moving_date=data["moving_date"],
                final_readings=data["final_readings"],
            )
            messages.success(
                request,
                _("Your request no. %(number)s has been submitted.") % {"number": inquiry.pk},
            )
            return redirect("inquiries:detail", inquiry.pk)
    return render(request, "inquiries/new.html", {"form": form, "utility": Utility.current()})


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def inquiry_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inquiry = get_object_or_404(
        Inquiry.objects.select_related("contract", "invoice").defer("invoice__pdf"),
        pk=pk,
        user=request.user,
    )
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if not inquiry.is_open:
            messages.error(request, _("This request is closed; submit a new one."))
            return redirect("inquiries:detail", inquiry.pk)
        if form.is_valid():
            workflow.add_customer_message(
                inquiry=inquiry, user=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, _("Your message has been sent."))
            return redirect("inquiries:detail", inquiry.pk)
    return render(
        request,
        "inquiries/detail.html",
        {
            "inquiry": inquiry,
            "thread": inquiry.messages.all(),
            "photos": inquiry.photos.all(),
            "form": form,
        },
    )


@login_required
def inquiry_photo(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A photo of the user's own request. Staff open customers' photos in the back office
    (/admin/, behind its second factor), never here: a staff account logged in with its
    password alone has no more power on these pages than any customer."""
    return photo_response(get_object_or_404(InquiryPhoto, pk=pk, inquiry__user=request.user))


@login_required
def photo_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A photo of the user's own request inside a page (the site's header, a way back), scaled
    to the screen, not a bare image wider than a phone."""
    photo = get_object_or_404(
        InquiryPhoto.objects.select_related("inquiry"), pk=pk, inquiry__user=request.user
    )
    return render(request, "inquiries/photo.html", {"photo": photo, "inquiry": photo.inquiry})


def visible_messages(user: User) -> QuerySet[OutgoingMessage]:
    """The message history follows the roles: a message about an invoice shows only while the
    user may see its contract (a removed member no longer sees the household's invoices). The
    data export (profile.py) still gives the user every message sent to them."""
    return user_messages(user).filter(
        Q(invoice__isnull=True) | Q(invoice__contract__in=user_contracts(user).values("pk"))
    )


@login_required
def message_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(visible_messages(request.user).order_by("-created_at", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    rows = [(message, subject_of(message)) for message in page]
    return render(request, "notifications/list.html", {"page": page, "rows": rows})


@login_required
def message_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(visible_messages(request.user), pk=pk)
    subject, text = preview(message)
    return render(
        request,
        "notifications/detail.html",
        {"message": message, "subject": subject, "text": text, "sms": message.channel == "sms"},
    )
