#!/bin/sh
# Rebuild src/niche/web/static/vendor/ from the npm registry: the dashboard's charts must work
# offline, so vega, vega-lite and vega-embed ship inside the package with their licences.
# npm checks each tarball against the registry's integrity hash; SHA256SUMS records what we ship
# (tests/web/test_vendor.py checks the files against it). Change a version here, run, commit.
set -eu
VERSIONS="vega@6.4.0 vega-lite@6.5.0 vega-embed@7.3.0"
out="$(cd "$(dirname "$0")/.." && pwd)/src/niche/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
for spec in $VERSIONS; do
    name="${spec%@*}"
    npm pack --silent "$spec" >/dev/null
    mkdir "$name" && tar xzf "$name"-*.tgz -C "$name"
    cp "$name/package/build/$name.min.js" "$out/"
    cp "$name/package/LICENSE" "$out/LICENSE.$name"
done
cd "$out"
echo "$VERSIONS" > VERSIONS
sha256sum vega.min.js vega-lite.min.js vega-embed.min.js > SHA256SUMS
