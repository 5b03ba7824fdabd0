#!/usr/bin/env bash
# Vendor the YASGUI query editor (npm package @zazuko/yasgui, pinned and checked) into a
# git-ignored folder, for the offline query page of `ecograph serve`. Idempotent.
# Without npm the endpoint still works and serves its own simpler page.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

package=@zazuko/yasgui
version=4.6.2
# The registry's own integrity value for that tarball (npm view @zazuko/yasgui@4.6.2 dist.integrity).
integrity=sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw==
dest=src/ecograph/vendor/node/yasgui

if [ -f "$dest/build/yasgui.min.js" ] && [ -f "$dest/build/yasgui.min.css" ] &&
    grep -q "\"version\": \"$version\"" "$dest/package.json" 2>/dev/null; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "vendor-yasgui: warning: npm not found; the query page falls back to a plain form" >&2
    exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$package@$version" >/dev/null)
tarball="$tmp/zazuko-yasgui-$version.tgz"
py=.venv/bin/python
[ -x "$py" ] || py=python3
got="$("$py" -c 'import base64, hashlib, sys
print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$tarball")"
if [ "$got" != "$integrity" ]; then
    echo "vendor-yasgui: error: $package@$version does not match its pinned integrity" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$tmp"
# Keep the self-contained browser bundle and its stylesheet; drop source maps and typings.
mkdir -p "$tmp/keep/build"
cp "$tmp/package/package.json" "$tmp/keep/"
cp "$tmp/package/build/yasgui.min.js" "$tmp/package/build/yasgui.min.css" "$tmp/keep/build/"
mkdir -p "$(dirname "$dest")"
rm -rf "$dest.old"
[ -d "$dest" ] && mv "$dest" "$dest.old"
mv "$tmp/keep" "$dest"
rm -rf "$dest.old"
echo "vendor-yasgui: $package@$version in $dest" >&2
