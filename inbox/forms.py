"""Forms of the inbox pages. They only parse input; the services in autoreplies.py/knowledge.py validate
and save, so the pages and the API refuse the same things with the same words."""
from django import forms
from django.utils.translation import gettext_lazy as _

from devices.models import Device

from .models import MAX_BOT_PAUSE_MINUTES, AutoReply, KnowledgeSource, Label


class AutoReplyForm(forms.Form):
    keyword = forms.CharField(label=_("Keyword"), max_length=300)
    match_type = forms.ChoiceField(label=_("Match"), choices=AutoReply.MatchType.choices,
                                   initial=AutoReply.MatchType.CONTAINS)
    response_text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=_("Spintax {Hi|Hello} and [name] work here."))
    media = forms.FileField(label=_("Attachment (optional)"), required=False)
    clear_media = forms.BooleanField(label=_("Remove the current attachment"), required=False)
    priority = forms.IntegerField(label=_("Priority"), initial=100, help_text=_("Lower numbers are checked first."))
    devices = forms.ModelMultipleChoiceField(label=_("Only on these numbers"), queryset=Device.objects.none(),
                                             required=False, widget=forms.CheckboxSelectMultiple,
                                             help_text=_("Leave all unticked to answer on every number."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, workspace, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["clear_media"]
        self.fields["devices"].queryset = Device.objects.for_workspace(workspace).order_by("label", "pk")


class QuickReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=80)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("[name|Kak], [phone], custom fields like [city] and {Hi|Halo} are filled for "
                                       "the chat's contact when you insert it."))


class KnowledgeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=KnowledgeSource.Kind.choices, widget=forms.RadioSelect,
                             initial=KnowledgeSource.Kind.FAQ)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    question = forms.CharField(label=_("Question"), max_length=500, required=False)
    text = forms.CharField(label=_("Answer or text"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    file = forms.FileField(label=_("File (.txt, .md, .pdf, .docx)"), required=False)


class AssistantSettingsForm(forms.Form):
    ai_enabled = forms.BooleanField(label=_("Answer with the AI assistant (or FAQ answers without a key)"),
                                    required=False)
    instructions = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                   help_text=_("Tone, language, and what never to promise (prices, discounts...)."))
    min_similarity = forms.FloatField(label=_("Minimum similarity (0-1)"), min_value=0, max_value=1)
    faq_min_score = forms.FloatField(label=_("Minimum FAQ score"), min_value=0)
    bot_replies_per_hour = forms.IntegerField(label=_("Bot replies per chat per hour"), min_value=1, max_value=100)
    bot_pause_minutes = forms.IntegerField(
        label=_("Pause the bot after a person answers (minutes)"), min_value=0, max_value=MAX_BOT_PAUSE_MINUTES,
        required=False,  # left out (an older form, a script): the current value stays
        help_text=_("When an agent or the phone answers a customer, the bot stays quiet in that chat this long "
                    "(at most 10080, a week). 0 keeps it quiet until someone clicks Resume bot."))
    include_groups = forms.BooleanField(label=_("Show group chats in the inbox"), required=False)
    include_status = forms.BooleanField(label=_("Show status broadcasts in the inbox"), required=False)
    cs_rotator_enabled = forms.BooleanField(label=_("Assign new chats round-robin to online members"),
                                            required=False)
    rating_enabled = forms.BooleanField(label=_("Ask the customer for a rating (1 to 5) when a chat is resolved"),
                                        required=False)
    rating_question = forms.CharField(
        label=_("Rating question"), required=False, max_length=300,
        help_text=_("Empty uses: How did we do? Reply with a number from 1 (bad) to 5 (great)."))
    base_url = forms.URLField(label=_("API base URL"), required=False, assume_scheme="https",
                              help_text=_("Any OpenAI-compatible server. Empty uses the server's setting."))
    chat_model = forms.CharField(label=_("Chat model"), required=False, max_length=100)
    embedding_model = forms.CharField(label=_("Embedding model"), required=False, max_length=100)
    api_key = forms.CharField(label=_("API key"), required=False, max_length=300,
                              widget=forms.PasswordInput(render_value=False),
                              help_text=_("Leave empty to keep the current key."))
    clear_api_key = forms.BooleanField(label=_("Remove the workspace's key"), required=False)


class LabelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40)
    colour = forms.ChoiceField(label=_("Colour"), choices=Label.Colour.choices, initial=Label.Colour.GRAY,
                               widget=forms.RadioSelect(attrs={"class": "colour-choice"}))


