#!/usr/bin/env bash
# The resource guide's PDF is rendered by WeasyPrint, which needs Pango, HarfBuzz and a font
# from Debian. Install them with apt-get when missing (as root), else say what to install.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${missing[*]} for PDF rendering"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "PDF rendering needs: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
