#!/usr/bin/env bash
# Put nnplayground in the desktop's application menu (for the current user): the .desktop entry,
# the AppStream metainfo and the icon, pointing at this checkout's .venv/bin/nnplayground.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${XDG_DATA_HOME:-$HOME/.local/share}"
exe="$(pwd)/.venv/bin/nnplayground"
[ -x "$exe" ] || { echo "install-desktop.sh: run scripts/setup.sh first" >&2; exit 1; }
install -d "$data/applications" "$data/metainfo" "$data/icons/hicolor/scalable/apps"
sed "s|^Exec=.*|Exec=$exe|" packaging/nnplayground.desktop > "$data/applications/nnplayground.desktop"
install -m 644 packaging/io.github.nnplayground.nnplayground.metainfo.xml "$data/metainfo/"
install -m 644 resources/icons/nnplayground.svg "$data/icons/hicolor/scalable/apps/nnplayground.svg"
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
echo "installed: $data/applications/nnplayground.desktop"
