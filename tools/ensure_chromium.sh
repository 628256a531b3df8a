#!/bin/sh
# The live page's browser tests drive Debian's Chromium through Playwright
# (`playwright install` cannot download browsers here). Install the Debian
# package when it is missing; do nothing when it is already there.
set -e
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo -n"  # never prompt: a CI job has no one to answer
else
    echo "ensure_chromium: $CHROMIUM is missing and neither root nor sudo is available;" >&2
    echo "ensure_chromium: the browser tests will be skipped (apt-get install chromium to run them)" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: no apt-get here; install Chromium at $CHROMIUM by hand" >&2
    exit 0
fi
echo "ensure_chromium: installing Debian's chromium for the live page's browser tests"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
