#!/usr/bin/env bash
# Idempotent setup: system tools via apt (when missing), then .venv with ecograph installed editable.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

warn() { echo "setup: warning: $*" >&2; }
die() { echo "setup: error: $*" >&2; exit 1; }

# --- system packages: command -> Debian package -------------------------------
missing=()
command -v rapper >/dev/null 2>&1 || missing+=(raptor2-utils)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q . || missing+=(fonts-wqy-microhei)

find_python() {
    local cand
    for cand in python3.11 python3 python; do
        if command -v "$cand" >/dev/null 2>&1 &&
            "$cand" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            command -v "$cand"
            return 0
        fi
    done
    return 1
}

# A fresh Debian has python3 without venv/ensurepip, which lives in a separate package.
if [ ! -x .venv/bin/python ] && ! find_python >/dev/null; then
    missing+=(python3 python3-venv)
fi

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        warn "not root, skipping apt; missing: ${missing[*]}"
    elif ! command -v apt-get >/dev/null 2>&1; then
        warn "apt-get not found, skipping; missing: ${missing[*]}"
    else
        echo "setup: installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
fi

# --- virtual environment -------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
    py="$(find_python)" || die "no Python >= 3.11 with venv found"
    rm -rf .venv
    "$py" -m venv .venv
fi

# Skip pip when pyproject.toml has not changed since the last successful install.
stamp=.venv/.ecograph-installed
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] ||
    ! .venv/bin/python -c 'import ecograph' >/dev/null 2>&1; then
    # pip warns about configured local indexes that do not exist on every machine; drop that noise only.
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 |
        { grep -v 'is ignored: it is neither a file nor a directory' || true; } >&2
    echo "$want" >"$stamp"
fi

# The endpoint's offline query page: YASGUI from its npm package, checked against a pinned hash.
bash scripts/vendor-yasgui.sh
