"""Writes of keyword auto-replies, quick replies and the assistant settings, shared by pages and API.

A rule is validated before it is saved: an empty keyword, a regular expression that does not compile
(with the reason) or broken spintax are refused, so no bad rule ever reaches the matcher.
"""
from django.conf import settings as django_settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Workspace
from audit.services import audit_record
from common.spintax import SpintaxError, validate
from config.errors import UserError
from config.outbound import check_url

from .knowledge import knowledge_reindex_all
from .matching import first_match, validate_keyword
from .models import AutoReply, QuickReply
from .replies import render_reply

MAX_MEDIA_BYTES = 16 * 1024 * 1024


def _validate_response(text):
    if not (text or "").strip():
        raise UserError(_("Write the answer the bot sends."), fields={"response_text": "required"})
    try:
        validate(text)
    except SpintaxError as exc:
        raise UserError(_("The answer's spintax is broken: %(reason)s") % {"reason": exc.message},
                        fields={"response_text": exc.message}) from exc


def autoreply_save(*, workspace, rule=None, keyword, match_type, response_text, priority=100, is_active=True,
                   devices=None, media=None, clear_media=False):
    """Create (rule=None) or update a keyword rule; devices=None keeps them, [] means every number."""
    keyword = (keyword or "").strip()
    if match_type not in AutoReply.MatchType.values:
        raise UserError(_("Choose EXACT, CONTAINS, STARTS_WITH or REGEX."), fields={"match_type": "invalid"})
    validate_keyword(keyword, match_type)
    _validate_response(response_text)
    if media is not None and media.size > MAX_MEDIA_BYTES:
        raise UserError(_("The attachment can be at most 16 MB."), fields={"media": "too large"})
    devices = list(devices) if devices is not None else None
    if devices and any(d.workspace_id != workspace.pk for d in devices):
        raise UserError(_("Choose numbers of this workspace."), fields={"devices": "invalid"})
    rule = rule or AutoReply(workspace=workspace)
    was_regex = rule.pk is not None and AutoReply.objects.filter(pk=rule.pk, match_type="REGEX").exists()
    rule.keyword, rule.match_type, rule.response_text = keyword, match_type, response_text.strip()
    rule.priority, rule.is_active = int(priority), bool(is_active)
    with transaction.atomic():
        _check_caps(workspace, new=rule.pk is None, new_regex=match_type == "REGEX" and not was_regex)
        if clear_media and rule.media:
            rule.media.delete(save=False)
        if media is not None:
            rule.media.save(media.name, media, save=False)
        rule.full_clean(exclude=["devices"])
        rule.save()
        if devices is not None:
            rule.devices.set(devices)
    return rule


def _check_caps(workspace, *, new, new_regex):
    """Rules per workspace are capped, REGEX rules more tightly: every inbound message runs them all."""
    if not (new or new_regex):
        return
    # Hold the workspace row so two saves at once cannot both take the last place.
    list(Workspace.objects.select_for_update().filter(pk=workspace.pk).values_list("pk", flat=True))
    rules = AutoReply.objects.for_workspace(workspace)
    cap = django_settings.AUTO_REPLY_MAX_RULES
    if new and rules.count() >= cap:
        raise UserError(_("A workspace can have at most %(n)s auto-reply rules. Delete or merge some first.")
                        % {"n": cap}, code="too_many_rules", fields={"keyword": _("Too many rules.")})
    regex_cap = django_settings.AUTO_REPLY_MAX_REGEX_RULES
    if new_regex and rules.filter(match_type="REGEX").count() >= regex_cap:
        raise UserError(_("A workspace can have at most %(n)s regular-expression rules. Use Contains or Starts "
                          "with for the others.") % {"n": regex_cap}, code="too_many_regex_rules",
                        fields={"match_type": _("Too many regular-expression rules.")})


def autoreply_delete(*, rule):
    if rule.media:
        rule.media.delete(save=False)
    rule.delete()


def autoreply_test(*, workspace, text, device=None):
    """(rule that would answer, its rendered answer) for a sample message, or (None, "")."""
    rules = AutoReply.objects.for_workspace(workspace).filter(is_active=True).prefetch_related("devices")
    ordered = [r for r in rules.order_by("priority", "pk")
               if device is None or not r.devices.all() or device in r.devices.all()]
    rule = first_match(ordered, text)
    if rule is None:
        return None, ""
    return rule, render_reply(rule.response_text, {"name": _("Budi"), "phone": "6281234567890"})


def quick_reply_save(*, workspace, quick_reply=None, title, text):
    if not (title or "").strip() or not (text or "").strip():
        raise UserError(_("A quick reply needs a title and a text."),
                        fields={"title": "required" if not (title or "").strip() else "", "text": "required"})
    try:
        validate(text)  # it is filled for the chat's contact when inserted (selectors.quick_replies_for)
    except SpintaxError as exc:
        raise UserError(_("The quick reply's spintax is broken: %(reason)s") % {"reason": exc.message},
                        code="spintax_error", fields={"text": exc.message}) from exc
    quick_reply = quick_reply or QuickReply(workspace=workspace)
    quick_reply.title, quick_reply.text = title.strip()[:80], text.strip()
    quick_reply.full_clean()
    quick_reply.save()
    return quick_reply


def assistant_settings_update(*, settings, **values):
    """Change the workspace's assistant settings; a new key, URL or embedding model re-indexes the knowledge."""
    reindex_fields = {"api_key", "base_url", "embedding_model"}
    changed = {name for name, value in values.items() if getattr(settings, name) != value}
    for name, value in values.items():
        setattr(settings, name, value)
    if not 0 <= settings.min_similarity <= 1:
        raise UserError(_("The minimum similarity is between 0 and 1."), fields={"min_similarity": "range"})
    if settings.instructions and len(settings.instructions) > 4000:
        raise UserError(_("Keep the instructions under 4000 characters."), fields={"instructions": "too long"})
    if "base_url" in changed and settings.base_url:
        check_url(settings.base_url)
    settings.full_clean(exclude=["workspace"])
    with transaction.atomic():  # a re-index refused (queue down) leaves the old settings too
        settings.save()
        if changed:  # the names only: the key's and the prompt's values stay out of the log
            audit_record(action="assistant.changed", workspace=settings.workspace, target=", ".join(sorted(changed)),
                         fields=sorted(changed))
        if changed & reindex_fields:
            knowledge_reindex_all(workspace=settings.workspace)
    return settings
