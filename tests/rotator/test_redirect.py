"""GET /link/<slug>: each mode's spread, inactive and unknown links, bots, and a query-free warm path."""
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from devices.models import Device, WahaServer
from rotator import clicks, services
from rotator.models import LinkRotator

from .factories import make_rotator

pytestmark = pytest.mark.django_db

PHONES = ("6281111111111", "6282222222222", "6283333333333")
CHROME_ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0 Mobile Safari/537.36")


def follow(client, slug="promo-june", ua=CHROME_ANDROID, **extra):
    return client.get(f"/link/{slug}", HTTP_USER_AGENT=ua, **extra)


def phone_of(response):
    assert response.status_code == 302, response.status_code
    url = urlsplit(response["Location"])
    assert (url.scheme, url.netloc) == ("https", "wa.me")
    return url.path.strip("/")


def test_sequential_is_strict_round_robin(workspace):
    make_rotator(workspace, mode="SEQUENTIAL", phones=PHONES)
    client = Client()
    got = [phone_of(follow(client)) for _ in range(9)]
    assert got == list(PHONES) * 3


def test_random_spreads_over_every_number(workspace):
    make_rotator(workspace, mode="RANDOM", phones=PHONES)
    client = Client()
    counts = Counter(phone_of(follow(client)) for _ in range(600))
    assert set(counts) == set(PHONES)
    assert all(120 <= c <= 280 for c in counts.values()), counts  # 200 expected each, ~6 sigma margin


def test_weighted_follows_the_weights(workspace):
    make_rotator(workspace, mode="WEIGHTED", phones=PHONES[:2], weights=[1, 3])
    from rotator import link_config, picking

    config = link_config.load("promo-june")
    numbers = picking.candidates(config)
    counts = Counter(numbers[picking.choose(config, numbers)][1] for _ in range(8000))
    share = counts[PHONES[1]] / 8000
    assert 0.72 <= share <= 0.78, counts  # 0.75 expected; sd ≈ 0.005


def test_text_is_url_encoded_into_wa_me(workspace):
    make_rotator(workspace, text="Halo kak, saya mau order & tanya ongkir?", phones=PHONES[:1])
    location = follow(Client())["Location"]
    assert location.startswith("https://wa.me/6281111111111?text=")
    assert parse_qs(urlsplit(location).query)["text"] == ["Halo kak, saya mau order & tanya ongkir?"]
    assert "%26" in location and " " not in location


def test_unknown_slug_is_a_plain_404(db):
    response = follow(Client(), slug="nope-nothing")
    assert response.status_code == 404
    assert "wa.me" not in response.content.decode()


def test_inactive_link_says_so(workspace):
    make_rotator(workspace, is_active=False)
    response = follow(Client())
    assert response.status_code == 410
    assert "no longer active" in response.content.decode()
    assert clicks.pending() == 0


def test_edit_takes_effect_at_once_despite_the_cache(workspace):
    rotator = make_rotator(workspace, phones=PHONES[:1])
    client = Client()
    assert phone_of(follow(client)) == PHONES[0]
    services.rotator_update(rotator=rotator, is_active=False)
    assert follow(client).status_code == 410
    services.rotator_update(rotator=rotator, is_active=True, slug="promo-july",
                            numbers=[{"phone": PHONES[2], "weight": 1, "device": None}])
    assert follow(client).status_code == 404
    assert phone_of(follow(client, slug="promo-july")) == PHONES[2]


def test_slug_is_case_insensitive(workspace):
    make_rotator(workspace, slug="Promo-June")
    assert LinkRotator.objects.get().slug == "promo-june"
    assert follow(Client(), slug="PROMO-june").status_code == 302


def test_post_is_refused(workspace):
    make_rotator(workspace)
    assert Client().post("/link/promo-june").status_code == 405


@pytest.mark.parametrize("ua", [
    "WhatsApp/2.23.20.0 A", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Facebot", "Twitterbot/1.0", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "TelegramBot (like TwitterBot)", "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
])
def test_preview_bots_get_the_redirect_but_are_not_visitors(workspace, ua):
    rotator = make_rotator(workspace, mode="SEQUENTIAL", phones=PHONES)
    client = Client()
    assert follow(client, ua=ua).status_code == 302
    # A bot does not use up the first number's turn.
    assert phone_of(follow(client)) == PHONES[0]
    clicks.clicks_flush()
    rotator.refresh_from_db()
    assert (rotator.click_count, rotator.bot_click_count) == (1, 1)
    bot_click = rotator.clicks.get(is_preview_bot=True)
    assert bot_click.agent == "bot"


