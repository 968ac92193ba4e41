#!/usr/bin/env bash
# Installs the browser libraries of the HTML report (web/package.json, pinned by
# web/package-lock.json) into web/node_modules with `npm ci`, when they are missing or older than
# the lock file. Node.js and npm come from Debian (nodejs, npm) when missing. Why each library is
# there: docs/dependencies.md; what the report copies of them: docs/report.md.
set -euo pipefail
cd "$(dirname "$0")/../web"
stamp=node_modules/.bmdsim-lock
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "bmdsim: installing nodejs npm" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  else
    echo "bmdsim: the HTML report's libraries need npm. Run:" >&2
    echo "  sudo apt-get install -y nodejs npm && bash scripts/web.sh" >&2
    exit 1
  fi
fi
echo "bmdsim: installing the report's browser libraries (npm ci in web/)" >&2
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
cp package-lock.json "$stamp"
