#!/bin/sh
# valgrind memcheck of end-to-end runs: extract on two threads into every
# format, then merge of its shard.  Any memory error or leak fails.  Skips
# (77) where valgrind is not installed, or in a sanitizer build.
#   valgrind_test.sh ACTORGRAPH RULES EXAMPLES
set -u
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed, skipped"; exit 77; }
if nm "$1" 2>/dev/null | grep -q __asan_init; then echo "valgrind: sanitizer build, skipped"; exit 77; fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
vg() {
  valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect "$@" 2>"$tmp/vg.err"
  rc=$?
  if [ $rc = 9 ] || grep -q "==[0-9]*==" "$tmp/vg.err"; then
    echo "valgrind: errors in: $*"; cat "$tmp/vg.err"; exit 1
  fi
  [ $rc = 0 ] || { echo "valgrind: exit $rc from: $*"; cat "$tmp/vg.err"; exit 1; }
}
outs="-o $tmp/g.graphml -o $tmp/g.gexf -o $tmp/g.dot -o $tmp/g.json -o $tmp/g.csv -o $tmp/g.jsonl"
# shellcheck disable=SC2086
vg "$1" extract -q -r "$2" -j2 --keep-modal $outs "$3"
vg "$1" merge -q -r "$2" --focus lazarus -o "$tmp/m.graphml" "$tmp/g.jsonl"
vg "$1" stats -r "$2" --json "$3"
echo "valgrind: 3 passed, 0 failed (extract -j2 into six formats, merge, stats)"
