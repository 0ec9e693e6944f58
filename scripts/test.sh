#!/usr/bin/env bash
# Set up and run every test. Uses SQLite unless TEPAT_DATABASE_URL points at PostgreSQL.
# Browser tests need Debian's chromium: installed here when missing and we are root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests" >&2
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
fi
exec .venv/bin/python -m pytest "$@"
