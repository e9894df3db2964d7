"""``python -m devices.emulator``: run the WAHA emulator in the foreground."""

import sys

from devices.emulator.cli import main

sys.exit(main())
