#!/usr/bin/env bash
# Installs Debian's docker-compose (Compose v1) for the run tests, which
# merge spotlight's compose override with it: `docker-compose config` checks
# the files against the compose schema without a daemon.
exec "$(dirname "$0")/ensure-deb.sh" docker-compose /usr/bin/docker-compose version --short
