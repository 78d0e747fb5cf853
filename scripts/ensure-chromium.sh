#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing.
exec "$(dirname "$0")/ensure-deb.sh" chromium sh -c 'command -v chromium'
