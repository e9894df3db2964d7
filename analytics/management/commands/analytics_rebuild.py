"""Recount the daily figures of the last N days of every workspace (or one): the backfill after installing
analytics over existing data, or after a workspace changed its time zone."""
from django.core.management.base import BaseCommand

from accounts.models import Workspace
from analytics.rollup import days_rebuild


class Command(BaseCommand):
    help = "Recount the dashboard's daily figures of the last --days days from the source rows."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--workspace", type=int, help="one workspace id (default: all)")

    def handle(self, *args, days, workspace, **options):
        workspaces = Workspace.objects.all()
        if workspace:
            workspaces = workspaces.filter(pk=workspace)
        for ws in workspaces.iterator():
            days_rebuild(workspace=ws, days=days)
            self.stdout.write(f"{ws.pk}: {days} days recounted")
