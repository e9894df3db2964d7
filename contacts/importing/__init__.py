"""Importing contacts from spreadsheets and WhatsApp groups.

- `sniff`: what the file is (CSV encoding and delimiter, XLSX, XLS) or a clear error if it is none.
- `readers`: stream its rows as lists of strings, in bounded memory.
- `columns`: map headers (Indonesian or English) to phone / name / tags / custom fields.
- `merge`: the one merge rule, applied in bulk (existing contact kept, empty fields filled, tags added).
- `reasons`: why a row was rejected, as stable codes translated when read (never the worker's language).
- `runner`: the chunked, resumable loop an `ImportJob` runs in (Celery `contacts_import_task`).
"""
