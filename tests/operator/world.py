"""A small platform for the operators' overview and the admin layout tests.

Two workspaces (Batik Sari pays for Pro; Kopi Bravo's plan ran out), invoices paid and pending across
months (one paid at 01:00 Jakarta on 1 May, which is still 30 April in UTC), a full WAHA server, a roomy
one, an old Core server that holds one session, and three numbers in trouble (one WAHA says FAILED, one
logged out after it was linked, one whose sends keep failing). Long names and texts everywhere, so a
table that does not truncate or scroll shows it at 1366 px.
"""
from datetime import UTC, datetime, timedelta

from accounts.models import Membership
from billing.models import BillingPause, Package, Subscription
from campaigns.models import Campaign, DevicePace, Recipient
from contacts.models import Contact, ContactSettings, ImportJob, Tag
from devices.models import Device, WahaServer, WebhookEvent
from inbox.models import AutoReply, Chat, Message
from rotator.models import LinkRotator
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory

# 15 May 2026, 10:00 in Jakarta: the overview's "now" in the unit tests.
NOW = datetime(2026, 5, 15, 3, 0, tzinfo=UTC)
LONG = "Pesan panjang sekali dengan banyak kata yang tidak berhenti " * 6


def _line(workspace, code, *, status, created, paid=None, months=1, expiry=None, reference):
    package = Package.objects.get(code=code)
    fields = {"paid_at": paid, "activated_at": paid, "starts_at": paid,
              "expiry_date": expiry or (paid + timedelta(days=30 * months) if paid else None)}
    if status == Subscription.Status.REFUNDED:
        fields["refunded_at"] = paid
    return Subscription.objects.create(
        workspace=workspace, package=package, months=months, amount=package.price * months,
        payment_status=status, reference=reference, created_at=created, note=LONG[:200], **fields)


def chat(workspace, device, phone, *, messages=2, **fields):
    """A conversation with `messages` long messages, alternately from the customer and from the shop."""
    thread = Chat.objects.create(workspace=workspace, device=device, phone=phone, name="Pelanggan " * 8,
                                 last_message_at=NOW, last_message_preview=LONG[:120], **fields)
    Message.objects.bulk_create([
        Message(workspace=workspace, chat=thread, device=device, direction="in" if i % 2 == 0 else "out",
                sender="customer" if i % 2 == 0 else "agent", text=LONG, timestamp=NOW, waha_id=f"w-{phone}-{i}")
        for i in range(messages)])
    return thread


