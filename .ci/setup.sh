# Sourced by .ci/demo and .ci/test: everything nbguard needs, on a fresh machine.
# Idempotent: a second run reuses the venv and node_modules.
# `source setup.sh demo` installs what a user needs to see the demo (nbguard with
# JupyterLab and a kernel); `source setup.sh test` adds the test tools and chromium.
set -euo pipefail
NBGUARD_SETUP="${1:-demo}"
case "$NBGUARD_SETUP" in
  demo | test) ;;
  *) echo "setup.sh: expected demo or test, not $NBGUARD_SETUP" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${NBGUARD_VENV:-$ROOT/.venv}"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

if [ "$NBGUARD_SETUP" = test ] && ! command -v chromium >/dev/null 2>&1; then
  say "Installing Debian's chromium (for the UI tests)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
  say "Creating a virtual environment in $VENV"
  python3 -m venv "$VENV"
fi
# shellcheck disable=SC1091
source "$VENV/bin/activate"
export PATH="$VENV/bin:$PATH"

if [ "$NBGUARD_SETUP" = test ]; then
  say "Installing nbguard (editable, with test tools; builds the labextension)"
  TARGET=".[test]"
else
  say "Installing nbguard (editable, with JupyterLab and a kernel; builds the labextension)"
  TARGET="."
fi
# (this machine's pip configuration names local indexes that may be absent;
# pip warns once per package about each, which buries real errors)
quiet_pip() { python -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
quiet_pip install -q --upgrade pip
quiet_pip install -q -e "$TARGET"
