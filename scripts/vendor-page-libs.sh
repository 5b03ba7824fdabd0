#!/usr/bin/env bash
# Vendor the analysts' page libraries from npm, each pinned to a version and checked against the
# registry's integrity value, into a git-ignored folder; `ecograph viz` inlines them. Idempotent.
#   sigma + graphology: WebGL graph drawing (the default renderer, up to ~10^5 nodes)
#   echarts: the figures view's charts (no eval, so it runs under the page's strict CSP)
# Without npm the page still works with `--renderer vis` (vis-network comes with pyvis) and no charts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

dest=src/ecograph/vendor/node
# package version integrity (npm view PACKAGE@VERSION dist.integrity) file-to-keep...
libs=(
    "sigma 3.0.3 sha512-5H0zFlx6/NTQpqBg4Rm569ZOpnBOXMaS25UQThIWMU3XyzI5AhmorK/gnl87BvJBLhQd0tW4C0LIp3enWzMoNw== dist/sigma.min.js LICENSE.txt"
    "graphology 0.26.0 sha512-8SSImzgUUYC89Z042s+0r/vMibY7GX/Emz4LDO5e7jYXhuoWfHISPFJYjpRLUSJGq6UQ6xlenvX1p/hJdfXuXg== dist/graphology.umd.min.js LICENSE.txt"
    "echarts 6.1.0 sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA== dist/echarts.common.min.js LICENSE NOTICE"
)
py=.venv/bin/python
[ -x "$py" ] || py=python3

present() {  # present DIR VERSION FILE...: the wanted version with every kept file
    local dir="$1" version="$2" f
    shift 2
    grep -q "\"version\": \"$version\"" "$dir/package.json" 2>/dev/null || return 1
    for f in "$@"; do [ -f "$dir/$f" ] || return 1; done
}

for entry in "${libs[@]}"; do
    read -r package version integrity files <<<"$entry"
    target="$dest/$package"
    # shellcheck disable=SC2086
    if present "$target" "$version" $files; then
        continue
    fi
    if ! command -v npm >/dev/null 2>&1; then
        echo "vendor-page-libs: warning: npm not found; the page falls back to --renderer vis without charts" >&2
        exit 0
    fi
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null)
    tarball="$(ls "$tmp"/*.tgz)"
    got="$("$py" -c 'import base64, hashlib, sys
print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$tarball")"
    if [ "$got" != "$integrity" ]; then
        rm -rf "$tmp"
        echo "vendor-page-libs: error: $package@$version does not match its pinned integrity" >&2
        exit 1
    fi
    tar -xzf "$tarball" -C "$tmp"
    mkdir -p "$tmp/keep"
    cp "$tmp/package/package.json" "$tmp/keep/"
    for f in $files; do
        mkdir -p "$tmp/keep/$(dirname "$f")"
        cp "$tmp/package/$f" "$tmp/keep/$f"
    done
    mkdir -p "$dest"
    rm -rf "$target.old"
    [ -d "$target" ] && mv "$target" "$target.old"
    mv "$tmp/keep" "$target"
    rm -rf "$target.old" "$tmp"
    echo "vendor-page-libs: $package@$version in $target" >&2
done
