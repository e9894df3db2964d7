"""Pages of the campaigns app: list, composer with live preview and audience count, the campaign page
whose numbers move while it sends (htmx polls `_progress.html`), actions, the log and its CSV."""
import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import bulk_read_rows, can
from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_web import workspace_view
from common import phones, spintax
from config.errors import UserError
from config.forms import apply_user_error
from contacts.selectors import all_tags
from devices.models import Device

from . import inputs, report, report_files, selectors, services, trial
from .export import recipients_csv_response
from .forms import CampaignForm, TestSendForm, draft_initial
from .models import Campaign, Recipient
from .preview import message_preview


@require_GET
@workspace_view("campaigns:view")
def campaign_list(request):
    campaigns = list(selectors.campaign_list(request.workspace)[:50])
    stats = selectors.campaign_list_stats(campaigns)
    rows = [(c, stats[c.pk]) for c in campaigns]
    return render(request, "campaigns/list.html", {
        "rows": rows, "can_send": can(request.membership, "campaigns:send")})


def _composer_choices(workspace):
    return {"tags": all_tags(workspace),
            "devices": list(Device.objects.for_workspace(workspace).filter(is_active_for_broadcast=True)
                            .order_by("created_at"))}


# The model's names for what the composer calls otherwise: its errors go beside the field the user filled.
_MODEL_TO_FORM = {"target_tags": "tags", "message_template": "message", "scheduled_at": "schedule"}


# The phone the user last sent a test to, offered again next time.
TEST_PHONE_KEY = "campaigns:test_phone"


def _connected_devices(workspace):
    return list(Device.objects.for_workspace(workspace).filter(status=Device.Status.CONNECTED)
                .order_by("created_at", "pk"))


def _render_composer(request, form, choices, **extra):
    test_form = TestSendForm(initial={"test_phone": request.session.get(TEST_PHONE_KEY, ""),
                                      "test_device": request.POST.get("test_device")},
                             devices=_connected_devices(request.workspace))
    draft = extra.get("campaign")
    return render(request, "campaigns/new.html", {
        "form": form, "test_form": test_form, "has_devices": bool(choices["devices"]),
        "time_zone": request.workspace.time_zone,
        "media_name": os.path.basename(draft.media.name) if draft and draft.media else "", **extra})


@workspace_view("campaigns:send")
def campaign_new(request):
    return _compose(request)


@workspace_view("campaigns:send")
def campaign_edit(request, campaign_id):
    """A draft in the composer, filled in: saved again as a draft, or started."""
    campaign = get_for_workspace_or_404(request, selectors.broadcasts(), pk=campaign_id)
    if campaign.status != Campaign.Status.DRAFT:
        messages.error(request, _("Only a draft can be edited; this campaign is %(status)s.")
                       % {"status": campaign.get_status_display()})
        return redirect("campaigns:detail", campaign_id=campaign.pk)
    return _compose(request, campaign)


def _compose(request, draft=None):
    choices = _composer_choices(request.workspace)
    initial = draft_initial(draft) if draft else None
    form = CampaignForm(request.POST or None, request.FILES or None, initial=initial, **choices)
    save_only = request.POST.get("action") == "draft"
    if request.method == "POST" and form.is_valid():
        try:
            campaign = inputs.start_campaign(request, form.cleaned_data, draft=save_only, campaign=draft)
        except UserError as exc:
            apply_user_error(form, exc)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                field = _MODEL_TO_FORM.get(field, field)
                form.add_error(field if field in form.fields else None, errors)
        else:
            if campaign.status == Campaign.Status.DRAFT:
                messages.success(request, _("Draft saved. Nothing is sent until you start it."))
            elif campaign.status == Campaign.Status.SCHEDULED and campaign.scheduled_at > timezone.now():
                messages.success(request, _("Campaign scheduled."))
            else:
                messages.success(request, _("Campaign started. The numbers below move as it sends."))
            return redirect("campaigns:detail", campaign_id=campaign.pk)
    return _render_composer(request, form, choices, campaign=draft)


@require_POST
@workspace_view("campaigns:send")
def campaign_test_send(request):
    """"Send a test to my number": the composer's message (and attachment) to the phone typed, from the
    number chosen. An htmx request gets the result as a partial; without the script the composer comes
    back as it was, with the result above its buttons."""
    devices = _connected_devices(request.workspace)
    chosen = request.POST.get("test_device")
    device = next((d for d in devices if d.session_name == chosen), None) if chosen else next(iter(devices), None)
    typed = request.POST.get("test_phone", "")
    media = request.FILES.get("media")
    draft = None
    if request.POST.get("draft", "").isdigit():  # a draft's composer: its attachment, unless replaced or removed
        draft = get_for_workspace_or_404(request, selectors.broadcasts(), pk=request.POST["draft"],
                                         status=Campaign.Status.DRAFT)
        if media is None and not request.POST.get("media-clear"):
            media = draft.media or None
    result = {}
    try:
        phone, text = trial.message_test_send(workspace=request.workspace, device=device, phone=typed,
                                              message=request.POST.get("message", ""), media=media)
    except UserError as exc:
        result["test_error"] = exc.message
    else:
        request.session[TEST_PHONE_KEY] = phones.display(phone)
        result.update(test_sent=True, test_device=device, test_phone=phones.display(phone), test_text=text)
    if request.headers.get("HX-Request"):
        return render(request, "campaigns/_test_result.html", result)
    choices = _composer_choices(request.workspace)
    # Unbound, so the composer's own checks (a name, a schedule) do not speak up about a test.
    values = {name: request.POST.getlist(name) if name in ("tags", "exclude_tags", "devices")
              else request.POST.get(name) for name in CampaignForm.base_fields if name in request.POST}
    return _render_composer(request, CampaignForm(initial=values, **choices), choices, campaign=draft, **result)


