#!/usr/bin/env bash
# Set up and run the demo: synthetic Tanjungbalai registry, one user per role, http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export TEPAT_HOME=${TEPAT_HOME:-$PWD/var}
exec .venv/bin/tepat demo "$@"
