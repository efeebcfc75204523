#!/usr/bin/env bash
# Debian's Chromium for the headless browser tests (Playwright drives it via executable_path; Playwright downloads
# nothing). Under CI=true a Chromium that cannot be installed is a failure: the web pages would go untested.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
install() { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
if [ "$(id -u)" -eq 0 ]; then
  install
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo -n bash -c "$(declare -f install); install"
else
  echo "chromium is missing: install Debian's 'chromium' package (sudo apt-get install chromium) for the browser tests" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  exit 0
fi
command -v chromium >/dev/null 2>&1 || { echo "chromium did not install; the browser tests cannot run" >&2; exit 1; }
