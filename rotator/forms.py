"""Forms of the rotator pages: the link and its numbers (a formset, one row per number)."""
from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .models import MAX_NUMBERS_PER_LINK, LinkRotator


class RotatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, required=False,
                           help_text=_("Only you see it, e.g. 'June ads'."))
    slug = forms.CharField(label=_("Link"), max_length=50,
                           help_text=_("The end of the public link: letters, digits and dashes, e.g. promo-june."))
    mode = forms.ChoiceField(label=_("How visitors are spread"), choices=LinkRotator.Mode.choices,
                             initial=LinkRotator.Mode.SEQUENTIAL)
    text = forms.CharField(label=_("Pre-filled message"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=LinkRotator._meta.get_field("text").help_text)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    only_connected = forms.BooleanField(label=_("Only connected numbers"), required=False,
                                        help_text=LinkRotator._meta.get_field("only_connected").help_text)


class NumberForm(forms.Form):
    phone = forms.CharField(label=_("WhatsApp number"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={"placeholder": "0812 3456 7890", "inputmode": "tel"}))
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=1000, initial=1, required=False)
    device = forms.ModelChoiceField(label=_("Device"), queryset=None, required=False,
                                    empty_label=_("— none —"))

    def __init__(self, *args, workspace=None, **kwargs):
        super().__init__(*args, **kwargs)
        device_model = apps.get_model("devices", "Device")
        self.fields["device"].queryset = device_model.objects.for_workspace(workspace).order_by("label", "pk")


NumberFormSet = forms.formset_factory(NumberForm, extra=0, min_num=1, max_num=MAX_NUMBERS_PER_LINK,
                                      validate_max=True, can_delete=True)


def numbers_from(formset):
    """The filled rows of a valid formset, in order, without rows marked for removal."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not (data.get("phone") or "").strip():
            continue
        rows.append({"phone": data["phone"], "weight": data.get("weight") or 1, "device": data.get("device")})
    return rows
