import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

from portal import worker_start  # noqa: E402 (needs the apps loaded)

# Every view module imported, then what is loaded so far (it lives as long as the worker)
# is left out of the collector's full passes, which otherwise walk it all every few
# hundred requests (about 100 ms each on a cold page).
url_patterns = get_resolver().url_patterns
worker_start.ready()
gc.freeze()
