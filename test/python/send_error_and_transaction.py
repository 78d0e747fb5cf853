"""Sends one error and one transaction with Debian's python3-sentry-sdk (1.9).

Run with /usr/bin/python3 and SENTRY_DSN=http://spotlight@localhost:<port>/0
(`spotlight run` sets it when it is unset). This SDK predates Spotlight: it
posts errors as bare JSON to the deprecated /api/<project>/store/ endpoint
(gzip, X-Sentry-Auth) and transactions as envelopes. MARKER (argv[1]) tags
both; the error's event id is printed on stdout.
"""
import sys

import sentry_sdk

marker = sys.argv[1] if len(sys.argv) > 1 else "spotlight-python-test"
sentry_sdk.init(traces_sample_rate=1.0, environment="python-test")
try:
    raise ValueError("boom " + marker)
except ValueError:
    event_id = sentry_sdk.capture_exception()
with sentry_sdk.start_transaction(op="task", name="python-transaction " + marker):
    with sentry_sdk.start_span(op="db.query", description="select 1"):
        pass
sentry_sdk.flush(timeout=10)
print(event_id)
