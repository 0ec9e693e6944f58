#!/usr/bin/env bash
# Set up and run every test. Uses SQLite unless TEPAT_DATABASE_URL points at PostgreSQL.
# Browser tests need Debian's chromium, the DOCX layout test LibreOffice and pdftotext: installed here when missing
# and we are root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests" >&2
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
fi
# tests/test_docx_libreoffice.py prints every DOCX through LibreOffice and reads it back with pdftotext.
if { ! command -v soffice >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; } && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's libreoffice-writer and poppler-utils for the DOCX layout test" >&2
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libreoffice-writer poppler-utils >/dev/null
fi
# axe-core for the accessibility checks of the browser tests (tests/browser/axe.py): from npm, pinned,
# into a cache folder outside the repository (nothing third-party is committed or fetched from a CDN).
AXE_VERSION=4.10.3
export TEPAT_NPM_CACHE="${TEPAT_NPM_CACHE:-$HOME/.cache/tepat/npm}"
if [ ! -f "$TEPAT_NPM_CACHE/node_modules/axe-core/axe.min.js" ]; then
  if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm >/dev/null
  fi
  if command -v npm >/dev/null 2>&1; then
    mkdir -p "$TEPAT_NPM_CACHE" && npm install --silent --no-audit --no-fund --prefix "$TEPAT_NPM_CACHE" "axe-core@$AXE_VERSION" >&2
  fi
fi
# Two test processes by default (pytest-xdist; each has its own test database): TEPAT_TEST_WORKERS=0 runs in one.
exec .venv/bin/python -m pytest -n "${TEPAT_TEST_WORKERS:-auto}" "$@"
