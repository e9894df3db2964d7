"""Creating and changing links: slugs, numbers, the plan limit."""
import pytest

from billing.errors import LimitReached
from rotator import services
from rotator.errors import RotatorInvalid, SlugTaken
from rotator.models import MAX_NUMBERS_PER_LINK, LinkRotator

from .factories import make_rotator

pytestmark = pytest.mark.django_db


def test_plan_limit_stops_the_fourth_link_on_free(workspace):
    for i in range(3):
        make_rotator(workspace, slug=f"promo-{i}")
    with pytest.raises(LimitReached) as exc:
        make_rotator(workspace, slug="promo-3")
    assert "3" in exc.value.message and exc.value.fields["resource"] == "rotators"
    assert LinkRotator.objects.count() == 3


@pytest.mark.parametrize("slug", ["admin", "API", "link", "static", "media", "login", "a", "-promo", "promo-",
                                  "promo--june", "promo june", "promo_june", "promo/june", "x" * 51, "prómo"])
def test_reserved_and_invalid_slugs_are_refused(workspace, slug):
    with pytest.raises(RotatorInvalid) as exc:
        make_rotator(workspace, slug=slug)
    assert "slug" in exc.value.fields


def test_slug_is_unique_across_workspaces_and_case(workspace, other_workspace):
    make_rotator(workspace, slug="promo-june")
    with pytest.raises(SlugTaken) as exc:
        make_rotator(other_workspace, slug="PROMO-June")
    assert "already taken" in exc.value.message


def test_numbers_are_normalised_and_checked(workspace):
    rotator = make_rotator(workspace, phones=["0812-1111-1111", "+62 822 2222 2222"])
    assert list(rotator.numbers.values_list("phone", flat=True)) == ["6281211111111", "6282222222222"]
    with pytest.raises(RotatorInvalid, match="listed twice"):
        make_rotator(workspace, slug="dup", phones=["081211111111", "+6281211111111"])
    with pytest.raises(RotatorInvalid, match="Number 2"):
        make_rotator(workspace, slug="bad", phones=["081211111111", "12"])
    with pytest.raises(RotatorInvalid, match="at least one"):
        make_rotator(workspace, slug="empty", phones=[])


def test_numbers_per_link_are_capped(workspace):
    phones = [f"6281200{i:06d}" for i in range(MAX_NUMBERS_PER_LINK + 1)]
    with pytest.raises(RotatorInvalid, match=f"at most {MAX_NUMBERS_PER_LINK}"):
        make_rotator(workspace, phones=phones)
    assert make_rotator(workspace, phones=phones[:MAX_NUMBERS_PER_LINK]).numbers.count() == MAX_NUMBERS_PER_LINK


def test_device_of_another_workspace_is_refused(workspace, other_workspace):
    from devices.models import Device, WahaServer

    server = WahaServer.objects.create(name="main", base_url="http://waha:3000")
    foreign = Device.objects.create(workspace=other_workspace, session_name="b-1", server=server)
    with pytest.raises(RotatorInvalid, match="does not exist"):
        services.rotator_create(workspace=workspace, slug="x-1",
                                numbers=[{"phone": "081211111111", "weight": 1, "device": foreign}])


def test_weight_range(workspace):
    with pytest.raises(RotatorInvalid, match="weight"):
        make_rotator(workspace, phones=["081211111111"], weights=[0])


def test_update_replaces_numbers_in_order(workspace):
    rotator = make_rotator(workspace)
    services.rotator_update(rotator=rotator, numbers=[{"phone": "6289999999999", "weight": 5, "device": None},
                                                      {"phone": "6281111111111", "weight": 1, "device": None}])
    assert list(rotator.numbers.values_list("phone", "weight")) == [("6289999999999", 5), ("6281111111111", 1)]
    with pytest.raises(TypeError):
        services.rotator_update(rotator=rotator, click_count=5)


def test_count_and_dashboard_card(workspace, other_workspace):
    from rotator.selectors import dashboard_card, rotator_count

    assert dashboard_card(workspace) is None
    make_rotator(workspace)
    make_rotator(other_workspace, slug="other-one")
    assert rotator_count(workspace) == 1
    assert dashboard_card(workspace)["url"] == "/links/"


def test_broken_spintax_is_refused_with_where(workspace):
    with pytest.raises(RotatorInvalid) as exc:
        make_rotator(workspace, text="{Halo|Hai kak, mau order")
    assert "text" in exc.value.fields and "^" in exc.value.fields["text"]
