"""Account → Sessions: where this account is signed in (browsers and API logins), ending one or all."""
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import session_tracking
from .models import ApiSession, WebSession
from .tenancy_web import workspace_view


@workspace_view("dashboard:view")
def sessions_page(request):
    web, api = session_tracking.sessions_of(request.user,
                                            current_sid=request.session.get(session_tracking.SESSION_ID_KEY))
    access_minutes = int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds() // 60)
    return render(request, "accounts/sessions.html", {"web_sessions": web, "api_sessions": api,
                                                      "access_minutes": access_minutes})


@require_POST
@workspace_view("dashboard:view")
def web_session_revoke(request, public_id):
    if str(public_id) == request.session.get(session_tracking.SESSION_ID_KEY):
        messages.info(request, _("That is this browser: use Log out instead."))
        return redirect("accounts:sessions")
    try:
        session_tracking.web_session_revoke(user=request.user, public_id=public_id)
    except WebSession.DoesNotExist:
        raise Http404  # another account's session, or already ended: nothing to say about it
    messages.success(request, _("That browser was logged out."))
    return redirect("accounts:sessions")


@require_POST
@workspace_view("dashboard:view")
def api_session_revoke(request, public_id):
    try:
        session_tracking.api_session_revoke(user=request.user, public_id=public_id)
    except ApiSession.DoesNotExist:
        raise Http404
    messages.success(request, _("That API login was ended: its refresh token no longer works."))
    return redirect("accounts:sessions")
