#!/bin/bash
# actorgraph import: each format on the fixtures in tests/import (written for
# this project), compared with the expected YAML, loaded back by check, and
# used in an extraction.  Usage: import_test.sh ACTORGRAPH RULES FIXTURES
set -u
AG=$1 RULES=$2 DIR=$3
PASS=0 FAIL=0
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $1"; }

cd "$DIR" || exit 1
while read -r fmt files; do
  # shellcheck disable=SC2086
  if "$AG" import -q --from "$fmt" $files -o "$T/$fmt.yaml" 2>"$T/err"; then ok; else bad "$fmt: import failed: $(cat "$T/err")"; continue; fi
  if cmp -s "$T/$fmt.yaml" "expected-$fmt.yaml"; then ok; else bad "$fmt: differs from expected-$fmt.yaml"; diff -u "expected-$fmt.yaml" "$T/$fmt.yaml" | head -20; fi
  # shellcheck disable=SC2086
  "$AG" import -q --from "$fmt" $files -o "$T/$fmt-2.yaml" && cmp -s "$T/$fmt.yaml" "$T/$fmt-2.yaml" && ok || bad "$fmt: not deterministic"
  if "$AG" check -r "$T/$fmt.yaml" >"$T/out" 2>&1 && grep -qE '^[0-9]+ actors$' "$T/out"; then ok; else bad "$fmt: check fails: $(cat "$T/out")"; fi
done <<'LIST'
tabari sample.actors sample.agents sample.discards
countryinfo countryinfo.txt
ftm entities.jsonl
ofac alt.csv sdn.csv
LIST

# the imported codes and sanctions reach the graph, layered over the rules
echo "date 2018-09-06 The Lazarus Group attacked Sony Pictures." > "$T/a.txt"
"$AG" extract -q -r "$RULES" -r "$T/ofac.yaml" -o "$T/g.graphml" -o "$T/g.dot" "$T/a.txt"
grep -q '<data key="v_code">OFAC-36001</data>' "$T/g.graphml" && ok || bad "code not in the GraphML"
grep -q '<data key="v_sanction_programs">OFAC:CYBER2 | OFAC:DPRK3</data>' "$T/g.graphml" && ok || bad "sanctions not in the GraphML"
grep -q 'peripheries="2"' "$T/g.dot" && ok || bad "sanctioned actor not marked in DOT"
# a dated code resolves against the article date
echo "date 2005-01-01 Kim Jong Un attacked Sony Pictures Entertainment." > "$T/b.txt"
"$AG" extract -q -r "$RULES" -r "$T/tabari.yaml" -o "$T/h.graphml" "$T/b.txt"
grep -q '<data key="v_code">PRKELI</data>' "$T/h.graphml" && ok || bad "dated code not resolved"

# hostile bytes still give YAML that loads: C1 controls, U+FFFE, invalid UTF-8
printf 'BAD\xc2\x85NAME_ [ABC]\n+ODD\xef\xbf\xbeWORD_\n+BYTE\xff\x01S_\n' > "$T/hostile.actors"
"$AG" import -q --from tabari "$T/hostile.actors" -o "$T/hostile.yaml" && "$AG" check -r "$T/hostile.yaml" >/dev/null 2>"$T/err" \
  && ok || bad "hostile bytes: $(cat "$T/err")"

# errors
printf '{"id": "x", "schema": "Person", "properties": {"name": ["A B"]}}\n{"id": oops}\n' > "$T/bad.jsonl"
"$AG" import --from ftm "$T/bad.jsonl" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 1 ] && grep -q "bad.jsonl:2:" "$T/err" && ok || bad "bad JSON: want exit 1 and FILE:2:COL, got $rc $(cat "$T/err")"
"$AG" import --from nonsense sample.actors >/dev/null 2>&1; [ $? = 2 ] && ok || bad "unknown format: want exit 2"
"$AG" import sample.actors >/dev/null 2>&1; [ $? = 2 ] && ok || bad "missing --from: want exit 2"
echo keep > "$T/keep.yaml"
"$AG" import --from ftm "$T/bad.jsonl" -o "$T/keep.yaml" 2>/dev/null
[ "$(cat "$T/keep.yaml")" = keep ] && ok || bad "a failed import touched its output"

echo "import: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
