#!/usr/bin/env bash
# The browser test's set-up (docs/testing.md), called by scripts/deps.sh: Debian's chromium, and
# nodejs and npm when no node or npm is on the PATH, installed as root with apt-get; then npm ci
# in tests/browser (playwright-core) when its node_modules is missing or older than the lock.
# Never fails the build: where something cannot be installed it says so, and the report_browser
# test is then skipped with that message (Chromium, Node.js) or fails naming npm ci.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "bmdsim: installing ${need[*]} for the browser test" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }; then
      echo "bmdsim: could not install ${need[*]}: the browser test (report_browser) will be skipped" >&2
    fi
  else
    echo "bmdsim: the browser test (report_browser) needs ${need[*]}; it is skipped until you run:" >&2
    echo "  sudo apt-get install -y ${need[*]}" >&2
  fi
fi
dir="$root/tests/browser"
stamp="$dir/node_modules/.bmdsim-lock"
if command -v npm >/dev/null && ! cmp -s "$dir/package-lock.json" "$stamp"; then
  if (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null); then
    cp "$dir/package-lock.json" "$stamp"
  else
    echo "bmdsim: npm ci in tests/browser failed: the browser test (report_browser) will fail" >&2
  fi
fi
exit 0
