import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mokesta.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - every view module imported now, not on a first request
# What start-up built (settings, models, URL patterns, views) lives as long as the process: kept
# out of the collector's full passes, which otherwise walk it every few hundred requests.
gc.freeze()
