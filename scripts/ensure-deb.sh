#!/usr/bin/env bash
# Usage: ensure-deb.sh PACKAGE CHECK-COMMAND...
# Installs Debian's PACKAGE with apt-get when CHECK-COMMAND fails (as root;
# otherwise says what to install), then runs the check again. Recommended
# packages are left out: docker-compose would bring the docker daemon.
set -euo pipefail
pkg=$1
shift
if "$@" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "$pkg is missing: install Debian's '$pkg' package (sudo apt-get install $pkg)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
"$@"
