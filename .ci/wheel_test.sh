#!/usr/bin/env bash
# The product as a user gets it: build the wheel and the sdist, install the
# wheel alone into a fresh venv on a PATH without Node.js, and check that it
# works (JupyterLab, a kernel, both extensions, the CLI, the REST API); then
# build the wheel again from the sdist's sources (that part may use Node).
#
# Usage: bash .ci/wheel_test.sh  (from anywhere; uses python3 from PATH, or $PYTHON)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
ORIGINAL_PATH="$PATH"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/nbguard-wheel.XXXXXX")"
SERVER_PID=""
cleanup() {
  export PATH="$ORIGINAL_PATH"
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n\033[1m--> %s\033[0m\n' "$*"; }
fail() { printf 'wheel test FAILED: %s\n' "$*" >&2; exit 1; }
# (this machine's pip configuration names local indexes that may be absent)
quiet() { "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }

step "Building the sdist and the wheel into $WORK/dist"
quiet "$PYTHON" -m build --outdir "$WORK/dist" "$ROOT" >"$WORK/build.log" 2>&1 ||
  { tail -40 "$WORK/build.log"; fail "python -m build"; }
WHEEL="$(ls "$WORK"/dist/*.whl)"
SDIST="$(ls "$WORK"/dist/*.tar.gz)"
ls -l "$WORK/dist"
# The wheel must carry the prebuilt labextension and the server config.
"$PYTHON" - "$WHEEL" <<'EOF'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
needed = [
    "share/jupyter/labextensions/jupyterlab-nbguard/package.json",
    "share/jupyter/labextensions/jupyterlab-nbguard/install.json",
    "etc/jupyter/jupyter_server_config.d/jupyterlab_nbguard.json",
]
missing = [n for n in needed if not any(f.endswith(n) for f in names)]
assert not missing, f"wheel lacks {missing}"
print(f"wheel holds {len(names)} files, labextension and server config included")
EOF

step "Installing the wheel alone into a fresh venv"
VENV="$WORK/venv"
"$PYTHON" -m venv "$VENV"
start=$SECONDS
quiet "$VENV/bin/python" -m pip install -q "$WHEEL" || fail "pip install of the wheel"
echo "pip install took $((SECONDS - start)) s"

# From here on: only the venv and the system's basic tools, no Node.js.
NODE_FREE="$WORK/bin"
mkdir -p "$NODE_FREE"
for tool in sh bash env cat grep sed tail ls mkdir; do
  ln -s "$(command -v "$tool")" "$NODE_FREE/$tool"
done
export PATH="$VENV/bin:$NODE_FREE"
export JUPYTER_CONFIG_DIR="$WORK/config" JUPYTER_DATA_DIR="$WORK/data"
export JUPYTER_RUNTIME_DIR="$WORK/runtime" IPYTHONDIR="$WORK/ipython"
unset JUPYTER_PATH JUPYTER_CONFIG_PATH PYTHONPATH VIRTUAL_ENV
command -v node >/dev/null 2>&1 && fail "node is still on PATH"
echo "PATH=$PATH (node: none)"
cd "$WORK"

step "jupyter lab, a kernel and both extensions are installed"
command -v jupyter-lab >/dev/null || fail "jupyter lab is not a command"
"$VENV/bin/python" -c "import jupyterlab, ipykernel; print('jupyterlab', jupyterlab.__version__, '/ ipykernel', ipykernel.__version__)"
jupyter kernelspec list
plain() { sed 's/\x1b\[[0-9;]*m//g'; }  # without colour codes
servers="$(jupyter server extension list 2>&1 | plain)"
labs="$(jupyter labextension list 2>&1 | plain)"
echo "$servers" | grep -i nbguard || true
echo "$labs" | grep -i nbguard || true
grep -qiE "jupyterlab_nbguard enabled" <<<"$servers" || fail "server extension not enabled"
grep -qiE "jupyterlab_nbguard.*OK" <<<"$servers" || fail "server extension not OK"
grep -qiE "jupyterlab-nbguard .*enabled.*OK" <<<"$labs" || fail "labextension not enabled and OK"

step "jupyter nbguard check and verify on a tiny notebook"
"$VENV/bin/python" - "$WORK/tiny.ipynb" <<'EOF'
import sys
import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

nb = new_notebook(
    cells=[
        new_code_cell("x = 20", id="one", execution_count=1),
        new_code_cell(
            "print(x + 1)", id="two", execution_count=2,
            outputs=[new_output("stream", name="stdout", text="21\n")],
        ),
    ],
    metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                             "language": "python"}},
)
nbformat.write(nb, sys.argv[1])
EOF
jupyter nbguard check tiny.ipynb --format json >check.json || fail "nbguard check exit $?"
cat check.json
"$VENV/bin/python" -c 'import json, sys; files = json.load(open(sys.argv[1]))["files"]; assert [f["diagnostics"] for f in files] == [[]], files' check.json ||
  fail "nbguard check found something in a clean notebook"
jupyter nbguard verify tiny.ipynb || fail "nbguard verify exit $?"

step "POST check against a jupyter server from this venv (token auth)"
PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
[ "$PORT" != 8888 ] || PORT=18899
TOKEN="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(16))')"
mkdir -p "$WORK/root"
jupyter server --no-browser --allow-root --ServerApp.port="$PORT" \
  --ServerApp.port_retries=0 --IdentityProvider.token="$TOKEN" \
  --ServerApp.root_dir="$WORK/root" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
"$VENV/bin/python" - "$PORT" "$TOKEN" <<'EOF' || { tail -30 "$WORK/server.log"; fail "POST check"; }
import json, sys, time, urllib.error, urllib.request

port, token = sys.argv[1], sys.argv[2]
base = f"http://127.0.0.1:{port}/jupyterlab-nbguard"
headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}


def call(path, body=None, auth=True):
    request = urllib.request.Request(
        f"{base}/{path}",
        data=None if body is None else json.dumps(body).encode(),
        method="GET" if body is None else "POST",
        headers=headers if auth else {},
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, json.loads(response.read())


deadline = time.monotonic() + 60
while True:
    try:
        status, version = call("version")
        break
    except (OSError, urllib.error.URLError):
        if time.monotonic() > deadline:
            raise
        time.sleep(0.25)
print("GET version ->", status, version)
try:
    call("version", auth=False)
    raise SystemExit("a request without the token was answered")
except urllib.error.HTTPError as error:
    assert error.code == 403, error.code
cells = [
    {"id": "a", "cell_type": "code", "source": "print(y)", "execution_count": 1},
    {"id": "b", "cell_type": "code", "source": "y = 1", "execution_count": 2},
]
status, result = call("check", {"cells": cells, "kernel_id": None})
print("POST check ->", status, json.dumps(result)[:300])
assert status == 200, status
# The contract's fields, plus the additions docs/api.md lists (a revision for
# relative answers; an optional quick fix on a finding).
assert set(result) == {"diagnostics", "kernel", "revision"}, result
assert result["kernel"] is None, result
keys = {"code", "rule", "severity", "cell_id", "message", "range", "names", "related"}
for d in result["diagnostics"]:
    assert set(d) in (keys, keys | {"fix"}), d
    assert d["severity"] in ("error", "warning", "info"), d
found = {(d["code"], d["cell_id"]) for d in result["diagnostics"]}
assert ("NBG101", "a") in found, found
print("contract shape OK:", sorted(found))
EOF
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""

step "The sdist builds the wheel again from source (labextension rebuilt with Node)"
export PATH="$ORIGINAL_PATH"
mkdir -p "$WORK/src"
tar -xzf "$SDIST" -C "$WORK/src"
SRC="$(ls -d "$WORK"/src/*/)"
[ -f "$SRC/jupyterlab_nbguard/labextension/static/style.js" ] || fail "sdist lacks the labextension"
rm -rf "$SRC/jupyterlab_nbguard/labextension"
quiet "$PYTHON" -m build --wheel --outdir "$WORK/rebuilt" "$SRC" >"$WORK/rebuild.log" 2>&1 ||
  { tail -40 "$WORK/rebuild.log"; fail "wheel from the sdist"; }
"$PYTHON" - "$(ls "$WORK"/rebuilt/*.whl)" <<'EOF'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
static = [n for n in names if "labextensions/jupyterlab-nbguard/static/" in n]
assert any(n.endswith("/style.js") for n in static), static
assert any("/remoteEntry." in n for n in static), static
print(f"rebuilt {sys.argv[1].rsplit('/', 1)[-1]}: {len(names)} files, labextension built from source")
EOF
echo "wheel test passed"
