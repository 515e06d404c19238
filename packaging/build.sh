#!/usr/bin/env bash
# Build a one-folder bundle of nnplayground with PyInstaller, then start the built binary headless
# (it opens the window, waits for the engine, exits 0) and train from its CLI.
#   packaging/build.sh            -> build/dist/nnplayground/nnplayground
# Needs scripts/setup.sh to have run; installs PyInstaller into .venv. Prints its time and the size.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
[ -x .venv/bin/python ] || scripts/setup.sh
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[package]" >/dev/null
rm -rf build/work build/dist
QT_QPA_PLATFORM=offscreen .venv/bin/python -m PyInstaller --noconfirm --log-level WARN --distpath build/dist --workpath build/work \
  packaging/nnplayground.spec
built=$(date +%s)
app=build/dist/nnplayground/nnplayground
echo "build: $((built - start)) s; bundle: $(du -sh build/dist/nnplayground | cut -f1) in $(find build/dist/nnplayground -type f | wc -l) files"
QT_QPA_PLATFORM=offscreen timeout 60 "$app" --smoke-test
"$app" train resources/examples/xor.csv --iterations 3000 | head -2
echo "smoke test passed: $app"
