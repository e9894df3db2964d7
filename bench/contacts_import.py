"""Benchmark: contacts import end to end vs a bare "parse the CSV and normalise phones" loop.

    python bench/contacts_import.py --rows 100000 [--rows 1000000] [--db sqlite|mysql] [--keep]

For each size it writes a messy CSV under /tmp (mixed phone formats, ~5% duplicates, ~2% garbage,
accented names, quoted commas), then measures:

- bare: `csv.reader` + `phonenumbers.parse` / `is_valid_number` per row — the floor any importer pays;
- import: `contacts.importing.runner.import_run` on a fresh workspace — sniffing, counting rows for
  the progress bar, mapping, normalising, de-duplicating, bulk upserts, tags, rejects, job progress —
  exactly what `contacts_import_task` does in a worker;

and prints rows/s for both and the ratio (goal: >= 0.5 on MariaDB). It uses its own database
(`/tmp/sebar_contacts_bench.sqlite3` or MariaDB `sebar_contacts_bench`), never the app's.

Measured (2026-11-25, session 2, the 2-core VM with nothing else running, MariaDB 10.11):
- 100k rows on MariaDB: ratio 0.52 (import ~23,800 rows/s vs bare ~46,000; CPU ratio 0.56);
- 1M rows on MariaDB with a 1 GB buffer pool (as docker-compose.yml ships it): ratio 0.52 (CPU 0.55);
  with MariaDB's default 128 MB pool it was 0.35: past the pool the server's index writes slow down;
- 100k rows on SQLite: 0.50 (CPU 0.43; SQLite's work runs in this process, overlapped with parsing).
Earlier: 0.27 at 100k, before the import parsed in a second thread, wrote its own values as SQL
literals and dropped an lru_cache of parsed phones that cost more than it saved.
"""
import argparse
import csv
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MEDIA = Path("/tmp/sebar_contacts_bench_media")
NAMES = ["Budi", "Siti", "José", "Françoise", "Agus", "Dewi", "Eko", "Rina", "Hadi", "Putri", "O'Brien",
         "Nguyễn", "Wayan", "Made", "Ketut", "Intan"]
CITIES = ["Bandung", "Jakarta", "Surabaya", "Medan, Sumut", "Yogyakarta", "Denpasar", ""]


def setup_django(db):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if db == "mysql":
        import MySQLdb

        conn = MySQLdb.connect(host="127.0.0.1", user="root", port=3306)
        conn.cursor().execute("CREATE DATABASE IF NOT EXISTS sebar_contacts_bench CHARACTER SET utf8mb4")
        conn.close()
        os.environ["DATABASE_URL"] = "mysql://root@127.0.0.1:3306/sebar_contacts_bench"
    else:
        os.environ["DATABASE_URL"] = "sqlite:////tmp/sebar_contacts_bench.sqlite3"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = MEDIA
    call_command("migrate", verbosity=0)
    from billing.models import Package

    # The bench measures speed, not plans: no contact limit in the bench database.
    Package.objects.filter(code="free").update(max_contacts=None)


def phone_text(rng, n):
    local = f"8{rng.choice('123578')}{n:09d}"[:11]
    style = rng.random()
    if style < 0.25:
        return f"0{local[:3]}-{local[3:7]}-{local[7:]}"
    if style < 0.45:
        return f"+62 {local[:3]} {local[3:7]} {local[7:]}"
    if style < 0.65:
        return f"62{local}"
    if style < 0.75:
        return local
    if style < 0.85:
        return f"(0{local[:3]}) {local[3:7]} {local[7:]}"
    if style < 0.98:
        return f"0{local}"
    return rng.choice(["abc", "", "021 5012345", "6.28123E+12", "12"])


def write_csv(path, rows, seed=7):
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Nama", "No HP", "Kota", "Tags"])
        for i in range(rows):
            n = rng.randrange(i) if i and rng.random() < 0.05 else i  # ~5% duplicates of earlier rows
            writer.writerow([f"{rng.choice(NAMES)} {i}", phone_text(random.Random(n), n), rng.choice(CITIES),
                             rng.choice(["", "", "VIP", "Lead", "VIP, Lead"])])


def bare_loop(path):
    import phonenumbers

    start, cpu = time.perf_counter(), time.process_time()
    ok = 0
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            try:
                number = phonenumbers.parse(row[1], "ID")
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                ok += 1
    return time.perf_counter() - start, time.process_time() - cpu, ok


def full_import(path, rows):
    from django.core.files.base import File

    from accounts.models import Workspace
    from contacts.importing import jobs, runner
    from contacts.models import Contact, ImportJob

    workspace = Workspace.objects.create(name=f"bench {rows}")
    start, cpu = time.perf_counter(), time.process_time()
    with open(path, "rb") as f:
        upload = File(f, name=path.name)
        upload.size = path.stat().st_size
        job = jobs.import_create(workspace=workspace, user=None, upload=upload, tags=["Bench"])
    job.status = ImportJob.Status.QUEUED
    job.save()
    job = runner.import_run(job)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert job.status == ImportJob.Status.DONE, job.error
    stored = Contact.objects.for_workspace(workspace).count()
    return elapsed, cpu, job, stored, workspace


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, action="append", help="rows per file (repeatable); default 100000")
    parser.add_argument("--db", choices=["sqlite", "mysql"], default="sqlite")
    parser.add_argument("--keep", action="store_true", help="keep the bench workspaces' contacts")
    args = parser.parse_args()
    setup_django(args.db)
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT @@innodb_buffer_pool_size")
            pool = cursor.fetchone()[0] / 2**20
        # Past the pool, the server's index writes slow a 1M-row import down (docker-compose ships 1 GB).
        print(f"innodb_buffer_pool_size: {pool:,.0f} MB")
    for rows in args.rows or [100_000]:
        path = Path(f"/tmp/sebar_contacts_bench_{rows}.csv")
        if not path.exists():
            write_csv(path, rows)
        bare_s, bare_cpu, valid = bare_loop(path)
        import_s, import_cpu, job, stored, workspace = full_import(path, rows)
        bare_rate, import_rate = rows / bare_s, rows / import_s
        print(f"{rows:>9,} rows | bare parse+phonenumbers {bare_rate:>9,.0f} rows/s ({bare_s:.1f}s, {valid:,} valid) | "
              f"import {import_rate:>8,.0f} rows/s ({import_s:.1f}s) | ratio {import_rate / bare_rate:.2f}")
        # On a shared machine wall time swings with other load; the CPU ratio (this process only, the
        # database server's work excluded) shows what the importer itself costs per row.
        print(f"          CPU seconds: bare {bare_cpu:.1f}, import {import_cpu:.1f} "
              f"(ratio {bare_cpu / import_cpu:.2f})")
        print(f"          created {job.created_count:,} updated {job.updated_count:,} duplicates "
              f"{job.duplicate_count:,} rejected {job.rejected_count:,}; stored {stored:,}")
        if not args.keep:
            from contacts.models import Contact, ContactTag

            ContactTag.objects.filter(contact__workspace=workspace).delete()
            Contact.objects.for_workspace(workspace)._raw_delete(Contact.objects.db)
            workspace.delete()


if __name__ == "__main__":
    main()
