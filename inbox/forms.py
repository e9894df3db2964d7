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
