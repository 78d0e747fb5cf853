#!/usr/bin/env bash
# Installs Debian's docker-compose (Compose v1) when it is missing: the run
# tests merge spotlight's compose override with it (`docker-compose config`
# checks the files against the compose schema and needs no daemon).
set -euo pipefail
if [ -x /usr/bin/docker-compose ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "docker-compose is missing: install Debian's 'docker-compose' package (sudo apt-get install docker-compose)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
/usr/bin/docker-compose version --short
