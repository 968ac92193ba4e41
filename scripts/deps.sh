#!/usr/bin/env bash
# Installs the Debian packages bmdsim needs when they are missing: as root with apt-get, otherwise
# it prints the exact command to run and fails. Why each package is there: docs/dependencies.md.
set -euo pipefail
# Building and testing need these; the benchmark (deps.sh bench) also needs the scipy reference,
# the fuzzing (deps.sh fuzz) clang.
pkgs=(build-essential cmake pkg-config libproj-dev libyaml-dev libcjson-dev liberfa-dev
      librandom123-dev libsqlite3-dev python3
      libcairo2-dev libfontconfig-dev fonts-dejavu-core)
if [ "${1:-}" = bench ]; then
  pkgs+=(python3-scipy python3-yaml)
fi
# MPI (deps.sh mpi; make test and make bench ask for it): OpenMPI, so that bmdsim is built with
# MPI and the mpi test runs 2 ranks (docs/mpi.md). Not in the default set: 38 packages (a
# Fortran compiler among them), about 55 s to install, that make demo does not need.
if [ "${1:-}" = mpi ]; then
  pkgs+=(libopenmpi-dev openmpi-bin)
fi
# The KML check of the tests (deps.sh kml; make test asks for it): Debian's libkml, Google's
# reference implementation of KML 2.2 with the gx extension, which the replay_kml test's checker
# links (tests/kml_check.cc). Not in the default set: make demo does not need it (10 packages,
# 7 s to install here where the default set had already brought the Boost headers it needs).
if [ "${1:-}" = kml ]; then
  pkgs+=(libkml-dev)
fi
# The bounded fuzzing of CI (scripts/fuzz.sh): clang with its libFuzzer and sanitizer runtimes.
if [ "${1:-}" = fuzz ]; then
  pkgs+=(clang libclang-rt-dev)
fi
# The browser test's Chromium, Node.js and playwright-core (never fatal: docs/testing.md).
if [ -z "${1:-}" ]; then
  bash "$(dirname "$0")/browser-deps.sh"
fi
# Memory checking of CI (scripts/valgrind.sh): Valgrind's memcheck.
if [ "${1:-}" = valgrind ]; then
  pkgs+=(valgrind)
fi
missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  echo "bmdsim: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "bmdsim: missing Debian packages. Run:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
