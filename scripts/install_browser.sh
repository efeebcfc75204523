#!/usr/bin/env bash
# Debian's Chromium for the headless browser test (Playwright drives it via executable_path; nothing is downloaded by Playwright).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing: install Debian's 'chromium' package (sudo apt-get install chromium) for the browser test" >&2
  exit 0
fi
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
