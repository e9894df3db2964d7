"""Analytics fixtures: a Jakarta workspace (UTC+7, so local days and UTC days differ) with two numbers."""
import pytest

from campaigns.models import Campaign
from devices.models import Device, WahaServer


@pytest.fixture
def jakarta(workspace):
    workspace.time_zone = "Asia/Jakarta"
    workspace.save(update_fields=["time_zone"])
    return workspace


@pytest.fixture
def make_device(db):
    def make(workspace, name, phone):
        server, _ = WahaServer.objects.get_or_create(name="analytics", defaults={"base_url": "http://127.0.0.1:9",
                                                                                 "api_key": "k"})
        return Device.objects.create(workspace=workspace, server=server, session_name=name, label=name.title(),
                                     phone_number=phone, status=Device.Status.CONNECTED)
    return make


@pytest.fixture
def numbers(jakarta, make_device):
    return make_device(jakarta, "toko-satu", "6281100000001"), make_device(jakarta, "toko-dua", "6281100000002")


@pytest.fixture
def campaign(jakarta):
    return Campaign.objects.create(workspace=jakarta, name="Promo", message_template="Halo",
                                   status=Campaign.Status.PROCESSING)
