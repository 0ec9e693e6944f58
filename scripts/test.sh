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
exec .venv/bin/python -m pytest "$@"
