#!/usr/bin/env bash
# Checks, and installs where it can, the programs that `npm test` needs besides Node:
#   python3 with moto's server (the AWS API emulator for the EKS/IAM/S3 tests),
#   openssl (a throw-away certificate for the HTTPS cloud-API fixture),
#   script from util-linux (a pseudo-terminal for the progress-display test),
#   go (builds the engines of `npm run test:engines`; not installed here: the machine provides it).
#   chromium (Debian's headless browser, which renders the HTML fleet report in its tests).
# Installs with apt-get (as root or through sudo) or pip when one is missing; exits 1 with one
# line per program still missing, naming how to install it.
set -uo pipefail

have_moto() { python3 -c 'import moto.server' >/dev/null 2>&1; }
have() { command -v "$1" >/dev/null 2>&1; }

apt_install() {
    local sudo=""
    [ "$(id -u)" = 0 ] || { have sudo && sudo="sudo -n"; } || return 1
    have apt-get || return 1
    $sudo apt-get update -qq >/dev/null 2>&1
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

have openssl || apt_install openssl
have script || apt_install util-linux bsdutils
[ -x /usr/bin/chromium ] || apt_install chromium
if ! have_moto && have python3; then
    python3 -m pip install --quiet 'moto[server]' >/dev/null 2>&1 || apt_install python3-moto
fi

missing=0
have python3 || { echo "test prerequisite missing: python3 (apt-get install python3)" >&2; missing=1; }
have python3 && ! have_moto && { echo "test prerequisite missing: moto's server for python3 (pip install 'moto[server]')" >&2; missing=1; }
have openssl || { echo "test prerequisite missing: openssl (apt-get install openssl)" >&2; missing=1; }
have script || { echo "test prerequisite missing: script from util-linux (apt-get install bsdutils)" >&2; missing=1; }
# The real-engine suite builds its engines with the go command (npm run test:engines).
have go || { echo "test prerequisite missing: go 1.26 or later, for npm run test:engines (https://go.dev/doc/install)" >&2; missing=1; }
[ -x /usr/bin/chromium ] || { echo "test prerequisite missing: /usr/bin/chromium (apt-get install chromium)" >&2; missing=1; }
exit "$missing"
