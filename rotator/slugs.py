"""What a public link slug may be: letters, digits and dashes, not a word the site uses itself."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_LENGTH = 2
MAX_LENGTH = 50
# Words that look like the site's own pages, or that people could mistake for them in an ad.
RESERVED = frozenset({
    "admin", "api", "link", "links", "static", "media", "login", "logout", "signup", "register", "account",
    "accounts", "auth", "billing", "dashboard", "devices", "contacts", "campaigns", "inbox", "webhooks",
    "healthz", "help", "support", "settings", "sebar", "www", "new", "edit", "delete", "about", "terms",
    "privacy", "wa", "whatsapp", "i18n", "docs", "schema", "favicon-ico", "robots-txt",
})


def validate_slug(value):
    slug = (value or "").strip().lower()
    if not MIN_LENGTH <= len(slug) <= MAX_LENGTH:
        raise ValidationError(_("Use between %(min)s and %(max)s characters.") % {"min": MIN_LENGTH, "max": MAX_LENGTH},
                              code="slug_length")
    if not SLUG_RE.match(slug):
        raise ValidationError(
            _("Use only letters, digits and single dashes between them (e.g. promo-june)."), code="slug_format")
    if slug in RESERVED:
        raise ValidationError(_("'%(slug)s' is reserved by Sebar. Choose another word.") % {"slug": slug},
                              code="slug_reserved")
