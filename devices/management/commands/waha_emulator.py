"""`manage.py waha_emulator`: run the bundled WAHA emulator (the sandbox gateway) in the foreground."""
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the WAHA emulator used by sandbox mode and the tests."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=3000)
        parser.add_argument("--engine", default="GOWS", choices=["GOWS", "NOWEB", "WEBJS"])
        parser.add_argument("--api-key", default=None)

    def handle(self, *args, port, engine, api_key, **options):
        from devices.emulator import main

        main(["--port", str(port), "--engine", engine, "--api-key", api_key or settings.SANDBOX_WAHA_API_KEY])
