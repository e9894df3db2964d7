"""Redis down while a member edits a link (issue 12 #9): the save commits and is answered normally, the lost
forget of the link's cached copy is logged, and a copy the outage kept cannot send visitors to old numbers for
long once Redis answers again."""
import logging

import pytest

from rotator import link_config, services
from rotator.models import LinkRotator
from tests.outage import cache_down_fixture, redis_down_fixture

from .factories import make_rotator
from .test_pages import _post_data

__all__ = ["cache_down_fixture", "redis_down_fixture"]

pytestmark = pytest.mark.django_db


def test_editing_a_link_on_its_page_while_redis_is_down_saves_and_answers(owner_client, workspace, redis_down,
                                                                           cache_down, caplog):
    rotator = make_rotator(workspace)
    caplog.set_level(logging.WARNING, logger="rotator.link_config")
    response = owner_client.post(f"/links/{rotator.pk}/", _post_data(mode="RANDOM"))
    assert response.status_code == 302
    rotator.refresh_from_db()
    assert rotator.mode == "RANDOM"
    assert list(rotator.numbers.values_list("phone", flat=True)) == ["6281211111111", "6282222222222"]
    assert "could not forget the cached copy of link 'promo-june'" in caplog.text


def test_the_api_creates_changes_and_deletes_links_while_redis_is_down(owner_api, workspace, redis_down, cache_down):
    response = owner_api.post("/api/rotators", {"slug": "promo-july", "numbers": [{"phone": "081211111111"}]},
                              format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = owner_api.patch(f"/api/rotators/{pk}", {"numbers": [{"phone": "081233333333"}]}, format="json")
    assert response.status_code == 200, response.content
    assert list(LinkRotator.objects.get(pk=pk).numbers.values_list("phone", flat=True)) == ["6281233333333"]
    assert owner_api.delete(f"/api/rotators/{pk}").status_code == 204
    assert not LinkRotator.objects.filter(pk=pk).exists()


def test_a_device_changing_while_redis_is_down_is_saved(workspace, redis_down):
    from devices.models import Device, WahaServer

    server = WahaServer.objects.create(name="main", base_url="http://waha:3000")
    device = Device.objects.create(workspace=workspace, session_name="ws-1", server=server)
    services.rotator_create(workspace=workspace, slug="promo-june",
                            numbers=[{"phone": "081211111111", "weight": 1, "device": device}])
    device.status = Device.Status.CONNECTED
    device.save()  # its links forget their copy (rotator.apps), which cannot reach Redis
    assert Device.objects.get(pk=device.pk).status == Device.Status.CONNECTED


def test_a_copy_the_outage_kept_expires_soon(workspace, settings, monkeypatch):
    # Redis refuses the forget but keeps its data (a blip, or a restart from its snapshot): the old copy is
    # read again once Redis answers, until its expiry, so that expiry must be short.
    from config.redis import get_redis

    rotator = make_rotator(workspace)
    assert link_config.load("promo-june")["numbers"][0][1] == "6281111111111"  # cached in Redis

    def refuse(*keys):
        from redis.exceptions import ConnectionError as RedisConnectionError

        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(get_redis(), "delete", refuse)
    services.rotator_update(rotator=rotator, numbers=[{"phone": "081299999999", "weight": 1, "device": None}])
    monkeypatch.undo()
    redis = get_redis()
    assert redis.exists(link_config.cache_key("promo-june"))  # the old copy survived the failed forget
    assert 0 < redis.ttl(link_config.cache_key("promo-june")) <= 60
