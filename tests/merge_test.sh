#!/bin/sh
# Map/reduce: extract -o PART.jsonl on shards, then merge, must give the
# graph one extract over all the articles gives, byte for byte (GraphML,
# DOT, GEXF, JSON, JSON lines), whatever the threads of each map; also with
# GNU parallel running the maps when it is installed.
#   merge_test.sh ACTORGRAPH RULES EXAMPLES
set -u
AG=$1
R=$2
EX=$3
. "$(dirname "$0")/lib.sh"
same() { # name a b
  if cmp -s "$2" "$3"; then ok; else bad "$1: $(cmp "$2" "$3" 2>&1 | head -n 1)"; fi
}

# the corpus: the bundled examples plus a record file of our own, in three
# shards; a single run reads them in the same order
mkdir -p "$tmp/all" "$tmp/s1" "$tmp/s2" "$tmp/s3"
for f in "$EX"/*.txt; do cp "$f" "$tmp/all/"; done
printf 'date 2019-05-02\nurl https://example.org/a\n\nThe Lazarus Group stole $40 million from a bank in Chile. Ukraine blamed Russia for the attack on its power grid.\n\f\ndate 2020-01-09\n\nThe FBI charged two members of Evil Corp. North Korea threatened South Korea.\n\f\nThe Ronin Network was hacked by the Lazarus Group, the FBI said.\n' > "$tmp/all/zz-records.txt"
i=0
for f in $(cd "$tmp/all" && LC_ALL=C ls); do
  i=$((i + 1))
  shard=$(( (i - 1) * 3 / $(ls "$tmp/all" | wc -l) + 1 ))
  cp "$tmp/all/$f" "$tmp/s$shard/"
done
outs="-o g.graphml -o g.dot -o g.gexf -o g.json -o g.jsonl"
(cd "$tmp" && "$AG" extract -q -r "$R" --keep-isolated $(echo "$outs" | sed 's/g\./one./g') all) ||
  { echo "merge: the single run failed"; exit 1; }
"$AG" extract -q -r "$R" -j1 -o "$tmp/p1.jsonl" "$tmp/s1" &&
  "$AG" extract -q -r "$R" -j2 -o "$tmp/p2.jsonl" "$tmp/s2" &&
  "$AG" extract -q -r "$R" -j3 -o "$tmp/p3.jsonl" "$tmp/s3" || { echo "merge: a map failed"; exit 1; }
gzip "$tmp/p3.jsonl" # shards may be compressed
(cd "$tmp" && "$AG" merge -q -r "$R" --keep-isolated $outs p1.jsonl p2.jsonl p3.jsonl.gz) ||
  { echo "merge: merge failed"; exit 1; }
for ext in graphml dot gexf json jsonl; do
  same "merge = one run (.$ext)" "$tmp/one.$ext" "$tmp/g.$ext"
done
grep -q 'label="stole-from"' "$tmp/g.graphml" && ok || bad "the merged graph has the edges of the shards"

# filters apply at merge as at extract
for f in "--relation attacked,stole-from" "--focus Lazarus --depth 2" "--since 2017 --until 2019" "--min-weight 2" "--largest-component"; do
  "$AG" extract -q -r "$R" $f -o "$tmp/fa.graphml" -o "$tmp/fa.jsonl" "$tmp/all"
  "$AG" merge -q -r "$R" $f -o "$tmp/fm.graphml" -o "$tmp/fm.jsonl" "$tmp/p1.jsonl" "$tmp/p2.jsonl" "$tmp/p3.jsonl.gz"
  same "merge $f = extract $f" "$tmp/fa.graphml" "$tmp/fm.graphml"
  same "merge $f = extract $f (.jsonl)" "$tmp/fa.jsonl" "$tmp/fm.jsonl"
done

# GNU parallel runs the maps (the README's recipe)
if command -v parallel >/dev/null 2>&1; then
  mkdir -p "$tmp/parts"
  ls -d "$tmp"/s[123] | parallel --will-cite -j 3 "$AG" extract -q -r "$R" -o "$tmp/parts/{/}.jsonl" {} ||
    bad "parallel: a map failed"
  "$AG" merge -q -r "$R" --keep-isolated -o "$tmp/par.graphml" "$tmp"/parts/*.jsonl && ok ||
    bad "parallel: merge failed"
  same "GNU parallel map + merge = one run" "$tmp/one.graphml" "$tmp/par.graphml"
else
  echo "skip: GNU parallel not installed"
fi

# errors: clear messages, nothing written
printf 'date 2020-01-01\nnot a shard\n' > "$tmp/bad.jsonl"
"$AG" merge -q -r "$R" -o "$tmp/x.graphml" "$tmp/bad.jsonl" 2>"$tmp/err" && bad "merge of a non-shard succeeded"
grep -q "bad.jsonl:1:1: not a shard written by actorgraph extract" "$tmp/err" && ok || bad "non-shard message: $(cat "$tmp/err")"
[ -e "$tmp/x.graphml" ] && bad "a failed merge wrote its output" || ok
printf '{"record":"article","article":"a","date":"","counts":[1,1,0,0,0],"unknown":[],"mentions":[["no-such-actor","X"]],"edges":[]}\n' > "$tmp/alien.jsonl"
"$AG" merge -q -r "$R" "$tmp/alien.jsonl" >/dev/null 2>"$tmp/err" && bad "merge with an actor missing from the rules succeeded"
grep -q "alien.jsonl:1:.*not in the rules" "$tmp/err" && ok || bad "missing actor message: $(cat "$tmp/err")"
printf '{"record":"article","article":"a","date":"","counts":[1,1,0,0,0],"unknown":[],"mentions":[[3,"X"]],"edges":[]}\n' > "$tmp/range.jsonl"
"$AG" merge -q -r "$R" "$tmp/range.jsonl" >/dev/null 2>"$tmp/err" && bad "an unknown actor out of range was accepted"
grep -q "out of range" "$tmp/err" && ok || bad "out of range message: $(cat "$tmp/err")"
"$AG" merge -q -r "$R" "$tmp/none.jsonl" >/dev/null 2>"$tmp/err" && bad "merge of a missing file succeeded"
grep -q "none.jsonl: cannot open" "$tmp/err" && ok || bad "missing file message: $(cat "$tmp/err")"
"$AG" merge -q -r "$R" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && ok || bad "merge without shards is a usage error"

summary merge
