"""`make bench`: the portal under gunicorn on PostgreSQL and Redis, with a decade of data."""
