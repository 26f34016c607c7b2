#!/usr/bin/env bash
# Installs the Debian libraries the project needs when they are missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -euo pipefail
# wrk: the tile benchmark's load; rclone and fuse3: the WebDAV mount tests
needed=(libturbojpeg0 chromium clamav-daemon clamdscan wrk rclone fuse3)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages. Run:"
  echo "  sudo apt-get install -y ${missing[*]}"
  exit 1
fi
