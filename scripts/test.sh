#!/usr/bin/env bash
# Sets up (if needed) and runs the whole test suite, the browser test included.
#
# Two test processes (pytest-xdist), each taking a whole test file at a time so a module's fixtures are built once:
# most of the suite's time is subprocesses starting, servers loading and single-threaded Python, which a second
# process overlaps. EXPGRAPH_TEST_WORKERS sets how many (0: one process, as plain `pytest` runs); arguments after the
# command override these, e.g. `bash scripts/test.sh -n 0 tests/engine`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install_browser.sh
exec .venv/bin/python -m pytest -n "${EXPGRAPH_TEST_WORKERS:-2}" --dist loadfile "$@"
