#!/usr/bin/env bash
# Installs what tests/site_quality.rs and scripts/screenshots.sh use: Chromium and
# ChromeDriver (axe-core runs in the browser), Java (the Nu Html Checker), xmllint (feed
# well-formedness) and the npm packages vnu-jar and axe-core under $ALIGN_TOOLS (default
# /opt/align-tools); and a C++ compiler, for the fuzz targets' libFuzzer, which CI
# builds. Safe to run again: it installs only what is missing.
set -euo pipefail

ALIGN_TOOLS="${ALIGN_TOOLS:-/opt/align-tools}"
AXE_CORE_VERSION=4.14.1
VNU_JAR_VERSION=26.9.27

# Debian packages, each installed only when the command it provides is missing. Java comes
# first so that vnu-jar's install step finds it and does not download a runtime of its own.
missing=()
need() {
  command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}
need chromium chromium
need chromedriver chromium-driver
need java default-jre-headless
need xmllint libxml2-utils
need npm npm
# The fuzz targets' libFuzzer is C++, built when CI checks that they compile.
need c++ g++

if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
  fi
  echo "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages, pinned; reinstalled only when absent or at another version.
installed_version() {
  local manifest="$ALIGN_TOOLS/node_modules/$1/package.json"
  [ -f "$manifest" ] || return 0
  node -e 'process.stdout.write(require(process.argv[1]).version || "")' "$manifest" 2>/dev/null || true
}

packages=()
if [ "$(installed_version axe-core)" != "$AXE_CORE_VERSION" ] ||
  [ ! -f "$ALIGN_TOOLS/node_modules/axe-core/axe.min.js" ]; then
  packages+=("axe-core@$AXE_CORE_VERSION")
fi
if [ "$(installed_version vnu-jar)" != "$VNU_JAR_VERSION" ] ||
  [ ! -f "$ALIGN_TOOLS/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
  packages+=("vnu-jar@$VNU_JAR_VERSION")
fi
if [ ${#packages[@]} -gt 0 ]; then
  echo "installing ${packages[*]} into $ALIGN_TOOLS"
  mkdir -p "$ALIGN_TOOLS"
  npm install --silent --no-audit --no-fund --save-exact --prefix "$ALIGN_TOOLS" "${packages[@]}" >/dev/null
fi

echo "quality tools ready:"
echo "  $(chromium --version 2>/dev/null | head -n 1)"
echo "  $(chromedriver --version 2>/dev/null | head -n 1)"
echo "  $(java -version 2>&1 | head -n 1)"
echo "  $(xmllint --version 2>&1 | head -n 1)"
echo "  axe-core $(installed_version axe-core), vnu-jar $(installed_version vnu-jar) in $ALIGN_TOOLS"
