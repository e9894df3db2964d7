"""Seed the plans Indonesian peers sell (Free, Starter ~Rp 99k, Pro ~Rp 199k, Business, Enterprise) with monthly
AI answers and yearly prices. Plans an operator edited are kept (billing/seed.py)."""
from django.db import migrations


def seed(apps, schema_editor):
    from billing.seed import plans_seed

    plans_seed(apps.get_model("billing", "Package"))


class Migration(migrations.Migration):
    dependencies = [("billing", "0004_metering_trials_gateway")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
