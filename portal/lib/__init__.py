"""The shared machinery every app uses: permissions, caching, the audit trail, the report
pipeline, charts and the tile map, spreadsheets and PDF, uploads, the queue and outbox, Japanese
dates and 団体コード. No views, URLs or models here; the project (settings, URLs, Celery) and the
core domain (regions, municipalities, people) are portal/ itself."""
