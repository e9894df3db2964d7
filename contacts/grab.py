"""Group grab: list a device's WhatsApp groups and import a group's participants as contacts.

Participants go through the same merge rule and report as a file import (an `ImportJob` of kind
"group"), tagged `From Group <name>` with source "Group Grab" (both in the workspace's language).
WhatsApp hides some members behind an `@lid` id without a phone (`pn`): those are looked up through
WAHA's LID endpoint and, when still hidden, counted as "hidden by WhatsApp" — never stored under a
made-up number. The device's own number is skipped.
"""
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.language import workspace_language
from billing import limits
from common.phones import InvalidPhone, normalize
from config import queue
from config.errors import UserError
from devices.models import Device
from devices.selectors import client_for
from devices.waha import WahaError
from devices.waha_ids import phone_of_chat_id

from .importing import reasons
from .importing.merge import Budget, Record, TagCache, merge_records
from .models import ImportJob, ImportReject
from .services import clean_tag_names

# contacts.tasks imports this module, so its task is queued by its dotted path (config.queue imports it).
GRAB_TASK = "contacts.tasks.contacts_grab_task"

log = logging.getLogger(__name__)


def _client(device):
    return client_for(device)


def _waha_error(exc):
    return UserError(_("WhatsApp did not answer for %(device)s: %(error)s. Check that the device is connected.")
                     % {"device": device_label(exc), "error": getattr(exc, "waha_message", str(exc))},
                     code="waha_error", status_code=502)


def device_label(exc):
    return getattr(exc, "session", None) or _("this device")


def groups_list(*, device):
    """[{"id", "name", "size"}] of the device's groups, biggest first."""
    try:
        groups = _client(device).groups(device.session_name)
    except WahaError as exc:
        raise _waha_error(exc)
    return sorted((g for g in groups if g.get("id")), key=lambda g: (-(g.get("size") or 0), g.get("name") or ""))


def grab_create(*, workspace, user, device, group_id, tags=()):
    """Queue the grab of one group; the job's report fills in when the task has run."""
    group_id = str(group_id or "").strip()
    if not group_id.endswith("@g.us"):
        raise UserError(_("Choose a group from the list (its id ends in @g.us)."), fields={"group_id": _("Invalid.")})
    queue.require()
    name = next((g.get("name") for g in groups_list(device=device) if g["id"] == group_id), None)
    if name is None:
        raise UserError(_("This device is not in that group any more. Reload the group list."),
                        code="group_not_found", status_code=404, fields={"group_id": _("Not found.")})
    label = (name or group_id)[:60]
    # The tag and the source are stored values the shop reads for good: in its language, not the clicker's.
    with workspace_language(workspace):
        source, group_tag = _("Group Grab"), _("From Group %(name)s") % {"name": label}
    job = ImportJob.objects.create(
        workspace=workspace, created_by=user, kind=ImportJob.Kind.GROUP, original_name=label,
        headers=[device.session_name, group_id], source=source, status=ImportJob.Status.QUEUED,
        queued_at=timezone.now(), tags=clean_tag_names([group_tag, *clean_tag_names(tags)]))
    queue.enqueue_on_commit(GRAB_TASK, job.pk)
    return job


def _participant_phone(client, session, participant):
    """Digits for a participant, or None when WhatsApp hides the number."""
    for candidate in (participant.get("pn"), participant.get("id")):
        digits = phone_of_chat_id(candidate) if candidate else None
        if digits:
            return digits
    ident = participant.get("id") or ""
    if ident.endswith("@lid"):
        resolved = client.lid_to_phone(session, ident)
        return phone_of_chat_id(resolved) if resolved else None
    return None


def _display_names(client, session):
    """WhatsApp's names for the people this number knows; a grab without names is still a grab."""
    try:
        return client.contact_names(session)
    except WahaError as exc:
        log.info("grab: no contact names from %s: %s", session, exc)
        return {}


def _own_digits(client, device):
    own = "".join(c for c in device.phone_number or "" if c.isdigit())
    if own:
        return own
    me = client.session_me(device.session_name) or {}
    return "".join(c for c in str(me.get("id", "")).split("@")[0].split(":")[0] if c.isdigit())


def grab_run(job):
    """Fetch the participants and merge them; one transaction, so a re-run after a crash starts clean."""
    if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        return job
    session, group_id = job.headers
    device = Device.objects.for_workspace(job.workspace).filter(session_name=session).first()
    if device is None:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, finished_at=timezone.now(),
                                                   error=_("The device was removed before the grab ran."))
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=timezone.now())
    client = _client(device)
    try:
        participants = client.group_participants(session, group_id)
        own = _own_digits(client, device)
        names = _display_names(client, session)
        records, rejects, hidden, duplicates, seen = [], [], 0, 0, set()
        for row, participant in enumerate(participants, start=1):
            digits = _participant_phone(client, session, participant)
            if digits is None:
                hidden += 1
                continue
            if digits == own:
                continue
            try:
                phone = normalize("+" + digits, job.workspace.default_region or "ID")
            except InvalidPhone as exc:
                rejects.append(ImportReject(job_id=job.pk, row_number=row, value=digits, code=exc.reason,
                                            params=exc.params))
                continue
            if phone in seen:
                duplicates += 1
                continue
            seen.add(phone)
            records.append(Record(row=row, phone=phone, name=names.get(digits, "")[:120]))
    except WahaError as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, finished_at=timezone.now(),
                                                   error=_waha_error(exc).message)
        job.refresh_from_db()
        return job
    with transaction.atomic():
        outcome = merge_records(workspace=job.workspace, records=records, tags=job.tags, source=job.source,
                                budget=Budget(limits.remaining(job.workspace, "contacts", lock=True)),
                                tag_cache=TagCache(job.workspace))
        rejects.extend(ImportReject(job_id=job.pk, row_number=r.row, value=r.phone, code=reasons.OVER_LIMIT_GRAB)
                       for r in outcome.over_limit)
        ImportReject.objects.bulk_create(rejects)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE, finished_at=timezone.now(), total_rows=len(participants),
            last_row=len(participants), created_count=outcome.created, updated_count=outcome.updated,
            duplicate_count=duplicates, rejected_count=len(rejects) - len(outcome.over_limit),
            over_limit_count=len(outcome.over_limit), hidden_count=hidden)
    job.refresh_from_db()
    return job
