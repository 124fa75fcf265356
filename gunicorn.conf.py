"""Gunicorn's settings for SkillsFund (gunicorn reads ./gunicorn.conf.py from the directory it starts in;
docs/deployment.md). Command-line options still override these."""

# No cap on the length of the request line: gunicorn's own refusal (414, as an HTML page) would reach API
# clients that read JSON. The application refuses an over-long query string itself, with a 400 that says
# so (core.middleware.MAX_QUERY_STRING_LENGTH); a reverse proxy in front keeps its own, larger limit.
limit_request_line = 0
