#!/usr/bin/env bash
# Installs the system Chromium that the e2e tests drive (Debian package `chromium`)
# when it is missing. Tests never download a browser.
set -euo pipefail

chromium_path=${CHROMIUM_PATH:-/usr/bin/chromium}

if [[ ! -x $chromium_path ]]; then
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "ensure-chromium: need root or sudo to install chromium" >&2; exit 1; }
    sudo=(sudo)
  fi
  echo "Installing chromium from Debian packages..."
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
fi

[[ -x $chromium_path ]] || { echo "ensure-chromium: $chromium_path is still missing" >&2; exit 1; }
# The Debian launcher script prints harmless shell noise on stderr.
echo "Chromium: $("$chromium_path" --version 2>/dev/null) at $chromium_path"