def build(now=NOW):
    """The world as of `now`: every date moves with it (the browser tests' server runs on the real clock)."""
    paid, pending = Subscription.Status.PAID, Subscription.Status.PENDING
    shift = now - NOW

    def at(*parts):
        return datetime(*parts, tzinfo=UTC) + shift

    batik = WorkspaceFactory(name="Batik Sari Pekalongan Grosir dan Eceran Seluruh Indonesia")
    kopi = WorkspaceFactory(name="Kopi Bravo")
    owner = MembershipFactory(workspace=batik, role=Membership.Role.OWNER,
                              user=UserFactory(email="sari.pemilik.toko.batik.pekalongan@example.com",
                                               full_name="Sari Wulandari Pemilik Toko")).user
    MembershipFactory(workspace=kopi, role=Membership.Role.OWNER, user=UserFactory(email="budi@example.com"))
    pro, enterprise = Package.objects.get(code="pro"), Package.objects.get(code="enterprise")

    lines = {
        # Batik Sari: Pro since March, renewed in May (paid 1 May 01:00 Jakarta = 30 April 18:00 UTC).
        "batik_march": _line(batik, "pro", status=paid, created=at(2026, 3, 2),
                             paid=at(2026, 3, 3, 4, 0), reference="INV-2026-000101"),
        "batik_may": _line(batik, "pro", status=paid, created=at(2026, 4, 30, 17, 0),
                           paid=at(2026, 4, 30, 18, 0), months=3, reference="INV-2026-000102"),
        # Kopi Bravo: one Enterprise month in January, long expired; an invoice for June waits for payment.
        "kopi_january": _line(kopi, "enterprise", status=paid, created=at(2026, 1, 10),
                              paid=at(2026, 1, 10, 5, 0), reference="INV-2026-000103"),
        "kopi_pending": _line(kopi, "pro", status=pending, created=now - timedelta(days=2),
                              reference="INV-2026-000104"),
        "batik_pending": _line(batik, "enterprise", status=pending, created=now - timedelta(hours=3),
                               reference="INV-2026-000105"),
        # Refunded money is not revenue; a line paid 13 months ago is outside the 12 months shown.
        "kopi_refunded": _line(kopi, "pro", status=Subscription.Status.REFUNDED,
                               created=at(2026, 5, 2), paid=at(2026, 5, 2, 6, 0),
                               reference="INV-2026-000106"),
        "kopi_old": _line(kopi, "pro", status=paid, created=at(2025, 4, 1),
                          paid=at(2025, 4, 1, 6, 0), reference="INV-2025-000107"),
    }

    full = WahaServer.objects.create(name="waha-jakarta-1", base_url="http://waha-jakarta-1.internal:3000",
                                     capacity=2)
    roomy = WahaServer.objects.create(name="waha-jakarta-2", base_url="http://waha-jakarta-2.internal:3000",
                                      capacity=50)
    core = WahaServer.objects.create(name="waha-core-old", base_url="http://waha-core.internal:3000",
                                     capacity=50, core_only_default_session=True)

    def device(workspace, server, session, **fields):
        return Device.objects.create(workspace=workspace, server=server, session_name=session, **fields)

    connected = {"status": Device.Status.CONNECTED, "waha_status": "WORKING"}
    devices = {
        "batik_sales": device(batik, full, "ws1-sales", label="Sales Pekalongan utama untuk grosir",
                              phone_number="6281200000001", **connected),
        "batik_failed": device(batik, full, "ws1-cs", label="CS Batik", phone_number="6281200000002",
                               status=Device.Status.DISCONNECTED, waha_status="FAILED", last_error=LONG,
                               status_changed_at=now - timedelta(hours=5)),
        "kopi_main": device(kopi, roomy, "ws2-main", label="Kopi utama", phone_number="6281300000001", **connected),
        "kopi_logged_out": device(kopi, roomy, "ws2-old", label="Kopi lama", phone_number="6281300000002",
                                  status=Device.Status.DISCONNECTED, waha_status="STOPPED",
                                  status_changed_at=now - timedelta(days=1)),
        # Never linked: waiting for its first scan is not a failure.
        "kopi_new": device(kopi, core, "default", label="Kopi baru", waha_status="SCAN_QR_CODE"),
    }

    campaign = Campaign.objects.create(workspace=kopi, name="Promo Lebaran untuk semua pelanggan setia " * 2,
                                       message_template=LONG, status=Campaign.Status.PROCESSING)
    main, sales = devices["kopi_main"], devices["batik_sales"]

    def recipient(workspace, on, phone, status, hours_ago, campaign=campaign, **fields):
        return Recipient(workspace=workspace, campaign=campaign, phone=phone, device_used=on, status=status,
                         claimed_at=now - timedelta(hours=hours_ago), **fields)

    failed, sent = Recipient.Status.FAILED, Recipient.Status.SENT
    # Kopi utama: 6 failed sends today, 2 yesterday morning (outside 24 h), and sends that went out.
    rows = [recipient(kopi, main, f"628570000{i:02d}", failed, 1 + i, error_code="waha_error", error=LONG)
            for i in range(6)]
    rows += [recipient(kopi, main, f"628571000{i:02d}", failed, 30, error_code="waha_error") for i in range(2)]
    rows += [recipient(kopi, main, f"628572000{i:02d}", sent, 2, sent_at=now) for i in range(4)]
    # Batik sales: two failures only, under the threshold.
    batik_campaign = Campaign.objects.create(workspace=batik, name="Batik promo", message_template="Halo")
    rows += [recipient(batik, sales, f"628580000{i:02d}", failed, 2, campaign=batik_campaign, error_code="waha_error")
             for i in range(2)]
    Recipient.objects.bulk_create(rows)

    # One of every other admin row, with long values, for the changelists.
    tag = Tag.objects.create(workspace=batik, name="Pelanggan grosir Pekalongan yang sering belanja " * 1)
    contact = Contact.objects.create(workspace=batik, phone="6281234567890", name="Ibu Ratna Sari Dewi " * 5,
                                     source="Import: pelanggan-lama-buku-besar.xlsx",
                                     custom_fields={"city": "Pekalongan", "notes": LONG})
    contact.tags.add(tag)
    ContactSettings.objects.create(workspace=batik, opt_out_words=["STOP", "BERHENTI", "UNSUBSCRIBE"])
    ImportJob.objects.create(workspace=batik, original_name="daftar-pelanggan-lama-dari-buku-besar-2025-final-v3.xlsx")
    LinkRotator.objects.create(workspace=batik, slug="batik-sari-pekalongan-grosir-promo-lebaran-2026",
                               name="Iklan Instagram Lebaran untuk grosir", text=LONG[:1000])
    DevicePace.objects.create(device=devices["batik_sales"], next_send_at=now, armed_until=now, chain=123456789012)
    WebhookEvent.objects.create(device=devices["batik_sales"], workspace=batik, event="message.any",
                                event_id="evt_01JABCDEFGHJKMNPQRSTVWXYZ0123456789", envelope={"payload": LONG},
                                status=WebhookEvent.Status.FAILED, error=LONG)
    chat(batik, devices["batik_sales"], "6281234567890", contact=contact, needs_human=True, unread_count=3,
         handoff_reason=LONG[:200])
    AutoReply.objects.create(workspace=batik, keyword="harga grosir batik tulis pekalongan " * 4,
                             response_text=LONG, priority=10)
    BillingPause.objects.create(workspace=kopi, kind=BillingPause.Kind.DEVICE, object_id=devices["kopi_main"].pk)
    return {"batik": batik, "kopi": kopi, "owner": owner, "pro": pro, "enterprise": enterprise, "lines": lines,
            "servers": {"full": full, "roomy": roomy, "core": core}, "devices": devices,
            "now": now}
