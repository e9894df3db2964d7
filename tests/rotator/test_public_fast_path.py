"""The public redirect's short way through the middleware stack (rotator.middleware), and its Redis call.

The fast path must answer exactly what the full stack answers for a live link, minus only what describes
a page body (Vary, Content-Language), record each click once, and leave every other case to the stack.
"""
import pytest
from django.test import Client

from config import redis as sebar_redis
from rotator import clicks, link_config
from rotator.models import LinkRotator

from .factories import make_rotator

pytestmark = pytest.mark.django_db

PHONE = "6281111111111"
UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
FAST = "rotator.middleware.PublicLinkMiddleware"


def _get(client, path="/link/promo-june", **extra):
    return client.get(path, **{"HTTP_USER_AGENT": UA, **extra})


def _full_stack(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != FAST]
    return Client()  # a new client builds its handler from the changed setting


def test_a_live_link_is_answered_before_session_and_auth(workspace):
    make_rotator(workspace, phones=(PHONE,), text="Halo kak")
    response = _get(Client())
    assert response.status_code == 302
    assert response["Location"] == f"https://wa.me/{PHONE}?text=Halo%20kak"
    request = response.wsgi_request
    # The middleware after ours never ran: no session, no user, no workspace, no CSRF, no language.
    for attribute in ("session", "user", "workspace", "_messages", "LANGUAGE_CODE", "csrf_processing_done"):
        assert not hasattr(request, attribute), attribute
    assert "Vary" not in response and not response.cookies
    assert clicks.pending() == 1


@pytest.mark.parametrize("secure", [False, True])
def test_fast_path_keeps_every_security_header_of_the_full_stack(workspace, settings, secure):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    make_rotator(workspace, phones=(PHONE,), text="Halo kak")
    fast = _get(Client(), secure=secure)
    assert not hasattr(fast.wsgi_request, "session")
    full = _get(_full_stack(settings), secure=secure)
    assert hasattr(full.wsgi_request, "session")  # this one really went through the whole stack
    assert (fast.status_code, full.status_code) == (302, 302)
    # They describe a page body; a redirect has none (the CSP middleware sits below the fast path on purpose:
    # building the policy would cost the redirect ~25 µs for nothing a browser renders).
    body_only = {"vary", "content-language", "content-security-policy"}
    expected = {k.lower(): v for k, v in full.headers.items() if k.lower() not in body_only}
    assert {k.lower(): v for k, v in fast.headers.items()} == expected
    assert ("strict-transport-security" in expected) is secure
    for header in ("x-content-type-options", "x-frame-options", "cross-origin-opener-policy"):
        assert header in expected
    assert expected["referrer-policy"] == "no-referrer" and expected["cache-control"] == "no-store"
    assert clicks.clicks_flush() == 2


def test_https_redirect_still_comes_first_and_counts_nothing(workspace, settings):
    settings.SECURE_SSL_REDIRECT = True
    make_rotator(workspace, phones=(PHONE,))
    response = _get(Client())
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/link/promo-june"
    assert clicks.pending() == 0


