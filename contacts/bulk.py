"""One bulk action on many contacts, for the list page and the API alike: which contacts ("these ids" or
"everything the list filter matches"), what to do, and what the member's role allows."""
from django.utils.translation import gettext as _

from accounts.permissions import can
from audit.services import audit_record
from config.errors import UserError

from . import selectors, services
from .models import Contact

ACTIONS = ("tag", "untag", "delete")


class BulkError(UserError):
    code = "bulk_invalid"


def contacts_bulk(*, workspace, membership, action, ids=None, filters=None, tags=()):
    """Apply ``action`` and return how many contacts it touched.

    ``ids`` picks contacts of this workspace by id (others' ids match nothing); without ids, ``filters``
    (a ``selectors.ContactFilters``) selects everything the list shows."""
    if action not in ACTIONS:
        raise BulkError(_("Unknown action. Use one of: %(actions)s.") % {"actions": ", ".join(ACTIONS)},
                        fields={"action": _("Unknown action.")})
    if action == "delete" and not can(membership, "contacts:delete"):
        raise BulkError(_("Your role does not allow deleting contacts."), code="permission_denied",
                        status_code=403)
    names = services.clean_tag_names(tags)
    if action in ("tag", "untag") and not names:
        raise BulkError(_("Type the tag to add or remove."), fields={"tags": _("Name at least one tag.")})
    if ids is not None:
        if not ids:
            raise BulkError(_("Select some contacts first, or choose “all matching the filter”."),
                            fields={"ids": _("Nothing selected.")})
        contacts = Contact.objects.for_workspace(workspace).filter(id__in=list(ids))
    elif filters is not None:
        contacts = selectors.contact_list(workspace=workspace, filters=filters)
    else:
        raise BulkError(_("Give the contact ids, or a filter for all matching."), fields={"ids": _("Required.")})
    if action == "tag":
        return services.contacts_tag(workspace=workspace, contacts=contacts, names=names)
    if action == "untag":
        return services.contacts_untag(workspace=workspace, contacts=contacts, names=names)
    # Deleted in batches, each its own transaction: the entry follows with the count that really went.
    deleted = services.contacts_delete(workspace=workspace, contacts=contacts)
    audit_record(action="contacts.deleted", workspace=workspace, actor=membership.user, target=str(deleted),
                 count=deleted, selection="ids" if ids is not None else "filter")
    return deleted
