#!/usr/bin/env bash
# Installs the Debian packages the tests drive when they are missing: `prometheus` (its
# `promtool` checks /metrics) and `chromium` (the dashboard's browser test). Idempotent and
# quiet: does nothing when both are present; apt-get update runs only before an install.
set -euo pipefail

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ "${#missing[@]}" -eq 0 ] && exit 0

sudo=''
[ "$(id -u)" -eq 0 ] || sudo='sudo'
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
