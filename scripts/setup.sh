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
# javac: tests/test_owl.py runs the OWL API's OWL 2 DL profile checker as a Java source file.
command -v javac >/dev/null 2>&1 || missing+=(default-jdk-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
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
        policy_added=
        if [[ " ${missing[*]} " == *" virtuoso-opensource "* ]]; then
            # Preset the system database's DBA password (no prompt, never dba/dba); the tests run their own
            # Virtuoso on loopback, so the system one must not start on public interfaces (1111, 8890):
            # invoke-rc.d asks policy-rc.d, and 101 means "do not start".
            vpw="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
            printf 'virtuoso-opensource-7 virtuoso-opensource-7/%s password %s\n' \
                dba-password "$vpw" dba-password-again "$vpw" | debconf-set-selections
            if [ ! -e /usr/sbin/policy-rc.d ]; then
                printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_added=1
                trap 'rm -f /usr/sbin/policy-rc.d' EXIT  # also when the install fails
            fi
        fi
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
        [ -z "$policy_added" ] || { rm -f /usr/sbin/policy-rc.d; trap - EXIT; }
        if [ -x /etc/init.d/virtuoso-opensource-7 ]; then
            invoke-rc.d virtuoso-opensource-7 stop >/dev/null 2>&1 || true
            update-rc.d virtuoso-opensource-7 disable >/dev/null 2>&1 || true
            sed -i 's/^RUN=yes/RUN=no/' /etc/default/virtuoso-opensource-7 2>/dev/null || true
        fi
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
# The analysts' page: sigma + graphology (WebGL graph) and ECharts (charts), pinned and checked the same way.
bash scripts/vendor-page-libs.sh
