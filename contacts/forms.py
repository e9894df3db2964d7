"""Forms for the contacts pages. They only parse input; services do the writing."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .importing import columns


class ContactForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=40,
                            help_text=_("Any format: 0812-3456-7890, +62 812 3456 7890, +65 9123 4567."))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separate with commas, e.g. VIP, Lead."))
    custom_fields = forms.CharField(label=_("Custom fields"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=_("One per line as key = value, e.g. city = Bandung. Use them in "
                                                "messages as [city]."))

    def clean_custom_fields(self):
        result = {}
        for number, line in enumerate(self.cleaned_data["custom_fields"].splitlines(), start=1):
            if not line.strip():
                continue
            if "=" not in line:
                raise forms.ValidationError(_("Line %(n)s needs the form key = value.") % {"n": number})
            key, value = line.split("=", 1)
            key = columns.field_key(key)
            if not key:
                raise forms.ValidationError(_("Line %(n)s has no key before =.") % {"n": number})
            result[key] = value.strip()[:500]
        return result


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("CSV, XLSX or XLS. The first row may hold column names."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx,.xls"}))
    tags = forms.CharField(label=_("Tags for every contact"), required=False,
                           help_text=_("Optional, comma-separated, e.g. Expo 2026."))
    source = forms.CharField(label=_("Source"), required=False, max_length=40,
                             help_text=_("Where these contacts came from. Default: Excel or CSV."))


class GrabForm(forms.Form):
    device = forms.CharField()
    group_id = forms.CharField()
    tags = forms.CharField(required=False)


class OptOutWordsForm(forms.Form):
    words = forms.CharField(label=_("Opt-out words"), widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("One per line. A contact who writes exactly one of these is never messaged "
                                        "again, until an owner undoes it."))


class ContactCapForm(forms.Form):
    messages = forms.IntegerField(label=_("Broadcast messages per contact"), min_value=0, max_value=100,
                                  help_text=_("0 = no limit. Replies to a customer's own message never count."))
    days = forms.IntegerField(label=_("in this many days"), min_value=1, max_value=90)


def mapping_choices(headers):
    """Choices per column: phone, name, tags, skip, or a custom field named after the header."""
    base = [(columns.PHONE, _("Phone")), (columns.NAME, _("Name")), (columns.TAGS, _("Tags")),
            (columns.SKIP, _("Don't import"))]
    return [base + [(columns.FIELD + (columns.field_key(h) or f"column_{i + 1}"),
                     _("Custom field “%(key)s”") % {"key": columns.field_key(h) or f"column_{i + 1}"})]
            for i, h in enumerate(headers)]
