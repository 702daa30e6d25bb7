#!/usr/bin/env bash
# Installs what the test suite needs beyond `npm run setup`: Debian's Chromium and Firefox ESR for the browser tests,
# poppler's pdftotext for the PDF exports, coturn for the TURN call, and the offline-built mediasoup worker.
# Idempotent: installs only what is missing. Needs root (or sudo) for apt-get.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# a second browser (another WebRTC stack): a Firefox citizen calls a Chromium worker
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
# fonts so that pages render text in headless Chromium
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
# pdftotext, to read back the text of the exported notes and evaluation reports
[ -x /usr/bin/pdftotext ] || missing+=(poppler-utils)
# a real TURN server for the call that may only relay (tests/e2e/turn.test.ts)
[ -x /usr/bin/turnserver ] || missing+=(coturn)

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# the media worker (cached after the first build)
bash scripts/build-mediasoup-worker.sh >/dev/null
echo "Test dependencies are in place."
