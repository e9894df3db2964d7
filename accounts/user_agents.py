"""A browser's User-Agent header in words for the sessions page ("Chrome 131 on Android, Pixel 8"), read by
ua-parser's maintained rules rather than by regexes of our own."""
from django.utils.translation import gettext as _
from ua_parser import parse

GENERIC_DEVICES = {"Other", "Generic Smartphone", "Generic Feature Phone", "Spider"}


def describe(user_agent):
    """Words for `user_agent`, or "" when nothing in it is recognised (the page then shows the raw header)."""
    if not user_agent:
        return ""
    result = parse(user_agent)
    agent = " ".join(p for p in (result.user_agent.family, result.user_agent.major) if p) if result.user_agent else ""
    system = result.os.family if result.os and result.os.family != "Other" else ""
    device = result.device.family if result.device and result.device.family not in GENERIC_DEVICES else ""
    if agent and system:
        words = _("%(browser)s on %(system)s") % {"browser": agent, "system": system}
    else:
        words = agent or system
    if device and words:
        return f"{words}, {device}"
    return words or device