DAY_NAMES = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"))


class WeekForm(forms.Form):
    """Seven rows of "open?, from, to"; `week()` gives the list inbox.hours stores (it checks the times)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i, name in enumerate(DAY_NAMES):
            self.fields[f"open_{i}"] = forms.BooleanField(label=name, required=False)
            self.fields[f"opens_{i}"] = forms.TimeField(label=_("Opens"), required=False,
                                                        widget=forms.TimeInput(attrs={"type": "time"}))
            self.fields[f"closes_{i}"] = forms.TimeField(label=_("Closes"), required=False,
                                                         widget=forms.TimeInput(attrs={"type": "time"}))

    @staticmethod
    def initial_for(week):
        initial = {}
        for i, day in enumerate(week or [None] * 7):
            initial[f"open_{i}"] = bool(day)
            initial[f"opens_{i}"], initial[f"closes_{i}"] = day or ("09:00", "17:00")
        return initial

    def days(self):
        """(name, open field, opens field, closes field) for the template's rows."""
        return [(name, self[f"open_{i}"], self[f"opens_{i}"], self[f"closes_{i}"]) for i, name in enumerate(DAY_NAMES)]

    def week(self):
        data = self.cleaned_data
        week = []
        for i in range(7):
            if not data.get(f"open_{i}"):
                week.append(None)
                continue
            opens, closes = data.get(f"opens_{i}"), data.get(f"closes_{i}")
            week.append([opens.strftime("%H:%M") if opens else "", closes.strftime("%H:%M") if closes else ""])
        return week


class BusinessHoursForm(WeekForm):
    enabled = forms.BooleanField(label=_("Use business hours"), required=False,
                                 help_text=_("Off: you are always open, and no out-of-office reply is sent."))
    holidays = forms.CharField(label=_("Holidays"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("One a line, closed all day: 2026-12-25 Christmas"))
    away_message = forms.CharField(
        label=_("Out-of-office reply"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent once per chat each time you are closed. Spintax {Hi|Hello} and [name] work here. "
                    "Empty sends none."))
    welcome_message = forms.CharField(
        label=_("Welcome message"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to a customer who writes to you for the first time, open or closed. Empty sends none."))
    waiting_message = forms.CharField(
        label=_("“We will reply soon” message"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("With round-robin assignment: sent to a new chat when you are open but no agent is free. "
                    "Empty sends none."))


class AgentAvailabilityForm(WeekForm):
    capacity = forms.IntegerField(label=_("Open chats at most"), min_value=0, max_value=1000,
                                  help_text=_("The rotator gives this agent no new chat while they have this many "
                                              "open chats. 0: no limit."))
    own_hours = forms.BooleanField(label=_("Own working hours"), required=False,
                                   help_text=_("Off: the workspace's business hours (always, when it has none)."))


class StartChatForm(forms.Form):
    device = forms.ModelChoiceField(label=_("From the number"), queryset=Device.objects.none(), empty_label=None)
    phone = forms.CharField(label=_("To the phone number"), max_length=40,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off",
                                                          "placeholder": "0812 3456 7890"}))
    text = forms.CharField(label=_("Message"), max_length=4096, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = Device.objects.for_workspace(workspace).filter(
            status=Device.Status.CONNECTED).order_by("label", "pk")
