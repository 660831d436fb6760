#!/bin/sh
# No exponential or quadratic blow-up: patterns with many gaps and
# alternatives, over one sentence of N and of 4N tokens; the time for 4N
# must stay within 8x the time for N (linear gives 4x, quadratic 16x).  A
# class of 2,000 alternatives likewise.  Then a million-token sentence runs
# to the end (plain builds only: a sanitizer build is too slow for it).
#   pathological_test.sh ACTORGRAPH
set -u
AG=$1
. "$(dirname "$0")/lib.sh"

cat > "$tmp/gaps.yaml" <<'YAML'
actors:
  - {id: alpha, name: Alpha, type: state}
  - {id: bravo, name: Bravo, type: state}
relations:
  - name: hit
    patterns:
      - "{source} (a|b|c|d)? ...12 (e|f|g)? ...12 (h|i)? ...12 (j|k) ...12 {target}"
      - "{source} ...12 (a|e|h) ...12 (b|f|i) ...12 (c|g|j) ...12 {target}"
      - "(a|b)? ...9 {source} ...9 (c|d)? ...9 {target} ...9 (e|f)"
YAML
{ echo "actors:"; echo "  - {id: alpha, name: Alpha, type: state}"; echo "  - {id: bravo, name: Bravo, type: state}"
  printf 'classes:\n  MANY: ['; awk 'BEGIN { for (i = 0; i < 2000; i++) printf "%sw%d x%d", i ? ", " : "", i, i % 7 }'; echo "]"
  echo "relations:"; echo '  - {name: hit, patterns: ["{source} $MANY ...12 $MANY ...12 {target}", "{source} ...12 $MANY {target}"]}'
} > "$tmp/alts.yaml"

# one sentence of n tokens drawn from the patterns' words (fixed seed)
sentence() { # n words-file
  awk -v n="$1" -v w="$2" 'BEGIN { srand(1); k = split(w, ws, " ");
    for (i = 0; i < n; i++) printf "%s%s", i ? " " : "", ws[int(rand() * k) + 1]; print "" }'
}
median3() { # command...: the median wall time of three runs, in seconds
  for i in 1 2 3; do
    s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
    echo "$e $s" | awk '{ printf "%.4f\n", $1 - $2 }'
  done | sort -n | sed -n 2p
}
ratio_check() { # name rules words
  sentence 40000 "$3" > "$tmp/n.txt"
  sentence 160000 "$3" > "$tmp/4n.txt"
  "$AG" extract -q -j1 -r "$2" -o "$tmp/o.graphml" "$tmp/4n.txt" ||
    { bad "$1: extract failed"; return; }
  grep -q '<edge ' "$tmp/o.graphml" && ok || bad "$1: the patterns found nothing (the test tests nothing)"
  t1=$(median3 "$AG" extract -q -j1 -r "$2" -o "$tmp/o1.graphml" "$tmp/n.txt")
  t4=$(median3 "$AG" extract -q -j1 -r "$2" -o "$tmp/o4.graphml" "$tmp/4n.txt")
  r=$(echo "$t4 $t1" | awk '{ printf "%.1f", ($2 > 0) ? $1 / $2 : 99 }')
  echo "pathological: $1: 40,000 tokens $t1 s, 160,000 tokens $t4 s, ratio $r (linear 4)"
  if echo "$r" | awk '{ exit !($1 < 8) }'; then ok; else bad "$1: 4x the tokens took ${r}x the time"; fi
}
ratio_check "gaps and optional alternatives" "$tmp/gaps.yaml" "a b c d e f g h i j k Alpha Bravo x y"
ratio_check "a class of 2,000 alternatives" "$tmp/alts.yaml" "w1 w2 w3 w4 x1 x2 x3 Alpha Bravo y z"

if ! nm "$AG" 2>/dev/null | grep -q __asan_init; then
  sentence 1000000 "a b c d e f g h i j k Alpha Bravo x y" > "$tmp/m.txt"
  if timeout 120 "$AG" extract -q -j1 -r "$tmp/gaps.yaml" -o "$tmp/m.graphml" "$tmp/m.txt"; then
    grep -q '<edge ' "$tmp/m.graphml" && ok || bad "a million-token sentence gave no edge"
  else
    bad "a million-token sentence did not finish in 120 s"
  fi
fi
summary pathological
