"""What the benchmarks share: a fresh database for each run (the SQLite file or the MariaDB database that
DATABASE_URL names), migrated. Imported after each script has set its own environment (DATABASE_URL,
settings module, Redis DB), so it never reads a development database."""
import os
import subprocess
import sys
from pathlib import Path


def fresh_database(sqlite_path):
    """Drop and recreate the run's database, then migrate it (Django is set up here on first use)."""
    url = os.environ["DATABASE_URL"]
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(sqlite_path + suffix).unlink(missing_ok=True)
    else:
        name = url.rsplit("/", 1)[1]
        subprocess.run(["mysql", "-uroot", "-h127.0.0.1", "-e",
                        f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name} CHARACTER SET utf8mb4"], check=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
