"""The composer form: what the campaign page asks, read into the same input dict the API builds."""
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import DELAY_PRESETS, HOURLY_CAP_DEFAULT

PRESET_CHOICES = [("", _("Custom (below)"))] + [
    # format_lazy, not an f-string: the label must be translated per request, not once at import.
    (name, format_lazy("{} ({}–{} s)", label, low, high)) for name, label, (low, high) in (
        ("safe", _("Safe"), DELAY_PRESETS["safe"]), ("balanced", _("Balanced"), DELAY_PRESETS["balanced"]),
        ("fast", _("Fast"), DELAY_PRESETS["fast"]))]


# Dates read day first with a 24-hour clock, as in Indonesia, whatever language the browser speaks: plain text
# fields (a browser's own date and time inputs follow its locale, month first and AM/PM in en-US), which
# static/js/composer.js turns into flatpickr pickers writing exactly these formats. The ISO forms are still read
# (what the page sent before, and what scripts send).
SCHEDULE_FORMAT = "%d/%m/%Y %H:%M"
SCHEDULE_FORMATS = [SCHEDULE_FORMAT, "%d/%m/%Y %H.%M", "%d-%m-%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
TIME_FORMAT = "%H:%M"
TIME_FORMATS = [TIME_FORMAT, "%H.%M", "%H:%M:%S"]
_TIME_ATTRS = {"data-datepicker": "time", "placeholder": "hh:mm", "autocomplete": "off", "inputmode": "numeric"}


class PresetSelect(forms.Select):
    """The speed select; each preset's option carries its delays (data-delay-min / data-delay-max), so
    static/js/composer.js can fill the two delay fields with what the preset will really use."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in DELAY_PRESETS:
            low, high = DELAY_PRESETS[value]
            option["attrs"].update({"data-delay-min": low, "data-delay-max": high})
        return option


class CampaignForm(forms.Form):
    """The composer. Which delays apply is decided once, by inputs.delay_range: a chosen speed preset's
    delays win over the two delay fields, which count only with "Custom". The help text says so, and the
    page's script keeps the fields showing the preset's delays (and switches to Custom when they are typed)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    message = forms.CharField(
        label=_("Message"), max_length=4096, strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": _("{Hi|Halo} [name|Kak], our promo is here!")}),
        help_text=_("{a|b} picks one at random; [name], [phone] or any field like [city]; [name|Kak] when empty; "
                    "\\{ for a literal brace."))
    tags = forms.MultipleChoiceField(label=_("Send to contacts tagged"), required=False,
                                     widget=forms.CheckboxSelectMultiple,
                                     help_text=_("Any of these tags. None ticked means every contact."))
    exclude_tags = forms.MultipleChoiceField(label=_("Except contacts tagged"), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    devices = forms.MultipleChoiceField(label=_("Send from"), required=False, widget=forms.CheckboxSelectMultiple,
                                        help_text=_("None ticked means every device switched on for broadcasts."))
    media = forms.FileField(label=_("Attachment (optional)"), required=False,
                            help_text=_("An image (JPG, PNG, WebP, up to 5 MB) or a document (PDF, Office, up to "
                                        "16 MB); the message becomes its caption."))
    preset = forms.ChoiceField(
        label=_("Speed"), choices=PRESET_CHOICES, required=False, initial="safe", widget=PresetSelect,
        help_text=_("Each number waits a random delay between two messages. A speed uses its own delays "
                    "(shown below); to use other delays, choose Custom and type them."))
    delay_min = forms.FloatField(label=_("Minimum delay (s)"), required=False, min_value=0,
                                 initial=DELAY_PRESETS["safe"][0])
    delay_max = forms.FloatField(label=_("Maximum delay (s)"), required=False, min_value=0,
                                 initial=DELAY_PRESETS["safe"][1])
    typing_simulation = forms.BooleanField(label=_("Show “typing…” before each message"), required=False,
                                           initial=True)
    daily_cap_per_device = forms.IntegerField(label=_("Daily cap per number"), required=False, min_value=0,
                                              help_text=_("0 = no cap"), initial=0)
    hourly_cap_per_device = forms.IntegerField(label=_("Hourly cap per number"), required=False, min_value=0,
                                               help_text=_("Then a pause until the hour is over; 0 = no cap"),
                                               initial=HOURLY_CAP_DEFAULT)
    quiet_start = forms.TimeField(label=_("Quiet hours from"), required=False, input_formats=TIME_FORMATS,
                                  widget=forms.TimeInput(attrs=_TIME_ATTRS, format=TIME_FORMAT))
    quiet_end = forms.TimeField(label=_("until"), required=False, input_formats=TIME_FORMATS,
                                widget=forms.TimeInput(attrs=_TIME_ATTRS, format=TIME_FORMAT))
    schedule = forms.DateTimeField(
        label=_("Send at (leave empty to send now)"), required=False, input_formats=SCHEDULE_FORMATS,
        widget=forms.DateTimeInput(format=SCHEDULE_FORMAT, attrs={
            "data-datepicker": "datetime", "placeholder": _("dd/mm/yyyy hh:mm"), "autocomplete": "off",
            "inputmode": "numeric"}),
        help_text=_("Day/month/year and a 24-hour time, e.g. 01/06/2030 09:00."))

    def __init__(self, *args, tags=(), devices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = [(t, t) for t in tags]
        self.fields["exclude_tags"].choices = [(t, t) for t in tags]
        self.fields["devices"].choices = [(d.session_name, str(d)) for d in devices]

    def clean_schedule(self):
        # The browser sends a wall-clock time; inputs.parse_schedule reads it in the workspace's zone.
        value = self.cleaned_data.get("schedule")
        return value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M") if value else None


class TestSendForm(forms.Form):
    """The composer's "send a test to my number" (campaigns.trial): from which connected number, to which
    phone. Its fields sit inside the composer's form, which supplies the message and the attachment."""

    test_device = forms.ChoiceField(label=_("Send a test from"), required=False)
    test_phone = forms.CharField(
        label=_("to this phone"), required=False, max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel",
                                      "placeholder": "0812 3456 7890", "data-test-phone": ""}))

    def __init__(self, *args, devices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["test_device"].choices = [(d.session_name, str(d)) for d in devices]


def draft_initial(campaign):
    """The composer's fields as a saved draft has them (its Edit page): delays that are a preset's show
    that preset, the schedule in the workspace's time zone."""
    preset = next((name for name, pair in DELAY_PRESETS.items() if pair == (campaign.delay_min, campaign.delay_max)),
                  "")
    when = campaign.scheduled_at.astimezone(campaign.workspace.zone).replace(tzinfo=None) if campaign.scheduled_at \
        else None
    return {"name": campaign.name, "message": campaign.message_template, "tags": campaign.target_tags,
            "exclude_tags": campaign.exclude_tags, "devices": [d.session_name for d in campaign.devices.all()],
            "media": campaign.media or None, "preset": preset, "delay_min": campaign.delay_min,
            "delay_max": campaign.delay_max, "typing_simulation": campaign.typing_simulation,
            "daily_cap_per_device": campaign.daily_cap_per_device,
            "hourly_cap_per_device": campaign.hourly_cap_per_device, "quiet_start": campaign.quiet_start,
            "quiet_end": campaign.quiet_end, "schedule": when}
