#!/usr/bin/env bash
# Real-time collaboration: the Galata test ui-tests/tests/rtc.spec.ts against a
# JupyterLab that has jupyter-collaboration installed.
#
# jupyter-collaboration turns every document into a shared (Y) document, which
# would change what every other Galata test sees; so it lives in a venv of its
# own ($NBGUARD_RTC_VENV, default .venv-rtc/), never in .venv/. That venv gets
# the same JupyterLab as .venv, jupyter-collaboration, and nbguard from this
# working tree (editable, without rebuilding the frontend: the labextension is
# linked to the one `.ci/setup.sh` built). The server listens on port 8899
# (ui-tests/jupyter_server_rtc_config.py), so it never holds Galata's 8888.
#
# Usage: bash .ci/rtc.sh   (after .ci/setup.sh test, or from .ci/test)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MAIN_VENV="${NBGUARD_VENV:-$ROOT/.venv}"
RTC_VENV="${NBGUARD_RTC_VENV:-$ROOT/.venv-rtc}"
# 5.x is the line for JupyterLab 4.4 and later.
COLLABORATION="jupyter-collaboration==5.0.4"
LABEXT="$ROOT/jupyterlab_nbguard/labextension"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
quiet_pip() { "$RTC_VENV/bin/python" -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }

[ -f "$LABEXT/package.json" ] ||
  { echo "rtc.sh: $LABEXT is not built; run bash .ci/setup.sh test first" >&2; exit 2; }
[ -d "$ROOT/ui-tests/node_modules/@jupyterlab/galata" ] ||
  { echo "rtc.sh: ui-tests/node_modules is missing; run (cd ui-tests && jlpm install) first" >&2; exit 2; }
LAB_VERSION="$("$MAIN_VENV/bin/python" -c 'import jupyterlab; print(jupyterlab.__version__)')"

if [ ! -x "$RTC_VENV/bin/python" ]; then
  say "Creating the collaboration venv in $RTC_VENV"
  python3 -m venv "$RTC_VENV"
fi
EXT_DIR="$RTC_VENV/share/jupyter/labextensions/jupyterlab-nbguard"
# (unlink first: pip's uninstall of an earlier install would otherwise delete,
# and its install rewrite, the working tree's files through the link)
if [ -L "$EXT_DIR" ]; then rm "$EXT_DIR"; fi
say "Installing jupyterlab $LAB_VERSION, $COLLABORATION and nbguard (editable) into $RTC_VENV"
# SKIP_JUPYTER_BUILDER: hatch-jupyter-builder would rebuild the shared
# working tree's frontend; the one .ci/setup.sh built is linked below.
SKIP_JUPYTER_BUILDER=1 quiet_pip install -q -e "$ROOT" "jupyterlab==$LAB_VERSION" "$COLLABORATION"
# (an editable install copies the labextension; link it, as .venv has it, so
# a rebuild is seen without reinstalling)
rm -rf "$EXT_DIR"
ln -s "$LABEXT" "$EXT_DIR"

# shellcheck disable=SC1091
source "$RTC_VENV/bin/activate"
labs="$(jupyter labextension list 2>&1)"
servers="$(jupyter server extension list 2>&1)"
grep -iE "nbguard|collaboration" <<<"$labs"
grep -qiE "jupyterlab-nbguard.*enabled.*OK" <<<"$labs"
grep -qiE "@jupyter/collaboration-extension.*enabled.*OK" <<<"$labs"
grep -qiE "jupyterlab_nbguard.*OK" <<<"$servers"
grep -qiE "jupyter_server_ydoc.*OK" <<<"$servers"

say "Galata RTC test (two browser contexts, one notebook) on port 8899"
cd ui-tests
jlpm playwright test --config playwright.rtc.config.js "$@"
