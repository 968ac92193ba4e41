# shellcheck shell=bash
# lib.sh: what the shell tests share (sourced, after B=... is set): the pass and fail counts, a
# temporary folder $tmp removed at exit with any background $child (and its children) killed,
# NONFINITE, section (a line with the milliseconds since the start), ok, bad and expect_fail.
pass=0
fail=0
tmp=$(mktemp -d)
child=
cleanup() {
  if [ -n "$child" ]; then
    pkill -9 -P "$child" 2>/dev/null
    kill -9 "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# A non-finite number as printed by C or JSON writers, as a whole word.
NONFINITE='(^|[^A-Za-z])-?(nan|NaN|NAN|inf|Inf|INF|infinity|Infinity)([^A-Za-z]|$)'
T0=$(date +%s%N)
section() { echo "[$((($(date +%s%N) - T0) / 1000000)) ms] $*"; }
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# expect_fail CODE NEEDLE ARGS...: bmdsim ARGS exits CODE, with one line on stderr containing
# NEEDLE and nothing on stdout.
expect_fail() {
  local code=$1 needle=$2
  shift 2
  "$B" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne "$code" ]; then bad "bmdsim $* exited $rc, wanted $code: $(cat "$tmp/err")"; return; fi
  if ! grep -qF -- "$needle" "$tmp/err"; then bad "bmdsim $*: stderr lacks '$needle': $(cat "$tmp/err")"; return; fi
  if [ "$(wc -l <"$tmp/err")" -ne 1 ]; then bad "bmdsim $*: stderr is not one line: $(cat "$tmp/err")"; return; fi
  if [ -s "$tmp/out" ]; then bad "bmdsim $*: printed to stdout on failure"; return; fi
  ok
}
