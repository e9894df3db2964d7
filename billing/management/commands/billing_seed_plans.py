"""`manage.py billing_seed_plans`: add the seeded plans that are missing, never undoing an operator's edits."""
from django.core.management.base import BaseCommand

from billing.models import Package
from billing.seed import plans_seed


class Command(BaseCommand):
    help = "Create the seeded plans (Free, Starter, Pro, Business, Enterprise) that are missing; edited plans stay."

    def handle(self, *args, **options):
        for code, outcome in plans_seed(Package).items():
            self.stdout.write(f"{code}: {outcome}")
