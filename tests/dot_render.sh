#!/bin/sh
# Render the graph of the bundled examples with Graphviz: it must render with
# no warning at all, and actorgraph's own .svg/.png/.pdf outputs (which run
# Graphviz for us) must be what they say.  Skips (77) where Graphviz is not
# installed.
#   dot_render.sh ACTORGRAPH RULES EXAMPLES
set -u
command -v dot >/dev/null 2>&1 || { echo "dot: graphviz not installed, skipped"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "dot: $*"; exit 1; }
"$1" extract -q -r "$2" -o "$tmp/g.dot" "$3" || fail "extract failed"
for engine in dot sfdp; do
  if ! $engine -Tsvg "$tmp/g.dot" -o "$tmp/g.svg" 2>"$tmp/err" || [ -s "$tmp/err" ]; then
    echo "dot: $engine -Tsvg failed or warned:"; cat "$tmp/err"; exit 1
  fi
  grep -q "<svg" "$tmp/g.svg" || fail "$engine wrote no SVG"
done
edges=$(grep -c -- '->' "$tmp/g.dot")
[ "$edges" -gt 0 ] || fail "the examples gave no edges"

# -o x.svg / .png / .pdf: drawn by Graphviz, atomically, with no warning
"$1" extract -q -r "$2" -o "$tmp/a.svg" -o "$tmp/a.png" -o "$tmp/a.pdf" "$3" 2>"$tmp/err" ||
  fail "extract -o .svg/.png/.pdf failed: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "rendering warned: $(cat "$tmp/err")"
grep -q '<svg' "$tmp/a.svg" || fail ".svg holds no SVG"
titles=$(grep -c 'class="node"' "$tmp/a.svg")
dotnodes=$(grep -c '^  "[^"]*" \[' "$tmp/g.dot")
[ "$titles" = "$dotnodes" ] || fail ".svg has $titles nodes, the DOT $dotnodes"
[ "$(head -c 8 "$tmp/a.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail ".png is not a PNG"
[ "$(head -c 5 "$tmp/a.pdf")" = "%PDF-" ] || fail ".pdf is not a PDF"
if command -v xmllint >/dev/null 2>&1; then
  xmllint --noout "$tmp/a.svg" 2>"$tmp/err" || fail ".svg is not well-formed XML: $(head -3 "$tmp/err")"
fi
ls "$tmp" | grep -q tmp && fail "a temporary file was left: $(ls "$tmp")"

# more than 150 actors: sfdp draws it (dot would take minutes and be unreadable)
mkdir -p "$tmp/big"
{
  echo "actors:"
  i=0
  while [ $i -lt 200 ]; do echo "  - {id: a$i, name: Actor$i, type: group}"; i=$((i + 1)); done
  echo "relations:"
  echo '  - {name: hit, patterns: ["{source} hit {target}"]}'
} > "$tmp/big/rules.yaml"
i=0
while [ $i -lt 199 ]; do echo "Actor$i hit Actor$((i + 1))."; i=$((i + 1)); done > "$tmp/big/a.txt"
"$1" extract -q -r "$tmp/big/rules.yaml" -o "$tmp/big/g.svg" "$tmp/big/a.txt" 2>"$tmp/err" ||
  fail "200 actors: .svg failed: $(cat "$tmp/err")"
[ "$(grep -c 'class="node"' "$tmp/big/g.svg")" = 200 ] || fail "200 actors: not 200 nodes in the SVG"

# without Graphviz: a clear error and no .svg file
PATH=/nonexistent "$1" extract -q -r "$2" -o "$tmp/n.graphml" -o "$tmp/n.svg" "$3" 2>"$tmp/err" &&
  fail "no Graphviz: extract -o .svg succeeded"
grep -q "needs Graphviz's 'dot' program: install graphviz" "$tmp/err" || fail "no Graphviz: message was: $(cat "$tmp/err")"
[ -e "$tmp/n.svg" ] && fail "no Graphviz: an .svg was written"
echo "dot: 1 passed, 0 failed ($edges edges rendered with dot and sfdp; .svg/.png/.pdf; 200 actors with sfdp)"
