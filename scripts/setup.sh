#!/usr/bin/env bash
# Set up nnplayground on Debian/Ubuntu: the system libraries Qt needs, then a venv in .venv/.
#   scripts/setup.sh          the app
#   scripts/setup.sh --dev    the app and its test tools, plus Xvfb for real-window screenshots
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
for arg in "$@"; do
  case "$arg" in
    --dev) dev=1 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

# Qt's offscreen platform needs these; the xcb ones are for a real window (and Xvfb screenshots).
packages=(libglib2.0-0 libgl1 libegl1 libxkbcommon0 libx11-6 libfreetype6 libfontconfig1 libdbus-1-3
          fonts-dejavu-core libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
          libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0 python3-venv)
[ "$dev" = 1 ] && packages+=(xvfb xauth)

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    # python3-venv only matters when the system python is Debian's; skip it if venv already works.
    if python3 -c "import venv, ensurepip" 2>/dev/null; then
      filtered=(); for p in "${missing[@]}"; do [ "$p" = python3-venv ] || filtered+=("$p"); done
      missing=("${filtered[@]+"${filtered[@]}"}")
    fi
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup.sh: installing ${missing[*]}"
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "setup.sh: not a Debian/Ubuntu system; install Qt's libraries (libGL, libEGL, xkbcommon, fontconfig) yourself" >&2
fi

python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { echo "setup.sh: Python 3.10 or newer is needed" >&2; exit 1; }
[ -x .venv/bin/python ] || python3 -m venv .venv
target="."; [ "$dev" = 1 ] && target=".[test]"
log=.venv/setup-pip.log
if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip &&
       .venv/bin/python -m pip install --disable-pip-version-check -e "$target"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "setup.sh: pip failed (log above, also in $log)" >&2
  exit 1
fi
echo "setup.sh: ready (.venv)"
