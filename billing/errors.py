"""Billing's user errors."""
from config.errors import UserError


class LimitReached(UserError):
    """A plan limit stops this action. The message says the limit, the use, and the plan that allows more."""

    code = "plan_limit_reached"
    status_code = 403

    def __init__(self, message, *, resource, limit, used, upgrade_to=None):
        super().__init__(message, fields={"resource": resource, "limit": limit, "used": used,
                                          "upgrade_to": upgrade_to})
        self.resource = resource
        self.limit = limit
        self.used = used
        self.upgrade_to = upgrade_to
