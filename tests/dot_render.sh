#!/bin/sh
# Render the graph of the bundled examples with Graphviz: it must render with
# no warning at all.  Skips (77) where Graphviz is not installed.
#   dot_render.sh ACTORGRAPH RULES EXAMPLES
set -u
command -v dot >/dev/null 2>&1 || { echo "dot: graphviz not installed, skipped"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$1" extract -q -r "$2" -o "$tmp/g.dot" "$3" || { echo "dot: extract failed"; exit 1; }
for engine in dot sfdp; do
  if ! $engine -Tsvg "$tmp/g.dot" -o "$tmp/g.svg" 2>"$tmp/err" || [ -s "$tmp/err" ]; then
    echo "dot: $engine -Tsvg failed or warned:"; cat "$tmp/err"; exit 1
  fi
  grep -q "<svg" "$tmp/g.svg" || { echo "dot: $engine wrote no SVG"; exit 1; }
done
edges=$(grep -c -- '->' "$tmp/g.dot")
[ "$edges" -gt 0 ] || { echo "dot: the examples gave no edges"; exit 1; }
echo "dot: 1 passed, 0 failed ($edges edges rendered with dot and sfdp)"
