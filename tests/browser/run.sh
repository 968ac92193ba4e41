#!/usr/bin/env bash
# The report_browser test (docs/testing.md): Debian's Chromium driven by playwright-core. Exits 77
# (CTest's SKIP_RETURN_CODE here) with a message when Chromium or Node.js is not installed, which
# happens only where scripts/deps.sh could not install them (not root, no package), or when the
# bmdsim under test has no report command.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chromium=${BMD_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "SKIPPED: no Chromium at $chromium: scripts/deps.sh installs the Debian package chromium" \
       "when run as root (apt-get install chromium); the report was not opened in a browser"
  exit 77
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIPPED: Node.js or npm is not installed: scripts/deps.sh installs the Debian packages" \
       "nodejs and npm when run as root; the report was not opened in a browser"
  exit 77
fi
# A bmdsim without the report command has no report to open (the report is a later part of the
# same issue); once it has one, a run without report.html fails the test.
if ! "${BMDSIM:-bmdsim}" report --help >/dev/null 2>&1; then
  echo "SKIPPED: ${BMDSIM:-bmdsim} has no report command, so bmdsim run writes no report.html:" \
       "there is no HTML report to open in the browser yet"
  exit 77
fi
if [ ! -f "$here/node_modules/playwright-core/package.json" ]; then
  echo "tests/browser/node_modules is missing: npm ci (scripts/deps.sh does this)"
  if ! (cd "$here" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error); then
    echo "FAILED: npm ci in tests/browser failed (the npm registry is needed once)"
    exit 1
  fi
fi
exec node "$here/report_browser.mjs"