@require_POST
@workspace_view("campaigns:view")
def campaign_preview(request):
    """The composer's live preview: distinct samples, each for one of the first contacts, and the variant
    count, or the error."""
    message = request.POST.get("message", "")
    context = {"message": message}
    if message.strip():
        try:
            preview = message_preview(request.workspace, message, samples=3)
        except spintax.SpintaxError as exc:
            context["error"] = exc
        else:
            context.update(preview=preview, samples=zip(preview["samples"], preview["sample_contacts"], strict=True))
    return render(request, "campaigns/_preview.html", context)


@require_GET
@workspace_view("campaigns:view")
def campaign_audience(request):
    tags = inputs.split_tags(request.GET.getlist("tags"))
    exclude = inputs.split_tags(request.GET.getlist("exclude_tags"))
    count = services.audience_count(request.workspace, tags, exclude)
    return render(request, "campaigns/_audience.html", {"count": count})


def _detail_context(request, campaign):
    stats = selectors.campaign_stats(campaign)
    status = request.GET.get("status") or None
    if status not in Recipient.Status.values:
        status = None
    search = request.GET.get("q", "").strip()
    cap = bulk_read_rows(request.membership, "campaigns:export")
    page = Paginator(selectors.recipient_log(campaign, status=status, search=search), cap or 50).get_page(
        request.GET.get("page") if cap is None else 1)
    return {"campaign": campaign, "stats": stats,
            # timeuntil says "0 minutes" for the last seconds of a run.
            "eta_soon": bool(stats["eta"]) and (stats["eta"] - timezone.now()).total_seconds() < 60,
            # Recipients are chosen when it starts: until then the page shows who would get it today.
            "audience": selectors.scheduled_audience(campaign) if not stats["total"] else None,
            "can_send": can(request.membership, "campaigns:send"),
            "can_export": can(request.membership, "campaigns:export"),
            "page": page, "status_filter": status or "", "search": search,
            "query": request.GET.urlencode()}


@require_GET
@workspace_view("campaigns:view")
def campaign_detail(request, campaign_id):
    campaign = get_for_workspace_or_404(request, selectors.broadcasts(), pk=campaign_id)
    context = _detail_context(request, campaign)
    context.update({"statuses": Recipient.Status.choices, "devices": campaign.devices.all()})
    return render(request, "campaigns/detail.html", context)


@require_GET
@workspace_view("campaigns:view")
def campaign_progress(request, campaign_id):
    campaign = get_for_workspace_or_404(request, selectors.broadcasts(), pk=campaign_id)
    # Also swaps the actions and the recipients table (out of band): after "Completed" no Pause or Cancel
    # is left and the table shows the sends, without a reload.
    return render(request, "campaigns/_progress.html", {**_detail_context(request, campaign), "oob": True})


def _action(request, campaign_id, service, done):
    campaign = get_for_workspace_or_404(request, selectors.broadcasts(), pk=campaign_id)
    try:
        service(campaign=campaign)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("campaigns:detail", campaign_id=campaign.pk)


@require_POST
@workspace_view("campaigns:send")
def campaign_start(request, campaign_id):
    """A draft's Start: the normal start (services.campaign_start_draft), refused with a message if it
    cannot start yet (no audience, a past schedule)."""
    campaign = get_for_workspace_or_404(request, selectors.broadcasts(), pk=campaign_id)
    try:
        services.campaign_start_draft(campaign=campaign)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Campaign scheduled.") if campaign.scheduled_at > timezone.now()
                         else _("Campaign started. The numbers below move as it sends."))
    return redirect("campaigns:detail", campaign_id=campaign.pk)


@require_POST
@workspace_view("campaigns:send")
def campaign_pause(request, campaign_id):
    return _action(request, campaign_id, services.campaign_pause, _("Campaign paused."))


@require_POST
@workspace_view("campaigns:send")
def campaign_resume(request, campaign_id):
    return _action(request, campaign_id, services.campaign_resume, _("Campaign resumed."))


@require_POST
@workspace_view("campaigns:send")
def campaign_cancel(request, campaign_id):
    return _action(request, campaign_id, services.campaign_cancel,
                   _("Campaign cancelled. Messages not yet sent were skipped."))


@require_GET
@workspace_view("campaigns:export")
def campaign_export(request, campaign_id):
    campaign = get_for_workspace_or_404(request, selectors.broadcasts(), pk=campaign_id)
    status = request.GET.get("status") or None
    return recipients_csv_response(campaign, status if status in Recipient.Status.values else None)


@require_GET
@workspace_view("campaigns:view")
def campaign_report(request, campaign_id):
    """The campaign's summary on one page that prints as it reads (print stylesheet, a Print button)."""
    campaign = get_for_workspace_or_404(request, selectors.broadcasts(), pk=campaign_id)
    return render(request, "campaigns/report.html", {
        "campaign": campaign, "summary": report.summary(campaign), "now": timezone.now(),
        "can_export": can(request.membership, "campaigns:export")})


@require_GET
@workspace_view("campaigns:export")
def campaign_report_csv(request, campaign_id):
    return report_files.csv_response(get_for_workspace_or_404(request, selectors.broadcasts(), pk=campaign_id))


@require_GET
@workspace_view("campaigns:export")
def campaign_report_xlsx(request, campaign_id):
    return report_files.xlsx_response(get_for_workspace_or_404(request, selectors.broadcasts(), pk=campaign_id))
