import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Python's cycle collector, tuned for a web worker (docs/quality.md, "Less CPU per request"): a request
# allocates tens of thousands of short-lived objects (querysets, model instances, serializer fields), so
# with the default threshold (700) the collector ran ~50 times a second per worker and took ~7 % of the
# CPU under load. What the app loaded at start is frozen (never scanned again), and the youngest
# generation is collected every 50,000 allocations: the collector's share falls to ~3 %, memory grows by
# a few megabytes at most.
gc.freeze()
gc.set_threshold(50_000, 20, 100)
