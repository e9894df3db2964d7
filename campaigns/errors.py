"""Campaign errors users can fix."""
from config.errors import UserError


class CampaignStateError(UserError):
    """The action does not fit the campaign's status (pausing a finished one, resuming a running one)."""

    code = "campaign_state"
    status_code = 409
