#!/usr/bin/env bash
# Runs every test: unit, integration (a throwaway PostgreSQL cluster the tests start themselves),
# bUnit components and browser tests (headless Debian Chromium through Playwright).
# Installs what the tests need when it is missing: Chromium and the PostgreSQL server programs.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium for the browser tests (Debian package 'chromium')..."
  apt_install chromium
fi
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "Installing the PostgreSQL server programs for the integration tests (Debian package 'postgresql')..."
  apt_install postgresql
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# Benchmarks (Category=Benchmark) are for scripts/bench.sh; a caller's own arguments replace this filter.
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--filter "Category!=Benchmark")
dotnet test OpsConsole.sln --blame-hang-timeout 10m "${args[@]}" 2>&1 | tee "$log" || status=$?

# One plain closing line, whatever the runner printed above it.
summary=$(grep -E '(Passed|Failed)!? +- +Failed: +[0-9]+, +Passed: +[0-9]+' "$log" | tail -n 1 || true)
if [ -n "$summary" ]; then
  failed=$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$summary")
  passed=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")
  skipped=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary")
  echo "$passed passed, $failed failed, $skipped skipped"
fi
exit $status
