"""The role matrix, written once: what owners and agents may do. The team page renders this table.

Names follow `area:action`. Owners may do everything; agents work the inbox and look at contacts
and campaigns, but never touch billing, devices, the team, exports or deletions.
"""
from django.utils.translation import gettext_lazy as _

OWNER = "owner"
AGENT = "agent"
BOTH = frozenset({OWNER, AGENT})
OWNER_ONLY = frozenset({OWNER})

# permission -> (roles allowed, what it means to a person reading the team page)
MATRIX = {
    "dashboard:view": (BOTH, _("See the dashboard")),
    "devices:view": (OWNER_ONLY, _("See connected WhatsApp numbers")),
    "devices:manage": (OWNER_ONLY, _("Add, disconnect and delete WhatsApp numbers")),
    "contacts:view": (BOTH, _("See contacts and tags")),
    "contacts:edit": (OWNER_ONLY, _("Add, edit, tag, import and grab contacts")),
    "contacts:export": (OWNER_ONLY, _("Export contacts")),
    "contacts:delete": (OWNER_ONLY, _("Delete contacts")),
    "campaigns:view": (BOTH, _("See campaigns and their reports")),
    "campaigns:send": (OWNER_ONLY, _("Create, start, pause and cancel campaigns")),
    "campaigns:export": (OWNER_ONLY, _("Export campaign reports")),
    "campaigns:delete": (OWNER_ONLY, _("Delete campaigns")),
    "inbox:use": (BOTH, _("Read and answer chats assigned to them or unassigned")),
    "inbox:view_all": (OWNER_ONLY, _("See every chat, whoever it is assigned to")),
    "inbox:assign": (OWNER_ONLY, _("Assign chats to agents")),
    "inbox:labels": (OWNER_ONLY, _("Create, rename and delete the labels put on chats")),
    "autoreplies:view": (BOTH, _("See keyword auto-replies and quick replies")),
    "autoreplies:manage": (OWNER_ONLY, _("Create, change and delete auto-replies and the AI knowledge base")),
    "flows:view": (BOTH, _("See chatbot flows")),
    "flows:manage": (OWNER_ONLY, _("Create, change, publish and archive chatbot flows, and start one in a chat")),
    "rotator:view": (BOTH, _("See link rotators and their statistics")),
    "rotator:manage": (OWNER_ONLY, _("Create, change and delete link rotators")),
    "team:manage": (OWNER_ONLY, _("Invite and remove agents")),
    "billing:manage": (OWNER_ONLY, _("Choose a plan and see invoices")),
    "settings:manage": (OWNER_ONLY, _("Change workspace settings")),
    "audit:view": (OWNER_ONLY, _("See the audit log: sign-ins, team changes, exports, deletions, keys and plans")),
}


def can(membership, permission):
    """True when the membership's role allows `permission`. Unknown permissions are a bug, not a no."""
    if permission not in MATRIX:
        raise KeyError(f"Unknown permission {permission!r}: add it to accounts.permissions.MATRIX")
    if membership is None:
        return False
    return membership.role in MATRIX[permission][0]


# What an agent may read in bulk, decided here once. Agents answer customers: they look a person up (by
# search) and read one screen of a list, but never walk a whole list, which would be an export by another
# name. So for members without the export permission every list — contacts, a campaign's recipients, in
# pages and in the API — stops after its first screen, and files of rows (import rejects, recipients.csv)
# need the owner's rights.
AGENT_LIST_ROWS = 50


def bulk_read_rows(membership, export_permission):
    """Rows of a list this member may read: None (all, page after page) or a cap on the first screen."""
    return None if can(membership, export_permission) else AGENT_LIST_ROWS


def matrix_rows():
    """Rows for the team page: (permission, description, owner allowed, agent allowed)."""
    return [(name, desc, OWNER in roles, AGENT in roles) for name, (roles, desc) in MATRIX.items()]
