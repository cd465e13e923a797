#!/usr/bin/env bash
# What a new user gets: clone the repository into an empty temporary folder with nothing beside it
# (so no ../shared/data and no node_modules to lean on), then run the README's install and test
# commands there. Exits non-zero when either fails.
#
#   scripts/fresh-clone-check.sh [SOURCE] [--keep]
#
# SOURCE is what to clone (a path or URL), by default the repository this script is in; a clone
# takes what is committed, not the working tree. The temporary folder is removed on success and
# kept on failure (or with --keep), with the full output in fresh-clone-check.log beside the clone.
# Takes as long as a clean install plus the whole test suite (about 12 minutes on 2 cores).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
source_repo="$here"
keep=0
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fresh-clone-check: unknown flag $arg" >&2; exit 2 ;;
    *) source_repo="$arg" ;;
  esac
done

for tool in git node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fresh-clone-check: $tool not found on PATH" >&2; exit 2; }
done
# The README names these as the test prerequisites; say so up front rather than after the install.
for tool in mosquitto chromium; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || echo "fresh-clone-check: warning: $tool not found (README: apt-get install mosquitto chromium)" >&2
done

work="$(mktemp -d "${TMPDIR:-/tmp}/fb-fresh-clone.XXXXXX")"
log="$work/fresh-clone-check.log"
clone="$work/factorybrain"
status=0

finish() {
  if [ "$status" -eq 0 ] && [ "$keep" -eq 0 ]; then
    rm -rf "$work"
  else
    echo "fresh-clone-check: clone and log kept in $work" >&2
  fi
}
trap finish EXIT

step() {
  local name="$1"
  shift
  local started=$SECONDS
  echo "== $name: $*" | tee -a "$log"
  # The user's environment, minus what only this project's CI sets: FB_REQUIRE_DATA turns the data-set
  # skips into failures, and a fresh clone has no data sets.
  if (cd "$clone" && env -u FB_REQUIRE_DATA "$@") >>"$log" 2>&1; then
    echo "== $name: ok in $((SECONDS - started)) s" | tee -a "$log"
  else
    status=$?
    echo "== $name: FAILED (exit $status) after $((SECONDS - started)) s; last lines:" | tee -a "$log" >&2
    tail -n 40 "$log" >&2
    exit "$status"
  fi
}

echo "fresh-clone-check: cloning $source_repo into $clone"
git clone --quiet --no-local "$source_repo" "$clone" >>"$log" 2>&1 || { status=$?; echo "fresh-clone-check: git clone failed" >&2; tail -n 20 "$log" >&2; exit "$status"; }
[ -z "$(ls -A "$work" | grep -v -e '^factorybrain$' -e '^fresh-clone-check.log$')" ] || { status=1; echo "fresh-clone-check: $work is not empty beside the clone" >&2; exit 1; }

# The README's commands, as written there; a README that no longer says them makes this check stale.
for cmd in 'npm install' 'npm test'; do
  grep -qx "$cmd" "$clone/README.md" || { status=2; echo "fresh-clone-check: README.md no longer has the line '$cmd'; update this script" >&2; exit 2; }
done
step install npm install
step test npm test

echo "fresh-clone-check: data-set tests skipped on this clone:"
grep -o 'skipped: [^ ]* not found' "$log" | sort | uniq -c || echo "  none"
echo "fresh-clone-check: passed"
