# Renkei Portal image: gunicorn by default; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

# PYTHONPATH: gunicorn, celery and manage.py all import the /app tree, so BASE_DIR is /app.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

# Pango for the PDF reports (WeasyPrint); their Japanese font ships with the portal (portal/fonts/).
RUN apt-get update \
    && apt-get install --yes --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 portal \
    && useradd --system --uid 1000 --gid portal --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin portal

WORKDIR /app

# The image holds the apps and devtools/ (demo data, synthetic data, benchmark commands), an
# installed app like the others: `manage.py load_demo_data` works in a container.
# Source stays root-owned (read-only to the app); the build's leftovers are not needed at runtime.
COPY . .
RUN pip install --no-cache-dir -c constraints.txt . \
    && rm -rf build *.egg-info

# Dummy settings: collectstatic needs DEBUG off (hashed manifest) but never touches the database.
RUN DEBUG=0 SECRET_KEY=build ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

# Writable data directory (uploads, beat schedule); a named volume mounted here inherits this owner.
RUN mkdir -p /app/var/private && chown -R portal:portal /app/var

USER portal

EXPOSE 8000

CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