def test_inactive_page_goes_through_the_stack_and_is_translated(workspace):
    make_rotator(workspace, is_active=False)
    response = _get(Client(), HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 410
    assert hasattr(response.wsgi_request, "session")
    assert "Link ini sudah tidak aktif" in response.content.decode()
    assert response["X-Frame-Options"] == "DENY" and response["Content-Language"] == "id"
    assert clicks.pending() == 0


def test_a_link_with_no_number_goes_through_the_stack(workspace):
    rotator = make_rotator(workspace, phones=(PHONE,))
    rotator.numbers.all().delete()
    link_config.forget(rotator.slug)
    response = _get(Client())
    assert response.status_code == 503 and hasattr(response.wsgi_request, "session")
    assert clicks.pending() == 0


@pytest.mark.parametrize("path", ["/link/", "/link/promo-june/", "/link/promo-june/x", "/link/nope-nothing",
                                  "/link/promo_june", "/links/promo-june"])
def test_other_paths_get_the_stacks_answer(workspace, path):
    make_rotator(workspace, phones=(PHONE,))
    response = _get(Client(), path)
    assert response.status_code in (301, 302, 404)
    if path != "/links/promo-june":
        assert response.status_code == 404, path
    assert hasattr(response.wsgi_request, "session"), path
    assert clicks.pending() == 0


def test_head_and_post_go_through_the_stack(workspace):
    make_rotator(workspace, phones=(PHONE,))
    client = Client()
    head = client.head("/link/promo-june", HTTP_USER_AGENT=UA)
    assert head.status_code == 302 and hasattr(head.wsgi_request, "session")
    assert client.post("/link/promo-june").status_code == 405
    assert clicks.pending() == 0


def test_each_fast_click_is_recorded_once_with_what_we_know(workspace):
    rotator = make_rotator(workspace, mode="SEQUENTIAL", phones=(PHONE, "6282222222222"))
    client = Client()
    _get(client, HTTP_REFERER="https://m.facebook.com/ads/1")
    _get(client, HTTP_USER_AGENT="WhatsApp/2.24.1 A")  # a preview bot: recorded, not a visitor
    assert clicks.clicks_flush() == 2
    rotator.refresh_from_db()
    assert (rotator.click_count, rotator.bot_click_count) == (1, 1)
    human, bot = rotator.clicks.order_by("is_preview_bot")
    assert (human.phone, human.agent, human.referrer_host) == (PHONE, "mobile", "m.facebook.com")
    assert (bot.agent, bot.is_preview_bot) == ("bot", True)


def test_the_prefix_is_where_the_urlconf_mounts_the_view():
    from django.urls import resolve, reverse

    from rotator.public_urls import PATH_PREFIX
    from rotator.public_views import link_redirect

    assert reverse("link:redirect", args=["promo-june"]) == f"/{PATH_PREFIX}promo-june"
    assert resolve(f"/{PATH_PREFIX}promo-june").func is link_redirect


@pytest.mark.parametrize("ua", ["WHATSAPP/2.23 A", "FacebookExternalHit/1.1", "Mozilla/5.0 (compatible; BingBot/2.0)",
                                "python-requests/2.31", "Mozilla/5.0 (Linux; ANDROID 14) MOBILE"])
def test_user_agents_are_matched_whatever_their_case(ua):
    from rotator import agents

    expected = ("mobile", False) if "ANDROID" in ua else ("bot", True)
    assert agents.classify(ua) == expected


# ---------------------------------------------------------------- config.redis.run_script


def _script():
    # A script Redis has never seen (its text is unique), so the first EVALSHA answers NOSCRIPT.
    import uuid

    return sebar_redis.Script(f"-- {uuid.uuid4().hex}\nreturn redis.call('INCR', KEYS[1])")


def test_run_script_loads_a_script_redis_does_not_know(settings):
    key = sebar_redis.key("test", "counter")
    script = _script()
    assert sebar_redis.run_script(script, (key,), ()) == 1
    assert sebar_redis.run_script(script, (key,), ()) == 2  # now by EVALSHA
    assert sebar_redis.get_redis().get(key) == b"2"


def test_run_script_survives_redis_closing_its_connection(settings):
    key = sebar_redis.key("test", "counter")
    script = _script()
    assert sebar_redis.run_script(script, (key,), ()) == 1
    conn = sebar_redis._own_connection()
    conn.send_command("CLIENT", "ID")
    own_id = conn.read_response()
    assert sebar_redis.get_redis().client_kill_filter(_id=own_id) == 1  # as a Redis restart would
    assert sebar_redis.run_script(script, (key,), ()) == 2  # once, on a new connection
    assert sebar_redis.get_redis().get(key) == b"2"


def test_unknown_link_is_still_cached_as_missing(db):
    assert _get(Client(), "/link/ghost-link").status_code == 404
    assert link_config.get_redis().get(link_config.cache_key("ghost-link")) == b"-"
    assert not LinkRotator.objects.exists()
