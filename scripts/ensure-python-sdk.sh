#!/usr/bin/env bash
# Installs Debian's python3-sentry-sdk (1.9, which posts errors to the store
# endpoint) for the SDK tests when Debian's python cannot import it.
exec "$(dirname "$0")/ensure-deb.sh" python3-sentry-sdk /usr/bin/python3 -c 'import sentry_sdk; print("sentry_sdk", sentry_sdk.VERSION)'