def test_user_agent_classes(workspace):
    rotator = make_rotator(workspace)
    client = Client()
    follow(client, ua=CHROME_ANDROID)
    follow(client, ua="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36")
    follow(client, ua="")
    clicks.clicks_flush()
    assert sorted(rotator.clicks.values_list("agent", flat=True)) == ["desktop", "mobile", "other"]


def test_warm_redirect_makes_no_database_query(workspace, django_assert_num_queries):
    make_rotator(workspace, mode="SEQUENTIAL")
    client = Client()
    follow(client)  # warms the cache
    with django_assert_num_queries(0):
        for _ in range(3):
            assert follow(client, HTTP_REFERER="https://instagram.com/p/1").status_code == 302
    assert "sessionid" not in client.cookies and "csrftoken" not in client.cookies


def test_unknown_slugs_are_cached_too(db, django_assert_num_queries):
    client = Client()
    follow(client, slug="ghost-link")
    with django_assert_num_queries(0):
        assert follow(client, slug="ghost-link").status_code == 404


def _device(workspace, name, status):
    server, _ = WahaServer.objects.get_or_create(name="main", defaults={"base_url": "http://waha:3000"})
    return Device.objects.create(workspace=workspace, session_name=name, server=server, status=status)


def test_only_connected_routes_to_connected_devices_and_falls_back(workspace):
    up = _device(workspace, "s-up", Device.Status.CONNECTED)
    down = _device(workspace, "s-down", Device.Status.DISCONNECTED)
    rotator = services.rotator_create(workspace=workspace, slug="cs-team", mode="SEQUENTIAL", only_connected=True,
                                      numbers=[{"phone": PHONES[0], "weight": 1, "device": down},
                                               {"phone": PHONES[1], "weight": 1, "device": up},
                                               {"phone": PHONES[2], "weight": 1, "device": None}])
    client = Client()
    assert {phone_of(follow(client, slug="cs-team")) for _ in range(4)} == {PHONES[1]}
    up.status = Device.Status.DISCONNECTED
    up.save()  # forgets the cached link, so the next click sees the new status
    assert {phone_of(follow(client, slug="cs-team")) for _ in range(6)} == set(PHONES)
    services.rotator_update(rotator=rotator, only_connected=False)
    assert {phone_of(follow(client, slug="cs-team")) for _ in range(3)} == set(PHONES)


def test_spintax_gives_visitors_variants(workspace):
    make_rotator(workspace, mode="RANDOM", phones=PHONES[:1], text="{Halo|Hai|Selamat pagi} kak, mau order")
    client = Client()
    texts = {parse_qs(urlsplit(follow(client)["Location"]).query)["text"][0] for _ in range(60)}
    assert texts == {"Halo kak, mau order", "Hai kak, mau order", "Selamat pagi kak, mau order"}


def test_other_processes_see_an_edit_within_the_local_cache_time(workspace, monkeypatch):
    """This process forgets at once; another one keeps its copy at most LOCAL_SECONDS."""
    from rotator import link_config

    rotator = make_rotator(workspace, phones=PHONES[:1])
    assert link_config.load("promo-june")["active"] is True
    # Another process saves the link: it clears Redis, not this process's memory.
    LinkRotator.objects.filter(pk=rotator.pk).update(is_active=False)
    link_config.get_redis().delete(link_config.cache_key("promo-june"))
    assert link_config.load("promo-june")["active"] is True
    now = link_config.time.monotonic()
    monkeypatch.setattr(link_config.time, "monotonic", lambda: now + link_config.LOCAL_SECONDS + 0.01)
    assert link_config.load("promo-june")["active"] is False


def test_head_requests_are_answered_but_not_counted(workspace):
    make_rotator(workspace, mode="SEQUENTIAL", phones=PHONES)
    client = Client()
    response = client.head("/link/promo-june", HTTP_USER_AGENT=CHROME_ANDROID)
    assert response.status_code == 302 and response["Location"].startswith("https://wa.me/")
    assert clicks.pending() == 0
    assert phone_of(follow(client)) == PHONES[0]


def test_impossible_slugs_never_reach_redis(db):
    from rotator import link_config

    client = Client()
    for slug in ["x" * 200, "promo_june", "%F0%9F%98%80", "a--b"]:
        assert client.get(f"/link/{slug}").status_code == 404
    assert not list(link_config.get_redis().scan_iter(match=link_config.cache_key("*")))
