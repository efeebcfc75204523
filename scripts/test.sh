#!/usr/bin/env bash
# Sets up (if needed) and runs the whole test suite, the browser test included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install_browser.sh
exec .venv/bin/python -m pytest "$@"
