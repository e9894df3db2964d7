"""`make run`'s first step: make sure `.env` holds a random SECRET_KEY (stdlib only: runs before Django).

The key signs sessions and API tokens: anyone who knows it can log in as anyone. A default written in
the source would be known to everyone, so there is none; the first run writes a fresh one here instead
and every later run (and every process `make run` starts) reads the same one back.

Usage: python config/envfile.py [path/to/.env]
"""
import os
import re
import secrets
import sys
from pathlib import Path

# Values that were ever published as examples: a .env copied from an old .env.example gets a new key.
PUBLIC_PREFIXES = ("dev-only-",)
_LINE = re.compile(r"^\s*(?:export\s+)?SECRET_KEY\s*=\s*(.*?)\s*$")


def _usable(value):
    value = value.strip().strip("'\"")
    return bool(value) and not value.startswith(PUBLIC_PREFIXES)


def ensure_secret_key(path, environ=os.environ):
    """Write `SECRET_KEY=<random>` into `path` unless a usable key is already set; True when written."""
    if _usable(environ.get("SECRET_KEY", "")):
        return False
    path = Path(path)
    lines = path.read_text().splitlines() if path.exists() else []
    found = [i for i, line in enumerate(lines) if _LINE.match(line)]
    if found and _usable(_LINE.match(lines[found[0]]).group(1)):  # the first one wins, as in the settings
        return False
    new = f"SECRET_KEY={secrets.token_urlsafe(50)}"
    lines = [line for i, line in enumerate(lines) if i not in found] + [new]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)  # the key is a password for every account
    return True


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / ".env"
    if ensure_secret_key(target):
        print(f"  Wrote a new random SECRET_KEY to {target} (keep it secret; it signs logins).")
