"""Seed the three plans. Operators change prices and limits in the admin afterwards; this never overwrites."""
from django.db import migrations

PLANS = [
    {"code": "free", "name": "Free", "price": 0, "max_devices": 1, "max_contacts": 500, "sort_order": 0,
     "description": "Try Sebar with one number.",
     "features": {"max_rotators": 3, "max_agents": 1, "daily_messages": 500, "ai_replies": False}},
    {"code": "pro", "name": "Pro", "price": 299_000, "max_devices": 5, "max_contacts": 20_000, "sort_order": 10,
     "description": "For growing shops with a small team.",
     "features": {"max_rotators": 50, "max_agents": 5, "daily_messages": 5_000, "ai_replies": True}},
    {"code": "enterprise", "name": "Enterprise", "price": 999_000, "max_devices": 20, "max_contacts": None,
     "sort_order": 20, "description": "Many numbers, unlimited contacts and link rotators.",
     "features": {"max_rotators": None, "max_agents": 25, "daily_messages": 50_000, "ai_replies": True}},
]


def seed(apps, schema_editor):
    Package = apps.get_model("billing", "Package")
    for plan in PLANS:
        Package.objects.get_or_create(code=plan["code"], defaults=plan)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
