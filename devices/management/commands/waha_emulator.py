"""`manage.py waha_emulator`: run the bundled WAHA emulator (the sandbox gateway) in the foreground.

Without --port it listens on the port of SANDBOX_WAHA_URL, so the app and the emulator agree on one
setting (e.g. SANDBOX_WAHA_URL=http://127.0.0.1:3011 for a second checkout beside a running one).
"""
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the WAHA emulator used by sandbox mode and the tests."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=None, help="default: the port of SANDBOX_WAHA_URL")
        parser.add_argument("--engine", type=str.upper, default=None, choices=["GOWS", "NOWEB", "WEBJS"],
                            help="default: WHATSAPP_DEFAULT_ENGINE, else GOWS")
        parser.add_argument("--api-key", default=None)

    def handle(self, *args, port, engine, api_key, **options):
        from devices.emulator import main

        port = port or urlsplit(settings.SANDBOX_WAHA_URL).port or 3000
        args = ["--port", str(port), "--api-key", api_key or settings.SANDBOX_WAHA_API_KEY]
        if engine:  # else the emulator's own default (WHATSAPP_DEFAULT_ENGINE)
            args += ["--engine", engine]
        main(args)
