"""Why a value is not a mobile number: reason code → message, kept light (no DRF) so models can use it."""
from django.utils.translation import gettext_lazy

# Why a value is not a mobile number: a stable reason code → its message. Imports store the code and its
# params and translate when the row is read (contacts/importing/reasons.py); forms show the message at once.
MESSAGES = {
    "phone_empty": gettext_lazy("The phone is empty."),
    "phone_not_a_number": gettext_lazy("“%(value)s” is not a phone number."),
    "phone_excel_shortened": gettext_lazy("Excel shortened this number to %(value)s and lost its last digits. "
                                          "Format the column as Text in Excel and export again."),
    "phone_letters": gettext_lazy("“%(value)s” contains letters; a phone number has only digits."),
    "phone_too_short": gettext_lazy("“%(value)s” is too short to be a phone number."),
    "phone_too_long": gettext_lazy("“%(value)s” is too long to be a phone number."),
    "phone_landline": gettext_lazy("“%(value)s” is a landline or service number, not a mobile number."),
    "phone_no_country": gettext_lazy("“%(value)s” does not start with a known country code. Check the digits "
                                     "after the +."),
    "phone_wrong_length": gettext_lazy("“%(value)s” has the wrong number of digits for a +%(code)s mobile "
                                       "number."),
    "phone_invalid": gettext_lazy("“%(value)s” is not a valid phone number. Write it with + and the country code."),
    "phone_invalid_for_region": gettext_lazy("“%(value)s” is not a valid +%(code)s mobile number. If it is from "
                                             "another country, write it with + and that country's code."),
}
