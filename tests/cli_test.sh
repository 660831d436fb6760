#!/usr/bin/env bash
# Command-line tests of actorgraph, checked from outside the program.
#
#   tests/cli_test.sh PATH/TO/actorgraph PATH/TO/rules
#
# Needs bash, coreutils, grep and sed.  When graphviz `dot` or `xmllint`
# (libxml2-utils) is installed, the outputs are also rendered / validated;
# otherwise only those checks are skipped (and a line says so).
# Prints one line per failed check, then exactly "cli: N passed, M failed";
# exits 0 only when nothing failed.  Every article and rules file used here
# is written below into a temporary directory.
set -u
export LC_ALL=C
unset ACTORGRAPH_RULES

if [ $# -ne 2 ]; then
  echo "usage: $0 ACTORGRAPH RULES" >&2
  exit 2
fi
abspath() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
  esac
}
AG=$(abspath "$1")
RULES=$(abspath "$2")
if [ ! -x "$AG" ] || [ -d "$AG" ]; then
  echo "cli: $AG is not an executable program" >&2
  exit 2
fi
if [ ! -e "$RULES" ]; then
  echo "cli: rules $RULES do not exist" >&2
  exit 2
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/actorgraph-cli.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP

OUT=$T/run.stdout
ERR=$T/run.stderr
PASS=0
FAIL=0
RC=0

HAVE_DOT=0
HAVE_XMLLINT=0
if command -v dot >/dev/null 2>&1; then HAVE_DOT=1; else
  echo "skip: graphviz 'dot' not found: DOT rendering checks skipped"
fi
if command -v xmllint >/dev/null 2>&1; then HAVE_XMLLINT=1; else
  echo "skip: 'xmllint' not found: GraphML well-formedness checks skipped"
fi

# ---- helpers ----------------------------------------------------------------

# Printable, one-line excerpt of a string / of a file.
show() {
  printf '%s' "$1" | head -c 300 | tr '\n\t\r' '   ' | tr -d '\000-\037\177'
}
show_file() {
  if [ ! -e "$1" ]; then printf '(no file %s)' "$1"; return; fi
  if [ ! -s "$1" ]; then printf '(empty)'; return; fi
  head -c 300 "$1" | tr '\n\t\r' '   ' | tr -d '\000-\037\177'
}

ok() { PASS=$((PASS + 1)); }
bad() {  # name expected got
  FAIL=$((FAIL + 1))
  printf 'FAIL %s: expected %s; got %s\n' "$1" "$(show "$2")" "$(show "$3")"
}

# run CMD...: stdin from /dev/null; sets RC, fills $OUT and $ERR.
run() {
  RC=0
  timeout 60 "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
}
# run_in INPUT CMD...: stdin from the file INPUT.
run_in() {
  local in=$1
  shift
  RC=0
  timeout 60 "$@" >"$OUT" 2>"$ERR" <"$in" || RC=$?
}
# run_cd DIR CMD...: run from DIR.
run_cd() {
  local dir=$1
  shift
  RC=0
  (cd "$dir" && exec timeout 60 "$@") >"$OUT" 2>"$ERR" </dev/null || RC=$?
}

expect_rc() {  # name expected-status
  if [ "$RC" = "$2" ]; then ok; else
    bad "$1" "exit status $2" "exit status $RC, stderr: $(show_file "$ERR")"
  fi
}
expect_eq() {  # name expected got
  if [ "$2" = "$3" ]; then ok; else bad "$1" "'$2'" "'$3'"; fi
}
expect_empty() {  # name file
  if [ ! -s "$2" ]; then ok; else bad "$1" "nothing" "$(show_file "$2")"; fi
}
expect_has() {  # name file fixed-string
  if grep -F -q -- "$3" "$2" 2>/dev/null; then ok; else
    bad "$1" "text containing '$3'" "$(show_file "$2")"
  fi
}
expect_lacks() {  # name file fixed-string
  if ! grep -F -q -- "$3" "$2" 2>/dev/null; then ok; else
    bad "$1" "no '$3'" "$(grep -F -m1 -- "$3" "$2")"
  fi
}
expect_line() {  # name file ERE: some line matches
  if grep -E -q -- "$3" "$2" 2>/dev/null; then ok; else
    bad "$1" "a line matching /$3/" "$(show_file "$2")"
  fi
}
expect_first_line() {  # name file ERE: the first line matches
  local first
  first=$(head -n 1 "$2" 2>/dev/null)
  if printf '%s\n' "$first" | grep -E -q -- "$3"; then ok; else
    bad "$1" "first line matching /$3/" "'$first'"
  fi
}
expect_lines() {  # name file count
  local n
  n=$(wc -l <"$2" | tr -d ' ')
  if [ "$n" = "$3" ]; then ok; else
    bad "$1" "$3 line(s)" "$n line(s): $(show_file "$2")"
  fi
}
expect_same() {  # name file-a file-b: byte-identical
  if cmp -s "$2" "$3"; then ok; else
    bad "$1" "identical files" "$(cmp "$2" "$3" 2>&1 | head -n 1)"
  fi
}
# A GraphML document from beginning to end, and nothing else.
expect_graphml() {  # name file
  local first last
  first=$(head -n 1 "$2" 2>/dev/null)
  last=$(tail -n 1 "$2" 2>/dev/null)
  case $first in '<?xml'*) ;; *)
    bad "$1" "GraphML starting '<?xml'" "first line '$first'"; return ;;
  esac
  if ! grep -q '<graphml' "$2"; then
    bad "$1" "a <graphml> element" "$(show_file "$2")"; return
  fi
  if [ "$last" != "</graphml>" ]; then
    bad "$1" "last line '</graphml>'" "'$last'"; return
  fi
  ok
}
expect_dot() {  # name file
  local first
  first=$(head -n 1 "$2" 2>/dev/null)
  case $first in
    digraph*'{') ok ;;
    *) bad "$1" "DOT starting 'digraph ... {'" "first line '$first'" ;;
  esac
}
# xmllint --noout, when xmllint is there.
expect_wellformed() {  # name file
  [ "$HAVE_XMLLINT" = 1 ] || return 0
  local msg
  if msg=$(xmllint --noout "$2" 2>&1) && [ -z "$msg" ]; then ok; else
    bad "$1" "well-formed XML (xmllint --noout silent)" "$msg"
  fi
}
# dot -Tsvg renders it with nothing on stderr, when dot is there.
expect_renders() {  # name file
  [ "$HAVE_DOT" = 1 ] || return 0
  local rc=0
  dot -Tsvg "$2" >"$T/render.svg" 2>"$T/render.err" || rc=$?
  if [ "$rc" = 0 ] && [ ! -s "$T/render.err" ] && [ -s "$T/render.svg" ]; then
    ok
  else
    bad "$1" "dot -Tsvg exit 0, silent, some SVG" \
      "exit $rc, stderr: $(show_file "$T/render.err")"
  fi
}
# No byte a text file should not hold: NUL and C0 controls other than
# tab, newline and carriage return, and DEL.
expect_clean_bytes() {  # name file
  local n
  n=$(tr -dc '\000-\010\013\014\016-\037\177' <"$2" | wc -c | tr -d ' ')
  if [ "$n" = 0 ]; then ok; else
    bad "$1" "no NUL or control bytes" "$n such byte(s)"
  fi
}

# The lines of one <edge> element of a GraphML file, chosen by its source,
# label (relation) and target, whatever the attribute order.
edge_block() {  # file source relation target
  local line inblk=0
  while IFS= read -r line; do
    if [ "$inblk" = 0 ]; then
      case $line in *'<edge '*) ;; *) continue ;; esac
      case $line in *"source=\"$2\""*) ;; *) continue ;; esac
      case $line in *"label=\"$3\""*) ;; *) continue ;; esac
      case $line in *"target=\"$4\""*) ;; *) continue ;; esac
      inblk=1
      printf '%s\n' "$line"
      case $line in *'/>') return 0 ;; esac
    else
      printf '%s\n' "$line"
      case $line in *'</edge>'*) return 0 ;; esac
    fi
  done <"$1"
  [ "$inblk" = 1 ]
}
node_block() {  # file id: the <node id="ID"> element, to its </node>
  sed -n "/<node id=\"$2\">/,/<\/node>/p" "$1"
}
# The text of <data key="KEY">...</data> in a block on stdin.
data_of() {  # key
  sed -n "s|.*<data key=\"$1\">\(.*\)</data>.*|\1|p" | head -n 1
}
expect_edge() {  # name file source relation target
  if edge_block "$2" "$3" "$4" "$5" >/dev/null; then ok; else
    bad "$1" "edge $3 -[$4]-> $5 (XML label=\"$4\")" \
      "edges: $(grep -F '<edge ' "$2" 2>/dev/null | sed 's/^ *//' | tr '\n' ' ')"
  fi
}
expect_no_edge() {  # name file source relation target
  if ! edge_block "$2" "$3" "$4" "$5" >/dev/null; then ok; else
    bad "$1" "no edge $3 -[$4]-> $5" "such an edge"
  fi
}
expect_edge_data() {  # name file source relation target key value
  local v
  v=$(edge_block "$2" "$3" "$4" "$5" | data_of "$6")
  if [ "$v" = "$7" ]; then ok; else
    bad "$1" "<data key=\"$6\">$7</data> on $3 -[$4]-> $5" "'$v'"
  fi
}

# The error position on the first line of $ERR, "actorgraph: FILE:LINE:COL: ",
# against FILE, LINE and a list of acceptable columns.
expect_pos() {  # name file line "col..."
  local first prefix rest pos l c want
  first=$(head -n 1 "$ERR")
  prefix="actorgraph: $2:"
  case $first in
    "$prefix"*) ;;
    *) bad "$1" "stderr starting '${prefix}$3:COL: '" "'$first'"; return ;;
  esac
  rest=${first#"$prefix"}
  pos=$(printf '%s\n' "$rest" | sed -n 's/^\([0-9][0-9]*\):\([0-9][0-9]*\): .*/\1 \2/p')
  l=${pos% *}
  c=${pos#* }
  if [ -z "$pos" ]; then
    bad "$1" "'${prefix}$3:COL: message'" "'$first'"; return
  fi
  if [ "$l" != "$3" ]; then
    bad "$1" "line $3 ('${prefix}$3:...')" "'$first'"; return
  fi
  for want in $4; do
    if [ "$c" = "$want" ]; then ok; return; fi
  done
  bad "$1" "column $(echo $4 | sed 's/ / or /g') ('${prefix}$3:$(echo $4 | sed 's/ .*//'):')" "'$first'"
}

# ---- fixtures -----------------------------------------------------------------

A=$T/articles
mkdir -p "$A"
printf '%s\n' 'Lazarus stole $81 million from Bangladesh Bank.' >"$A/heist.txt"
printf '%s\n' 'Lazarus stole $81 million from Bangladesh Bank. The FBI blamed North Korea for the hack. North Korea attacked Sony Pictures.' >"$A/multi.txt"
: >"$A/empty.txt"

# ---- help and version -------------------------------------------------------

for opt in --help -h; do
  run "$AG" "$opt"
  expect_rc "$opt exits 0" 0
  expect_has "$opt prints usage on stdout mentioning extract" "$OUT" extract
  expect_has "$opt prints usage on stdout mentioning check" "$OUT" check
  expect_empty "$opt writes nothing on stderr" "$ERR"
done

run "$AG" --version
expect_rc "--version exits 0" 0
expect_line "--version prints 'actorgraph X.Y.Z'" "$OUT" '^actorgraph [0-9]+\.[0-9]+\.[0-9]+$'
expect_lines "--version prints one line" "$OUT" 1
expect_empty "--version writes nothing on stderr" "$ERR"

# ---- usage errors: exit 2, "actorgraph: ..." on stderr, nothing on stdout ---

usage_error() {  # name ARGS...
  local name=$1
  shift
  run "$AG" "$@"
  expect_rc "usage error ($name) exits 2" 2
  expect_first_line "usage error ($name) says 'actorgraph: ' on stderr" "$ERR" '^actorgraph: .'
  expect_empty "usage error ($name) writes nothing on stdout" "$OUT"
}
usage_error "no command"
usage_error "unknown command" frobnicate
usage_error "unknown option" extract -r "$RULES" --no-such-option "$A/heist.txt"
usage_error "unknown option before command" --no-such-option
usage_error "-o without argument" extract -r "$RULES" -o
usage_error "-o with unknown extension" extract -r "$RULES" -o "$T/out.xyz" "$A/heist.txt"
usage_error "--format bogus" extract -r "$RULES" --format bogus "$A/heist.txt"
[ ! -e "$T/out.xyz" ] && ok || bad "-o out.xyz usage error writes no file" "no $T/out.xyz" "the file exists"

# ---- check --------------------------------------------------------------------

run "$AG" check -r "$RULES"
expect_rc "check -r RULES exits 0" 0
for what in actors aliases relations patterns; do
  expect_line "check prints 'N $what'" "$OUT" "^[0-9]+ $what\$"
done
expect_empty "check writes nothing on stderr" "$ERR"

G=$T/good
mkdir -p "$G"
cat >"$G/small.yaml" <<'EOF'
actors:
  - id: acme
    name: Acme Corp
    type: company
  - id: evil-crew
    name: Evil Crew
    type: group
    aliases: [Evilcrew]
relations:
  - name: hit
    patterns:
      - "{source} hit~ {target}"
      - "{target} (was|were) hit by {source}"
EOF
run "$AG" check -r "$G/small.yaml"
expect_rc "check on a small rules file exits 0" 0
expect_line "check counts 2 actors in the small rules file" "$OUT" '^2 actors$'
expect_line "check counts 1 relations in the small rules file" "$OUT" '^1 relations$'
expect_line "check counts 2 patterns in the small rules file" "$OUT" '^2 patterns$'

run "$AG" check -r "$T/no-such-rules"
expect_rc "check with missing rules exits 1" 1
expect_first_line "check with missing rules names the path" "$ERR" "^actorgraph: $T/no-such-rules"

# ---- bad rules: exit 1 and "actorgraph: FILE:LINE:COL: message" ----------------

BAD=$T/bad
mkdir -p "$BAD"
# YAML syntax error: "type" is indented by 3 where the mapping uses 4
# -> line 4, column 4.
printf 'actors:\n  - id: foo\n    name: Foo\n   type: group\n' >"$BAD/syntax.yaml"
# Unknown actor type: the value "planet" on line 4, column 11.
printf 'actors:\n  - id: foo\n    name: Foo\n    type: planet\n' >"$BAD/type.yaml"
# Id not a slug: the actor starts on line 2, column 5 (its id value: col 9).
printf 'actors:\n  - id: Foo_Bar\n    name: Foo\n    type: group\n' >"$BAD/slug.yaml"
# Duplicate id: the second actor starts on line 5, column 5 (id value: col 9).
printf 'actors:\n  - id: foo\n    name: Foo\n    type: group\n  - id: foo\n    name: Foo Two\n    type: group\n' >"$BAD/dup.yaml"
# Unknown top-level key: "planets" on line 2, column 1.
printf 'actors: []\nplanets: []\n' >"$BAD/toplevel.yaml"
# Pattern scalars: '-' at column 7, the quote at 9, the text from column 10.
# No {target}: the text "{source} hit~ the target" spans columns 10-33; the
# error may point at its start (10) or just past its end (34).
printf 'relations:\n  - name: hit\n    patterns:\n      - "{source} hit~ the target"\n' >"$BAD/notarget.yaml"
# Unknown class: "$NOPE" spans columns 19-23 of line 4.
printf 'relations:\n  - name: hit\n    patterns:\n      - "{source} $NOPE {target}"\n' >"$BAD/class.yaml"
# Unbalanced "(": the "(" is at column 19; the text ends at 39, so a report
# where the ")" is missing is column 40.
printf 'relations:\n  - name: hit\n    patterns:\n      - "{source} (hit~|struck {target}"\n' >"$BAD/paren.yaml"
# Alias shared by two actors: the second "Shadow Crew" is line 10, column 9.
printf 'actors:\n  - id: foo\n    name: Foo\n    type: group\n    aliases: [Shadow Crew]\n  - id: bar\n    name: Bar\n    type: group\n    aliases:\n      - Shadow Crew\n' >"$BAD/alias.yaml"

bad_rules() {  # name file line "cols" word-in-message
  run "$AG" check -r "$BAD/$2"
  expect_rc "bad rules ($1) exit 1" 1
  expect_empty "bad rules ($1) print nothing on stdout" "$OUT"
  expect_pos "bad rules ($1) report $2:$3:COL" "$BAD/$2" "$3" "$4"
  expect_has "bad rules ($1) message mentions '$5'" "$ERR" "$5"
}
bad_rules "YAML syntax error" syntax.yaml 4 "4" "expected"
bad_rules "unknown actor type" type.yaml 4 "11" "planet"
bad_rules "id not a slug" slug.yaml 2 "5 9" "Foo_Bar"
bad_rules "duplicate actor id" dup.yaml 5 "5 9" "duplicate"
bad_rules "unknown top-level key" toplevel.yaml 2 "1" "planets"
bad_rules "pattern without {target}" notarget.yaml 4 "10 34" "{target}"
bad_rules "unknown class \$NOPE" class.yaml 4 "19 20 21 22 23" 'NOPE'
bad_rules "unbalanced (" paren.yaml 4 "19 40" "("
bad_rules "alias shared by two actors" alias.yaml 10 "9" "Shadow Crew"

# extract loads the rules the same way, before reading any article.
run "$AG" extract -r "$BAD/type.yaml" "$A/heist.txt"
expect_rc "extract with bad rules exits 1" 1
expect_pos "extract with bad rules reports the position" "$BAD/type.yaml" 4 "11"
expect_empty "extract with bad rules writes nothing on stdout" "$OUT"

# ---- extract: inputs ----------------------------------------------------------

run "$AG" extract -q -r "$RULES" "$A/heist.txt"
expect_rc "extract FILE exits 0" 0
expect_graphml "extract FILE writes GraphML to stdout" "$OUT"
expect_edge "extract FILE finds the edge" "$OUT" lazarus-group stole-from bangladesh-bank
expect_has "extract FILE: node id is the slug" "$OUT" '<node id="lazarus-group">'
expect_has "extract FILE: node id is the slug (target)" "$OUT" '<node id="bangladesh-bank">'
expect_edge_data "extract FILE: sources is the file name" "$OUT" lazarus-group stole-from bangladesh-bank e_sources heist.txt
expect_empty "extract -q writes nothing on stderr" "$ERR"
expect_wellformed "extract FILE GraphML is well-formed" "$OUT"

run "$AG" extract -r "$RULES" "$A/heist.txt"
expect_rc "extract without -q exits 0" 0
expect_lines "without -q one summary line goes to stderr" "$ERR" 1
expect_first_line "the summary line starts 'actorgraph: '" "$ERR" '^actorgraph: '
expect_graphml "without -q stdout holds only the GraphML" "$OUT"
expect_lacks "without -q the summary is not on stdout" "$OUT" "actorgraph:"

# Directory: every *.txt below it, recursively, in sorted order; other files
# and hidden entries ignored.
D=$T/dir
mkdir -p "$D/m/deeper" "$D/.hidden"
printf '%s\n' 'Lazarus stole $81 million from Bangladesh Bank.' >"$D/z.txt"
printf '%s\n' 'Lazarus stole $81 million from Bangladesh Bank.' >"$D/m/deeper/inner.txt"
printf '%s\n' 'Lazarus stole $81 million from Bangladesh Bank.' >"$D/a.txt"
printf '%s\n' 'The FBI blamed North Korea for the hack.' >"$D/notes.md"
printf '%s\n' 'The FBI blamed North Korea for the hack.' >"$D/m/article.txt.bak"
printf '%s\n' 'North Korea attacked Sony Pictures.' >"$D/.hidden.txt"
printf '%s\n' 'North Korea attacked Sony Pictures.' >"$D/.hidden/x.txt"
run "$AG" extract -q -r "$RULES" "$D"
expect_rc "extract DIR exits 0" 0
expect_graphml "extract DIR writes GraphML" "$OUT"
expect_edge_data "extract DIR reads the 3 *.txt (articles 3)" "$OUT" lazarus-group stole-from bangladesh-bank e_articles 3
v=$(edge_block "$OUT" lazarus-group stole-from bangladesh-bank | data_of e_sources)
case $v in *a.txt*inner.txt*z.txt*) ok ;; *) bad "extract DIR lists a.txt, inner.txt, z.txt in that order" "a.txt ... inner.txt ... z.txt" "'$v'" ;; esac
expect_no_edge "extract DIR ignores non-.txt files" "$OUT" north-korea blamed-by fbi
expect_no_edge "extract DIR skips hidden entries" "$OUT" north-korea attacked sony-pictures

# Standard input: "-" and no path at all.
run_in "$A/heist.txt" "$AG" extract -q -r "$RULES" -
expect_rc "extract - exits 0" 0
expect_edge "extract - reads stdin" "$OUT" lazarus-group stole-from bangladesh-bank
expect_edge_data "extract - names the article 'stdin'" "$OUT" lazarus-group stole-from bangladesh-bank e_sources stdin
run_in "$A/heist.txt" "$AG" extract -q -r "$RULES"
expect_rc "extract with no path exits 0" 0
expect_edge "extract with no path reads stdin" "$OUT" lazarus-group stole-from bangladesh-bank

# ---- extract: outputs ---------------------------------------------------------

O=$T/outs
mkdir -p "$O"
run "$AG" extract -q -r "$RULES" -o "$O/g.graphml" -o "$O/g.dot" -o "$O/g.gv" "$A/multi.txt"
expect_rc "several -o exit 0" 0
expect_empty "several -o to files write nothing on stdout" "$OUT"
expect_graphml "-o X.graphml writes GraphML" "$O/g.graphml"
expect_edge "-o X.graphml holds the edge" "$O/g.graphml" lazarus-group stole-from bangladesh-bank
expect_dot "-o X.dot writes DOT" "$O/g.dot"
expect_has "-o X.dot holds the edge" "$O/g.dot" '"lazarus-group" -> "bangladesh-bank"'
expect_dot "-o X.gv writes DOT" "$O/g.gv"
expect_same "-o X.dot and -o X.gv write the same DOT" "$O/g.dot" "$O/g.gv"
expect_wellformed "-o X.graphml is well-formed" "$O/g.graphml"
expect_renders "-o X.dot renders with dot -Tsvg" "$O/g.dot"

run "$AG" extract -q -r "$RULES" -o - "$A/heist.txt"
expect_rc "-o - exits 0" 0
expect_graphml "-o - writes GraphML to stdout" "$OUT"
expect_edge "-o - holds the edge" "$OUT" lazarus-group stole-from bangladesh-bank

run "$AG" extract -q -r "$RULES" -o - -o "$O/both.dot" "$A/heist.txt"
expect_rc "-o - with -o FILE.dot exits 0" 0
expect_graphml "-o - with -o FILE.dot: GraphML on stdout" "$OUT"
expect_dot "-o - with -o FILE.dot: DOT in the file" "$O/both.dot"

run "$AG" extract -q -r "$RULES" --format dot "$A/heist.txt"
expect_rc "--format dot exits 0" 0
expect_dot "--format dot writes DOT to stdout" "$OUT"
run "$AG" extract -q -r "$RULES" --format dot -o "$O/forced.graphml" "$A/heist.txt"
expect_rc "--format dot -o X.graphml exits 0" 0
expect_dot "--format dot forces DOT whatever the extension" "$O/forced.graphml"
run "$AG" extract -q -r "$RULES" --format=dot -o "$O/forced.out" "$A/heist.txt"
expect_rc "--format=dot -o X.out exits 0" 0
expect_dot "--format=dot forces DOT into a file with no known extension" "$O/forced.out"
run "$AG" extract -q -r "$RULES" --format graphml -o "$O/forced.dot" "$A/heist.txt"
expect_rc "--format graphml -o X.dot exits 0" 0
expect_graphml "--format graphml forces GraphML whatever the extension" "$O/forced.dot"

# ---- the date marker ----------------------------------------------------------

date_case() {  # name printf-format
  printf "$2" >"$T/dated.txt"
  run "$AG" extract -q -r "$RULES" "$T/dated.txt"
  expect_rc "date marker ($1) exits 0" 0
  expect_has "date marker ($1) gives first_seen" "$OUT" '<data key="e_first_seen">2017-12-19</data>'
  expect_edge_data "date marker ($1) gives last_seen" "$OUT" lazarus-group stole-from bangladesh-bank e_last_seen 2017-12-19
  expect_lacks "date marker ($1) is not part of the evidence" "$OUT" 'date 2017-12-19'
}
date_case "same line" 'date 2017-12-19 Lazarus stole $81 million from Bangladesh Bank.\n'
date_case "own first line" 'date 2017-12-19\nLazarus stole $81 million from Bangladesh Bank.\n'
date_case "leading whitespace" '  \t date 2017-12-19 Lazarus stole $81 million from Bangladesh Bank.\n'
date_case "leading blank lines" '\n  \n\tdate 2017-12-19\nLazarus stole $81 million from Bangladesh Bank.\n'

# ---- GraphML contracts --------------------------------------------------------

GM=$O/g.graphml
ids=$(sed -n 's/.*<node id="\([^"]*\)".*/\1/p' "$GM")
expect_eq "GraphML has 5 nodes" 5 "$(printf '%s\n' "$ids" | grep -c .)"
badids=$(printf '%s\n' "$ids" | grep -Ev '^[a-z0-9]+(-[a-z0-9]+)*$')
expect_eq "GraphML node ids are slugs" "" "$badids"
eids=$(sed -n 's/.*<edge id="\([^"]*\)".*/\1/p' "$GM")
expect_eq "GraphML has 3 edges with ids" 3 "$(printf '%s\n' "$eids" | grep -c .)"
expect_eq "GraphML edge ids are unique" "" "$(printf '%s\n' "$eids" | sort | uniq -d)"
expect_edge "GraphML edge blamed-by (XML label)" "$GM" north-korea blamed-by fbi
expect_edge "GraphML edge attacked (XML label)" "$GM" north-korea attacked sony-pictures
expect_line "GraphML edges carry an XML label attribute" "$GM" '<edge [^>]*label="stole-from"'
nolabel=$(grep -F '<edge ' "$GM" | grep -v ' label="[a-z0-9-]*"')
expect_eq "every GraphML edge has a label attribute" "" "$nolabel"

key_declared() {  # file domain name
  grep -F '<key ' "$1" | grep -F "for=\"$2\"" | grep -F -q "attr.name=\"$3\""
}
for k in label actor_type color size mentions; do
  if key_declared "$GM" node "$k"; then ok; else
    bad "GraphML declares node key $k" "<key for=\"node\" attr.name=\"$k\" ...>" "$(grep -F '<key ' "$GM" | grep -F "\"$k\"" | tr '\n' ' ')"
  fi
done
for k in relation label weight mentions articles first_seen last_seen evidence sources; do
  if key_declared "$GM" edge "$k"; then ok; else
    bad "GraphML declares edge key $k" "<key for=\"edge\" attr.name=\"$k\" ...>" "$(grep -F '<key ' "$GM" | grep -F "\"$k\"" | tr '\n' ' ')"
  fi
done
undeclared=""
for k in $(sed -n 's/.*<data key="\([^"]*\)".*/\1/p' "$GM" | sort -u); do
  grep -F -q "<key id=\"$k\"" "$GM" || undeclared="$undeclared $k"
done
expect_eq "every <data key> is a declared <key id>" "" "$undeclared"
expect_has "e_first_seen is the edge first_seen key" "$GM" '<key id="e_first_seen" for="edge" attr.name="first_seen"'

# Aggregation: one edge stated in two articles.
AGG=$T/agg
mkdir -p "$AGG"
printf '%s\n' 'date 2016-02-05 Lazarus stole $81 million from Bangladesh Bank.' >"$AGG/one.txt"
printf '%s\n' 'date 2017-12-19' 'The Lazarus Group stole $81 million from Bangladesh Bank in 2016.' >"$AGG/two.txt"
run "$AG" extract -q -r "$RULES" "$AGG/one.txt" "$AGG/two.txt"
expect_rc "aggregation run exits 0" 0
expect_eq "aggregation gives one stole-from edge" 1 "$(grep -c 'label="stole-from"' "$OUT")"
expect_edge_data "aggregation: weight 2" "$OUT" lazarus-group stole-from bangladesh-bank e_weight 2
expect_edge_data "aggregation: articles 2" "$OUT" lazarus-group stole-from bangladesh-bank e_articles 2
expect_edge_data "aggregation: mentions 2" "$OUT" lazarus-group stole-from bangladesh-bank e_mentions 2
expect_edge_data "aggregation: first_seen is the earliest date" "$OUT" lazarus-group stole-from bangladesh-bank e_first_seen 2016-02-05
expect_edge_data "aggregation: last_seen is the latest date" "$OUT" lazarus-group stole-from bangladesh-bank e_last_seen 2017-12-19
v=$(edge_block "$OUT" lazarus-group stole-from bangladesh-bank | data_of e_sources)
case $v in *one.txt*) ok ;; *) bad "aggregation: sources lists one.txt" "sources containing one.txt" "'$v'" ;; esac
case $v in *two.txt*) ok ;; *) bad "aggregation: sources lists two.txt" "sources containing two.txt" "'$v'" ;; esac

# ---- hostile text -------------------------------------------------------------

H=$T/hostile
mkdir -p "$H"
HF=$H/'h&<"q">.txt'
printf 'date 2017-12-19 Lazarus stole <$81>\001\377\000 from Bangladesh Bank & "co" <b>x</b> \\N.\n' >"$HF"
run "$AG" extract -q -r "$RULES" -o "$H/h.graphml" -o "$H/h.dot" "$HF"
expect_rc "hostile text exits 0" 0
expect_edge "hostile text still yields the edge" "$H/h.graphml" lazarus-group stole-from bangladesh-bank
expect_graphml "hostile text GraphML is complete" "$H/h.graphml"
expect_wellformed "hostile text GraphML is well-formed" "$H/h.graphml"
expect_clean_bytes "hostile text GraphML holds no NUL or control bytes" "$H/h.graphml"
expect_has "hostile text GraphML escapes < > in text" "$H/h.graphml" '&lt;$81&gt;'
expect_has "hostile text GraphML escapes &" "$H/h.graphml" 'Bank &amp; '
expect_lacks "hostile text GraphML holds no raw <b>" "$H/h.graphml" '<b>x</b>'
expect_has "hostile text GraphML escapes the file name in sources" "$H/h.graphml" 'h&amp;&lt;'
expect_dot "hostile text DOT is DOT" "$H/h.dot"
expect_clean_bytes "hostile text DOT holds no NUL or control bytes" "$H/h.dot"
expect_has "hostile text DOT escapes quotes" "$H/h.dot" '\"co\"'
expect_lacks "hostile text DOT holds no unescaped quote" "$H/h.dot" ' "co"'
expect_renders "hostile text DOT renders with dot -Tsvg, silent" "$H/h.dot"

# ---- determinism --------------------------------------------------------------

DET=$T/det
mkdir -p "$DET"
cp "$A/multi.txt" "$D/a.txt" "$AGG/one.txt" "$AGG/two.txt" "$DET/"
run "$AG" extract -q -r "$RULES" -o "$T/det1.graphml" -o "$T/det1.dot" "$DET"
expect_rc "determinism run 1 exits 0" 0
run "$AG" extract -q -r "$RULES" -o "$T/det2.graphml" -o "$T/det2.dot" "$DET"
expect_rc "determinism run 2 exits 0" 0
expect_same "two runs give byte-identical GraphML" "$T/det1.graphml" "$T/det2.graphml"
expect_same "two runs give byte-identical DOT" "$T/det1.dot" "$T/det2.dot"

# ---- atomic writes ------------------------------------------------------------

AT=$T/atomic
mkdir -p "$AT"
printf 'ORIGINAL graphml\n' >"$AT/keep.graphml"
printf 'ORIGINAL dot\n' >"$AT/keep.dot"
cp "$AT/keep.graphml" "$T/keep.graphml.ref"
cp "$AT/keep.dot" "$T/keep.dot.ref"
no_tmp_left() {  # name dir
  local f left=""
  for f in "$2"/*.tmp.* "$2"/.*.tmp.*; do
    [ -e "$f" ] && left="$left ${f##*/}"
  done
  expect_eq "$1" "" "$left"
}

run "$AG" extract -q -r "$RULES" -o "$AT/keep.graphml" -o "$AT/keep.dot" "$A/heist.txt" "$T/missing.txt"
expect_rc "a missing input path exits 1" 1
expect_has "a missing input path is named on stderr" "$ERR" "$T/missing.txt"
expect_first_line "a missing input error starts 'actorgraph: '" "$ERR" '^actorgraph: '
expect_same "a failed run leaves the GraphML output untouched" "$AT/keep.graphml" "$T/keep.graphml.ref"
expect_same "a failed run leaves the DOT output untouched" "$AT/keep.dot" "$T/keep.dot.ref"
no_tmp_left "a failed run leaves no *.tmp.* file" "$AT"

run "$AG" extract -q -r "$BAD/dup.yaml" -o "$AT/keep.graphml" "$A/heist.txt"
expect_rc "bad rules with -o exit 1" 1
expect_same "bad rules leave the output untouched" "$AT/keep.graphml" "$T/keep.graphml.ref"
no_tmp_left "bad rules leave no *.tmp.* file" "$AT"

run "$AG" extract -q -r "$RULES" -o "$AT/keep.graphml" "$A/heist.txt"
expect_rc "a good run over an existing output exits 0" 0
expect_edge "a good run replaces the output" "$AT/keep.graphml" lazarus-group stole-from bangladesh-bank
no_tmp_left "a good run leaves no *.tmp.* file" "$AT"

NODIR=$T/no-such-dir/sub/out.graphml
run "$AG" extract -q -r "$RULES" -o "$NODIR" "$A/heist.txt"
expect_rc "writing into a missing directory exits 1" 1
expect_has "writing into a missing directory names the path" "$ERR" "$NODIR"
expect_first_line "writing into a missing directory: 'actorgraph: ' message" "$ERR" '^actorgraph: '
[ ! -e "$T/no-such-dir" ] && ok || bad "writing into a missing directory creates nothing" "no $T/no-such-dir" "it exists"

# ---- default rules from $ACTORGRAPH_RULES ------------------------------------

CWD=$T/cwd
mkdir -p "$CWD"
run_cd "$CWD" env ACTORGRAPH_RULES="$RULES" "$AG" extract -q "$A/heist.txt"
expect_rc "ACTORGRAPH_RULES, no -r: extract exits 0" 0
expect_edge "ACTORGRAPH_RULES, no -r: rules are used" "$OUT" lazarus-group stole-from bangladesh-bank
run_cd "$CWD" env ACTORGRAPH_RULES="$RULES" "$AG" check
expect_rc "ACTORGRAPH_RULES, no -r: check exits 0" 0
expect_line "ACTORGRAPH_RULES, no -r: check counts actors" "$OUT" '^[0-9]+ actors$'
run_cd "$CWD" env ACTORGRAPH_RULES="$BAD/type.yaml" "$AG" check
expect_rc "ACTORGRAPH_RULES pointing at bad rules: check exits 1" 1
expect_pos "ACTORGRAPH_RULES is the file loaded" "$BAD/type.yaml" 4 "11"
run_cd "$CWD" env ACTORGRAPH_RULES="$BAD/type.yaml" "$AG" check -r "$RULES"
expect_rc "-r overrides ACTORGRAPH_RULES" 0

# ---- empty input --------------------------------------------------------------

run "$AG" extract -q -r "$RULES" "$A/empty.txt"
expect_rc "empty file exits 0" 0
expect_graphml "empty file gives a GraphML document" "$OUT"
expect_has "empty file GraphML has a graph" "$OUT" '<graph '
expect_lacks "empty file GraphML has no nodes" "$OUT" '<node'
expect_lacks "empty file GraphML has no edges" "$OUT" '<edge'
expect_wellformed "empty file GraphML is well-formed" "$OUT"
run "$AG" extract -q -r "$RULES" -o "$T/empty.dot" "$A/empty.txt"
expect_rc "empty file to DOT exits 0" 0
expect_dot "empty file gives a DOT graph" "$T/empty.dot"
expect_renders "empty DOT renders" "$T/empty.dot"

# ---- --trace and writing to a device -----------------------------------------

printf 'Lazarus stole $81 million from Bangladesh Bank. North Korea denied attacking Sony.\n' > "$T/trace.txt"
run "$AG" extract -q --trace -r "$RULES" --format graphml -o /dev/null "$T/trace.txt"
expect_rc "--trace exits 0" 0
expect_has "--trace names the article" "$ERR" "article trace.txt"
expect_has "--trace lists the actors" "$ERR" "lazarus-group=[Lazarus]"
expect_line "--trace shows the edge and its pattern" "$ERR" '^  \+ lazarus-group stole-from bangladesh-bank  <- .*relations\.yaml:[0-9]+ '
expect_empty "--trace writes nothing to stdout" "$OUT"
if [ -c /dev/null ]; then ok; else bad "/dev/null is still a device" "a character device" "$(ls -l /dev/null)"; fi

# ---- unknown actors ---------------------------------------------------------------

printf 'Lazarus stole $100 million from Ember Vault Labs.\n' > "$T/unknown.txt"
run "$AG" extract -q -r "$RULES" "$T/unknown.txt"
expect_rc "unknown actor: exits 0" 0
expect_has "unknown actor: node with a slug id" "$OUT" '<node id="ember-vault-labs">'
expect_has "unknown actor: known=false" "$OUT" '<data key="v_known">false</data>'
expect_has "unknown actor: edge to it" "$OUT" 'target="ember-vault-labs" label="stole-from"'
run "$AG" extract -q --no-unknown -r "$RULES" "$T/unknown.txt"
expect_rc "--no-unknown: exits 0" 0
expect_lacks "--no-unknown: no unknown node" "$OUT" 'ember-vault-labs'

# ---- --keep-modal ------------------------------------------------------------------

printf 'North Korea denied attacking Sony Pictures. Russia may attack Ukraine.\n' > "$T/modal.txt"
run "$AG" extract -r "$RULES" "$T/modal.txt"
expect_rc "modal: exits 0" 0
expect_lacks "modal: negated and hypothetical dropped by default" "$OUT" '<edge '
expect_has "modal: the summary counts them" "$ERR" '1 negated, 1 hypothetical: dropped'
run "$AG" extract --keep-modal -r "$RULES" "$T/modal.txt"
expect_has "--keep-modal: negated edge kept" "$OUT" '<data key="e_modality">negated</data>'
expect_has "--keep-modal: hypothetical edge kept" "$OUT" '<data key="e_modality">hypothetical</data>'

# ---- test-rules ------------------------------------------------------------------

mkdir -p "$T/selftest"
cat > "$T/selftest/r.yaml" <<'YAML'
actors:
  - {id: north-korea, name: North Korea, type: state}
  - {id: sony, name: Sony, type: company}
relations:
  - name: attacked
    patterns: ["{source} attack~ {target}"]
    examples:
      - text: "North Korea attacked Sony."
        yields: [north-korea attacked sony]
      - text: "Sony attacked North Korea."
        yields: ["north-korea attacked ?"]
      - "North Korea attacked Sony again."
YAML
run "$AG" test-rules -r "$T/selftest/r.yaml"
expect_rc "test-rules: a failing example exits 1" 1
expect_has "test-rules: the failure names file:line:col" "$OUT" "r.yaml:10:9: example of relation 'attacked': missing 'north-korea attacked ?'"
expect_has "test-rules: the failure shows what came out" "$OUT" "got: sony attacked north-korea"
expect_has "test-rules: and the pattern behind it" "$OUT" '+ sony attacked north-korea  <- '
expect_line "test-rules: closing count" "$OUT" '^test-rules: 2 passed, 1 failed$'
run "$AG" test-rules -r "$RULES"
expect_rc "test-rules: the shipped rules pass their examples" 0

# ---- explain -----------------------------------------------------------------------

printf 'date 2020-01-01 North Korea attacked the company.\nThe FBI charged North Korea.\n' > "$T/explain.txt"
run "$AG" explain -r "$RULES" "$T/explain.txt"
expect_rc "explain: exits 0" 0
expect_has "explain: actors with byte offsets" "$OUT" 'north-korea=[North Korea]@16-27'
expect_has "explain: a slot with no actor is a near miss" "$OUT" 'near miss: a slot holds no known actor'
expect_has "explain: a type limit is a near miss" "$OUT" 'near miss: an actor of the wrong type for its slot'
expect_lacks "explain: writes no graph" "$OUT" '<graphml'

# ---- layered rule sets ---------------------------------------------------------------

mkdir -p "$T/layer"
cat > "$T/layer/mine.yaml" <<'YAML'
actors:
  - id: lazarus-group
    name: Lazarus (APT)
    type: group
    aliases: [Lazarus]
  - id: my-sony
    name: Sony Group
    type: company
    aliases: [Sony Pictures]
YAML
run "$AG" check -r "$RULES" -r "$T/layer/mine.yaml"
expect_rc "layers: check exits 0" 0
expect_has "layers: check lists an actor override" "$OUT" "mine.yaml:2:5: actor 'lazarus-group' replaces an earlier definition"
expect_has "layers: check lists an alias override" "$OUT" "alias 'Sony Pictures' now names 'my-sony' instead of 'sony-pictures'"
printf 'Lazarus attacked Sony Pictures.\n' > "$T/layer.txt"
run "$AG" extract -q -r "$RULES" -r "$T/layer/mine.yaml" "$T/layer.txt"
expect_has "layers: the later name wins" "$OUT" '<data key="v_label">Lazarus (APT)</data>'
expect_has "layers: the later alias wins" "$OUT" 'target="my-sony"'
cat > "$T/layer/dup.yaml" <<'YAML'
actors:
  - {id: x, name: X One, type: group}
  - {id: x, name: X Two, type: group}
YAML
run "$AG" check -r "$RULES" -r "$T/layer/dup.yaml"
expect_rc "layers: a duplicate inside one set is still an error" 1

# ---- provenance (.jsonl) ---------------------------------------------------------

printf 'date 2016-03-10 The FBI said North Korean hackers stole $81 million from Bangladesh Bank.\n' > "$T/prov.txt"
run "$AG" extract -q -r "$RULES" -o "$T/prov.jsonl" -o "$T/prov.graphml" "$T/prov.txt"
expect_rc "jsonl: exits 0" 0
grep -v '^{"record":"article"' "$T/prov.jsonl" > "$T/prov-assertions.jsonl"
expect_lines "jsonl: one line per assertion (stole-from, blamed-by)" "$T/prov-assertions.jsonl" 2
expect_first_line "jsonl: the article's record comes first (for merge)" "$T/prov.jsonl" '^\{"record":"article","article":"prov.txt","date":"2016-03-10","counts":\[1,3,2,0,0\]'
expect_has "jsonl: the article record lists the names mentioned" "$T/prov.jsonl" '"mentions":[["fbi","The FBI"],["north-korea","North Korean"],["bangladesh-bank","Bangladesh Bank"]]'

expect_has "jsonl: article and date" "$T/prov.jsonl" '{"article":"prov.txt","date":"2016-03-10","sentence":1,'
expect_has "jsonl: the rule that fired" "$T/prov.jsonl" '"rule":"'
expect_has "jsonl: matched text" "$T/prov.jsonl" '"matched":"North Korean hackers stole $81 million from Bangladesh Bank"'
expect_has "jsonl: amount" "$T/prov.jsonl" '"amount":81000000,"currency":"USD"'
expect_has "jsonl: attribution" "$T/prov.jsonl" '"attributed_by":"fbi"'
expect_has "graphml: the role is kept" "$T/prov.graphml" '<data key="e_source_role">hackers</data>'
run "$AG" extract -q -r "$RULES" --format jsonl "$T/prov.txt"
expect_has "--format jsonl to stdout" "$OUT" '"relation":"stole-from"'

# a single .jsonl output is written while reading (it holds every article:
# held in memory it grew with the corpus): the same bytes as when it is held,
# over several of the 1 MB pieces it is written in, to a file or stdout
mkdir -p "$T/stream"
for i in $(seq 1 3000); do
  printf 'date 2016-03-10\nurl https://news.example/%s\n\nThe FBI said North Korean hackers stole $%s million from Bangladesh Bank.\n\f\n' "$i" "$i"
done > "$T/stream/wire.txt"
run "$AG" extract -q -r "$RULES" -o "$T/stream/one.jsonl" "$T/stream/wire.txt"
expect_rc "jsonl streamed: exits 0" 0
run "$AG" extract -q -r "$RULES" -o "$T/stream/held.jsonl" -o "$T/stream/held2.jsonl" "$T/stream/wire.txt"
expect_rc "jsonl held (two outputs): exits 0" 0
[ "$(wc -c < "$T/stream/one.jsonl")" -gt 2000000 ] && ok || bad "jsonl streamed: over two pieces" "> 2 MB" "$(wc -c < "$T/stream/one.jsonl")"
expect_same "jsonl: streamed and held are the same bytes" "$T/stream/one.jsonl" "$T/stream/held.jsonl"
"$AG" extract -q -r "$RULES" --format jsonl "$T/stream/wire.txt" > "$T/stream/stdout.jsonl"
expect_same "jsonl: streamed to stdout, the same bytes" "$T/stream/one.jsonl" "$T/stream/stdout.jsonl"
"$AG" merge -q -r "$RULES" -o "$T/stream/merged.jsonl" "$T/stream/one.jsonl"
expect_same "jsonl: merge streams it back, the same bytes" "$T/stream/one.jsonl" "$T/stream/merged.jsonl"
# a failed run leaves the old output and no temporary file
cp "$T/stream/one.jsonl" "$T/stream/keep.jsonl"
head -c 1500000 /dev/zero | tr '\0' 'x' >> "$T/stream/wire.txt"
run "$AG" extract -q -r "$RULES" --max-article-mb 1 -o "$T/stream/keep.jsonl" "$T/stream/wire.txt"
expect_rc "jsonl streamed: an article over the limit at the end: exit 1" 1
expect_same "... the old .jsonl is untouched" "$T/stream/one.jsonl" "$T/stream/keep.jsonl"
left=$(ls "$T/stream" | grep -c '\.tmp\.' || true)
expect_eq "... and no temporary file is left" 0 "$left"
TMPDIR="$T/no-such-dir" run "$AG" extract -q -r "$RULES" --format jsonl "$T/prov.txt"
expect_rc "jsonl to stdout with no room for its temporary file: exit 1" 1
expect_has "... the message says where it looked" "$ERR" 'cannot make a temporary file in $TMPDIR or /tmp'
run "$AG" extract -q -r "$RULES" -o "$T/no-such-dir/p.jsonl" "$T/prov.txt"
expect_rc "jsonl into a missing directory: exit 1, before reading" 1
expect_has "... the message names it" "$ERR" "no-such-dir/p.jsonl"

# the default dictionary carries CAMEO codes for states and international bodies
printf 'NATO condemned Israel and Serbia on Monday.\n' > "$T/codes.txt"
run "$AG" extract -q -r "$RULES" "$T/codes.txt"
v=$(node_block "$OUT" nato | data_of v_code)
expect_eq "default rules: NATO carries its CAMEO code" IGOWSTNAT "$v"
v=$(node_block "$OUT" israel | data_of v_code)
expect_eq "default rules: Israel carries its CAMEO code" ISR "$v"
v=$(node_block "$OUT" serbia | data_of v_code)
expect_eq "default rules: Serbia carries its CAMEO code" SRB "$v"

printf 'Britain blamed North Korea for the attack on the NHS.\n' > "$T/blame.txt"
run "$AG" extract -q -r "$RULES" --format jsonl "$T/blame.txt"
expect_has "jsonl: A blamed B for the attack on C is attributed to A" "$OUT" '"relation":"attacked","target":"nhs"'
expect_has "jsonl: ... attributed_by A" "$OUT" '"attributed_by":"united-kingdom"'

# ---- check warnings -----------------------------------------------------------------

printf 'classes:\n  X: [a, "d?"]\nrelations:\n  - {name: r, patterns: ["{source} hit {target}"]}\n  - {name: s, patterns: ["{source} hit {target}"]}\n' > "$T/warn.yaml"
run "$AG" check -r "$T/warn.yaml"
expect_rc "check warnings: still exit 0" 0
expect_has "check warns about a repeated pattern" "$ERR" "warn.yaml:5:27: pattern of 's' repeats the one of 'r'"
expect_has "check warns about an entry that matches nothing" "$ERR" "entry 'd?' of class 'X' can match no words at all"
run "$AG" check -r "$RULES"
expect_empty "the shipped rules give no warning" "$ERR"

# ---- analytics, filters, stats --------------------------------------------------

# Six actors in two components: alpha, bravo, charlie, delta around one
# another; echo and foxtrot apart.  Four articles: 2015, 2016, 2017, undated.
mkdir -p "$T/an/docs"
cat > "$T/an/rules.yaml" <<'YAML'
actors:
  - {id: alpha, name: Alpha, type: state}
  - {id: bravo, name: Bravo, type: group, aliases: [B-Team]}
  - {id: charlie, name: Charlie, type: company}
  - {id: delta, name: Delta, type: bank}
  - {id: echo, name: Echo, type: group}
  - {id: foxtrot, name: Foxtrot, type: company}
relations:
  - {name: hit, patterns: ["{source} hit {target}"]}
  - {name: paid, patterns: ["{source} paid {target}"]}
YAML
printf 'date 2015-01-01\nAlpha hit Bravo. Later Alpha hit Bravo again. Bravo hit Charlie.\n' > "$T/an/docs/a1.txt"
printf 'date 2016-06-01\nCharlie hit Delta. Alpha paid Delta.\n' > "$T/an/docs/a2.txt"
printf 'date 2017-01-01\nEcho hit Foxtrot.\n' > "$T/an/docs/a3.txt"
printf 'Bravo paid Alpha.\n' > "$T/an/docs/a4.txt"
AN="-q -r $T/an/rules.yaml"
g=$T/an/g.graphml
run "$AG" extract $AN -o "$g" "$T/an/docs"
expect_rc "analytics: extract" 0
ids() { grep -o '<node id="[^"]*"' "$1" | sed 's/<node id="//; s/"$//' | tr '\n' ' '; }
expect_eq "analytics: all six actors" "alpha bravo charlie delta echo foxtrot " "$(ids "$g")"
for k in in_degree out_degree degree pagerank betweenness community; do
  key_declared "$g" node "$k"
done
v=$(node_block "$g" alpha | data_of v_in_degree); expect_eq "alpha in_degree" 1 "$v"
v=$(node_block "$g" alpha | data_of v_out_degree); expect_eq "alpha out_degree (hit, paid)" 2 "$v"
v=$(node_block "$g" alpha | data_of v_degree); expect_eq "alpha degree" 3 "$v"
v=$(node_block "$g" foxtrot | data_of v_betweenness); expect_eq "foxtrot betweenness" 0 "$v"
v=$(node_block "$g" bravo | data_of v_betweenness)
case $v in 0 | '') bad "bravo lies between alpha and charlie" "> 0" "$v" ;; *) ok ;; esac
# PageRank sums to 1 over the graph
sum=$(sed -n 's|.*<data key="v_pagerank">\(.*\)</data>.*|\1|p' "$g" | awk '{s += $1} END {printf "%.6f", s}')
expect_eq "pagerank sums to 1" 1.000000 "$sum"
# the actor with the highest PageRank has the largest size, 50
top=$(for n in alpha bravo charlie delta echo foxtrot; do
  printf '%s %s\n' "$(node_block "$g" $n | data_of v_pagerank)" $n; done | sort -g | tail -n 1 | cut -d' ' -f2)
v=$(node_block "$g" "$top" | data_of v_size); expect_eq "size 50 for the top PageRank ($top)" 50 "$v"
ce=$(node_block "$g" echo | data_of v_community); cf=$(node_block "$g" foxtrot | data_of v_community)
ca=$(node_block "$g" alpha | data_of v_community)
expect_eq "echo and foxtrot share a community" "$ce" "$cf"
if [ "$ce" != "$ca" ]; then ok; else bad "alpha's community differs from echo's" "!= $ce" "$ca"; fi
# communities are numbered by size: the four-actor one is 0
expect_eq "the largest community is 0" 0 "$ca"
run "$AG" extract $AN -o "$T/an/g2.graphml" "$T/an/docs"
expect_same "analytics: byte-identical on a second run" "$g" "$T/an/g2.graphml"

run "$AG" extract $AN --relation paid "$T/an/docs"
expect_eq "--relation paid: the actors of paid edges" "alpha bravo delta " "$(ids "$OUT")"
expect_lacks "--relation paid: no hit edge" "$OUT" 'label="hit"'
run "$AG" extract $AN --relation hit --relation paid "$T/an/docs"
expect_eq "--relation twice: both" "alpha bravo charlie delta echo foxtrot " "$(ids "$OUT")"
run "$AG" extract $AN --relation hit,nope "$T/an/docs"
expect_rc "--relation nope: usage error" 2
expect_has "--relation nope: says which" "$ERR" "no relation 'nope'"
run "$AG" extract $AN --min-weight 2 "$T/an/docs"
expect_eq "--min-weight 2: only alpha hit bravo twice" "alpha bravo " "$(ids "$OUT")"
expect_edge "--min-weight 2: that edge" "$OUT" alpha hit bravo
run "$AG" extract $AN --min-weight 2 --keep-isolated "$T/an/docs"
expect_eq "--min-weight with --keep-isolated keeps the actors" "alpha bravo charlie delta echo foxtrot " "$(ids "$OUT")"
run "$AG" extract $AN --min-weight x "$T/an/docs"
expect_rc "--min-weight x: usage error" 2
run "$AG" extract $AN --focus Bravo "$T/an/docs"
expect_eq "--focus Bravo: bravo and its neighbours" "alpha bravo charlie " "$(ids "$OUT")"
run "$AG" extract $AN --focus b-team "$T/an/docs"
expect_eq "--focus by an alias, any case" "alpha bravo charlie " "$(ids "$OUT")"
run "$AG" extract $AN --focus bravo --depth 2 "$T/an/docs"
expect_eq "--focus bravo --depth 2" "alpha bravo charlie delta " "$(ids "$OUT")"
run "$AG" extract $AN --focus foxtrot --depth 0 "$T/an/docs"
expect_eq "--depth 0 means 1" "echo foxtrot " "$(ids "$OUT")"
cp "$g" "$T/an/keep.graphml"
run "$AG" extract $AN --focus Nobody -o "$T/an/keep.graphml" "$T/an/docs"
expect_rc "--focus Nobody: error" 1
expect_has "--focus Nobody: says so" "$ERR" "no actor 'Nobody' in the graph"
expect_same "--focus Nobody: the old output is untouched" "$g" "$T/an/keep.graphml"
run "$AG" extract $AN --depth 2 "$T/an/docs"
expect_rc "--depth without --focus: usage error" 2
run "$AG" extract $AN --largest-component "$T/an/docs"
expect_eq "--largest-component" "alpha bravo charlie delta " "$(ids "$OUT")"
run "$AG" extract $AN --since 2016 "$T/an/docs"
expect_eq "--since 2016: later articles only, undated skipped" "alpha charlie delta echo foxtrot " "$(ids "$OUT")"
expect_no_edge "--since 2016: not the undated bravo paid alpha" "$OUT" bravo paid alpha
run "$AG" extract $AN --until 2015-12 "$T/an/docs"
expect_eq "--until 2015-12" "alpha bravo charlie " "$(ids "$OUT")"
run "$AG" extract $AN --since 2016-06-01 --until 2016-06-01 "$T/an/docs"
expect_eq "--since = --until = the day" "alpha charlie delta " "$(ids "$OUT")"
run "$AG" extract -r "$T/an/rules.yaml" --since 2016 "$T/an/docs"
expect_has "summary counts the skipped articles" "$ERR" "2 articles outside --since/--until skipped"
for d in 2016-13 2016-1 16 2016-02-32; do
  run "$AG" extract $AN --since "$d" "$T/an/docs"
  expect_rc "--since $d: usage error" 2
done
run "$AG" extract $AN --since 2017 --until 2016 "$T/an/docs"
expect_rc "--since after --until: usage error" 2

run "$AG" stats -r "$T/an/rules.yaml" --top 3 "$T/an/docs"
expect_rc "stats: exit 0" 0
expect_line "stats: articles read" "$OUT" '^articles read +4$'
expect_line "stats: assertions" "$OUT" '^assertions +7$'
expect_line "stats: graph" "$OUT" '^graph +6 actors, 6 edges$'
expect_line "stats: top actors heading" "$OUT" '^top 3 actors by PageRank'
expect_line "stats: rank 1 is $top" "$OUT" "^ +1 .*\\($top, "
expect_line "stats: relation hit" "$OUT" '^  hit +4 +5$'
expect_line "stats: relation paid" "$OUT" '^  paid +2 +2$'
run "$AG" stats -r "$T/an/rules.yaml" --json --since 2016 "$T/an/docs"
expect_has "stats --json: articles_read" "$OUT" '"articles_read": 4'
expect_has "stats --json: outside dates" "$OUT" '"articles_outside_dates": 2'
expect_has "stats --json: relation counts" "$OUT" '{"relation": "hit", "edges": 2, "mentions": 2}'
if command -v python3 >/dev/null 2>&1; then
  if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["top_actors"]) == 5' "$OUT"; then ok; else
    bad "stats --json is valid JSON with 5 top actors" "valid" "$(show_file "$OUT")"
  fi
fi
run "$AG" stats -r "$T/an/rules.yaml" -o x.graphml "$T/an/docs"
expect_rc "stats -o: usage error" 2
run "$AG" stats -r "$T/an/rules.yaml" --top -1 "$T/an/docs"
expect_rc "stats --top -1: usage error" 2

# a large graph: betweenness is estimated from evenly spaced pivots; on a
# chain a0 -> a1 -> ... -> a9999 the exact value of a_i is i * (9999 - i)
mkdir -p "$T/big"
{ echo "actors:"; i=0; while [ $i -lt 10000 ]; do echo "  - {id: a$i, name: Zq$i, type: group}"; i=$((i + 1)); done
  echo "relations:"; echo '  - {name: hit, patterns: ["{source} hit {target}"]}'; } > "$T/big/rules.yaml"
i=0; while [ $i -lt 9999 ]; do echo "Zq$i hit Zq$((i + 1))."; i=$((i + 1)); done > "$T/big/a.txt"
run "$AG" extract -q -r "$T/big/rules.yaml" -o "$T/big/g.graphml" "$T/big/a.txt"
expect_rc "10,000 actors: exit 0" 0
v=$(node_block "$T/big/g.graphml" a5000 | data_of v_betweenness)
if awk -v v="$v" 'BEGIN { e = 5000 * 4999; exit !(v > 0.9 * e && v < 1.1 * e) }'; then ok; else
  bad "betweenness of the middle of a 10,000 chain, estimated" "within 10% of 24995000" "$v"
fi
v=$(node_block "$T/big/g.graphml" a0 | data_of v_betweenness)
expect_eq "betweenness of the chain's start" 0 "$v"

# progress and verbose
run "$AG" extract -r "$T/an/rules.yaml" --progress -o "$T/an/p.graphml" "$T/an/docs"
expect_has "--progress: articles done of total" "$ERR" "4/4 articles"
expect_has "--progress: speed" "$ERR" "MB/s"
run "$AG" extract -r "$T/an/rules.yaml" -q --progress -o "$T/an/p.graphml" "$T/an/docs"
expect_empty "--quiet silences --progress" "$ERR"
run "$AG" extract -r "$T/an/rules.yaml" -o "$T/an/p.graphml" "$T/an/docs"
expect_lacks "no progress when stderr is not a terminal" "$ERR" "MB/s"
run "$AG" extract -r "$T/an/rules.yaml" -v --since 2016 -o "$T/an/p.graphml" "$T/an/docs"
expect_has "--verbose: a line per article" "$ERR" "a2.txt: 2 sentences, 4 mentions, 2 assertions"
expect_has "--verbose: skipped articles" "$ERR" "a1.txt: outside --since/--until, skipped"

# regression: writing provenance (.jsonl) must not change the graph.  An
# unknown actor named before any relation binds it is tracked from the
# article that relates it, with or without a .jsonl output.
mkdir -p "$T/prov2"
printf 'date 2020-01-01\nZeta Holdings said nothing at all.\n' > "$T/prov2/a1.txt"
printf 'date 2020-01-15\nZeta Holdings said nothing again.\n' > "$T/prov2/a2.txt"
printf 'date 2020-02-01\nAlpha hit Zeta Holdings.\n' > "$T/prov2/a3.txt"
run "$AG" extract $AN -o "$T/prov2/plain.graphml" "$T/prov2"
run "$AG" extract $AN -o "$T/prov2/with.graphml" -o "$T/prov2/with.jsonl" "$T/prov2"
expect_same "a .jsonl output does not change the graph" "$T/prov2/plain.graphml" "$T/prov2/with.graphml"
v=$(node_block "$T/prov2/plain.graphml" zeta-holdings | data_of v_mentions)
expect_eq "the unknown actor counts mentions from the article that relates it" 1 "$v"

# ---- record files, JSON lines, gzip -------------------------------------------------

mkdir -p "$T/in/dir"
printf 'date 2023-01-05\nurl https://news.example/one\nsource https://news.example/feed\n\nAlpha hit Bravo\n\nAlpha hit Bravo in the north.\n\f\ndate 2023-02-07\nsource https://news.example/feed\n\nCharlie hit Delta.\n\f\n\n\f\nEcho hit Foxtrot.\n' > "$T/in/records.txt"
run "$AG" extract $AN "$T/in/records.txt"
expect_rc "records: exit 0" 0
expect_edge "records: first record" "$OUT" alpha hit bravo
expect_edge_data "records: the url is the article id" "$OUT" alpha hit bravo e_sources "https://news.example/one"
expect_edge_data "records: dated by the date header" "$OUT" alpha hit bravo e_first_seen 2023-01-05
expect_edge_data "records: both mentions in one record" "$OUT" alpha hit bravo e_mentions 2
expect_edge_data "records: no url: FILE#N" "$OUT" charlie hit delta e_sources "records.txt#2"
expect_edge_data "records: second date" "$OUT" charlie hit delta e_first_seen 2023-02-07
expect_edge_data "records: a record with no headers" "$OUT" echo hit foxtrot e_sources "records.txt#3"
run "$AG" extract -r "$T/an/rules.yaml" -o "$T/in/r.graphml" "$T/in/records.txt"
expect_has "records: each record is an article, empty ones skipped" "$ERR" "actorgraph: 3 articles,"
gzip -c "$T/in/records.txt" > "$T/in/records.txt.gz"
run "$AG" extract $AN -o "$T/in/gz.graphml" "$T/in/records.txt.gz"
expect_same "gzip: the same graph as the plain file" "$T/in/r.graphml" "$T/in/gz.graphml"
printf 'date 2016-06-01\nCharlie hit Delta.\n' | gzip -c > "$T/in/dir/a.txt.gz"
cat > "$T/in/dir/b.jsonl" <<'JSON'
{"id": "art-1", "date": "2015-03-04T10:00:00Z", "title": "ignored", "tags": ["x", {"y": [1, 2]}], "n": 3.5, "ok": true, "text": "Alpha hit Bravo. The caf\u00e9 said nothing.\nBravo paid Alpha."}

{"date": "2015-03-05", "text": "Echo hit Foxtrot, a \"rival\" firm."}
JSON
gzip -c "$T/in/dir/b.jsonl" > "$T/in/dir/c.jsonl.gz"
printf 'Alpha paid Delta.\n' > "$T/in/dir/skip.md"
run "$AG" extract $AN "$T/in/dir"
expect_rc "dir with .txt.gz and .jsonl: exit 0" 0
expect_edge "a .txt.gz in a directory is read" "$OUT" charlie hit delta
expect_edge_data "a .txt.gz article keeps its name without .gz" "$OUT" charlie hit delta e_sources "a.txt"
expect_edge_data "jsonl: id (both files hold the same one)" "$OUT" alpha hit bravo e_sources "art-1 | art-1"
expect_edge_data "jsonl: date from an ISO timestamp" "$OUT" alpha hit bravo e_first_seen 2015-03-04
expect_edge "jsonl: an escaped newline separates sentences" "$OUT" bravo paid alpha
expect_edge_data "jsonl: no id: FILE#LINE (blank lines counted)" "$OUT" echo hit foxtrot e_sources "b.jsonl#3 | c.jsonl#3"
expect_no_edge "other extensions are not read from a directory" "$OUT" alpha paid delta
run_in "$T/in/dir/b.jsonl" "$AG" extract $AN -
expect_edge "jsonl on stdin, known by its first character" "$OUT" alpha hit bravo
printf '{"id": "x", "text": "Alpha hit Bravo."}\n{"id": "y", "text": "unterminated}\n' > "$T/in/bad.jsonl"
run "$AG" extract $AN "$T/in/bad.jsonl"
expect_rc "jsonl: a bad line: exit 1" 1
expect_has "jsonl: the error names file, line and column" "$ERR" "bad.jsonl:2:"
expect_has "jsonl: and says what is wrong" "$ERR" "unterminated string"
printf 'not gzip at all' > "$T/in/fake.txt.gz"
run "$AG" extract $AN "$T/in/fake.txt.gz"
expect_rc "a .gz that is not gzip is read as it is" 0

run "$AG" check -r "$T/an/rules.yaml" --list-aliases
expect_eq "check --list-aliases: every alias once, sorted" "Alpha B-Team Bravo Charlie Delta Echo Foxtrot " "$(tr '\n' ' ' < "$OUT")"

# ---- encodings, binary files, the article size limit ---------------------------

mkdir -p "$T/enc"
# "Alpha hit Bravo." in UTF-16, little and big endian, with a byte order mark
printf '\377\376A\000l\000p\000h\000a\000 \000h\000i\000t\000 \000B\000r\000a\000v\000o\000.\000' > "$T/enc/le.txt"
printf '\376\377\000A\000l\000p\000h\000a\000 \000h\000i\000t\000 \000B\000r\000a\000v\000o\000.' > "$T/enc/be.txt"
for f in le be; do
  run "$AG" extract $AN "$T/enc/$f.txt"
  expect_edge "UTF-16 ($f) with a byte order mark is transcoded" "$OUT" alpha hit bravo
done
printf '\357\273\277date 2021-02-03\nAlpha hit Bravo.\n' > "$T/enc/bom8.txt"
run "$AG" extract $AN "$T/enc/bom8.txt"
expect_edge_data "a UTF-8 byte order mark before the date marker" "$OUT" alpha hit bravo e_first_seen 2021-02-03
printf '\177ELF\002\001\001\000\000\000\000\000Alpha hit Bravo.' > "$T/enc/prog.txt"
printf 'Charlie hit Delta.\n' > "$T/enc/text.txt"
run "$AG" extract -r "$T/an/rules.yaml" -o "$T/enc/g.graphml" "$T/enc/prog.txt" "$T/enc/text.txt"
expect_rc "a binary file among articles: exit 0" 0
expect_has "a binary file is skipped with a warning naming it" "$ERR" "prog.txt: warning: not text (NUL bytes), skipped"
expect_has "the summary counts it" "$ERR" "1 files skipped: not text"
expect_edge "the other articles are read" "$T/enc/g.graphml" charlie hit delta
expect_no_edge "nothing is read from the binary file" "$T/enc/g.graphml" alpha hit bravo
: > "$T/enc/empty.txt"
run "$AG" extract $AN "$T/enc/empty.txt"
expect_rc "an empty file: exit 0" 0
head -c 1500000 /dev/zero | tr '\0' 'x' > "$T/enc/long.txt"
cp "$g" "$T/enc/keep.graphml"
run "$AG" extract $AN --max-article-mb 1 -o "$T/enc/keep.graphml" "$T/enc/long.txt"
expect_rc "an article over --max-article-mb: exit 1" 1
expect_has "the message names the limit" "$ERR" "longer than the limit of 1 MB (--max-article-mb)"
expect_same "the old output is untouched" "$g" "$T/enc/keep.graphml"
# the same error with batches of articles in flight on several threads: the
# run stops cleanly (no hang; the sanitizer run sees no leak)
mkdir -p "$T/enc/many"
for i in $(seq 100 299); do echo "Alpha hit Bravo in report $i." > "$T/enc/many/a$i.txt"; done
cp "$T/enc/long.txt" "$T/enc/many/a200-long.txt"
for j in 2 4; do
  run "$AG" extract $AN -j$j --max-article-mb 1 -o "$T/enc/keep.graphml" "$T/enc/many"
  expect_rc "-j$j: an article over the limit among 200, in flight: exit 1" 1
  expect_has "-j$j: ... the message names the limit" "$ERR" "longer than the limit of 1 MB (--max-article-mb)"
done
expect_same "... the old output is untouched" "$g" "$T/enc/keep.graphml"
# a 200 MB article with no newline: refused at the default limit, quickly,
# without reading it all
head -c 200000000 /dev/zero | tr '\0' 'x' > "$T/enc/huge.txt"
run "$AG" extract $AN "$T/enc/huge.txt"
expect_rc "a 200 MB article with no newline: exit 1" 1
expect_has "... refused at the default limit, named" "$ERR" "longer than the limit of 64 MB (--max-article-mb)"
rm -f "$T/enc/huge.txt"
run "$AG" extract $AN --max-article-mb 0 "$T/enc/text.txt"
expect_rc "--max-article-mb 0: usage error" 2

# a run of 260 words with no sentence end: cut at 250 tokens by default,
# which splits "Alpha hit Bravo" here; --max-sentence-tokens 400 keeps it whole
awk 'BEGIN { for (i = 0; i < 248; i++) printf "w%d ", i; print "Alpha hit Bravo and then some more words here" }' > "$T/runon.txt"
run "$AG" extract $AN "$T/runon.txt"
expect_no_edge "a 260-token run is cut at 250 tokens" "$OUT" alpha hit bravo
run "$AG" extract $AN --max-sentence-tokens 400 "$T/runon.txt"
expect_edge "--max-sentence-tokens 400 keeps it whole" "$OUT" alpha hit bravo
run "$AG" extract $AN --max-sentence-tokens 5 "$T/runon.txt"
expect_rc "--max-sentence-tokens 5: usage error" 2

# ---- outputs that are not regular files ------------------------------------------

if [ -w /dev/full ]; then
  RC=0
  timeout 60 "$AG" extract -q -r "$T/an/rules.yaml" -o - "$T/an/docs" >/dev/full 2>"$ERR" </dev/null || RC=$?
  expect_rc "extract -o - into /dev/full: exit 1" 1
  expect_has "... with a message" "$ERR" "cannot write"
  RC=0
  timeout 60 "$AG" extract -q -r "$T/an/rules.yaml" --format dot -o /dev/full "$T/an/docs" 2>"$ERR" </dev/null || RC=$?
  expect_rc "extract -o /dev/full: exit 1" 1
fi
if command -v mkfifo >/dev/null 2>&1 && mkfifo "$T/fifo"; then
  cat "$T/fifo" > "$T/fifo.out" &
  reader=$!
  run "$AG" extract -q -r "$T/an/rules.yaml" --format graphml -o "$T/fifo" "$T/an/docs"
  wait $reader
  expect_rc "extract -o FIFO: exit 0" 0
  if [ -p "$T/fifo" ]; then ok; else bad "the FIFO is still a FIFO (not replaced by a rename)" "a FIFO" "$(ls -l "$T/fifo")"; fi
  expect_graphml "what came through the FIFO is the whole GraphML" "$T/fifo.out"
fi
mkdir -p "$T/ro"
chmod 555 "$T/ro"
run "$AG" extract -q -r "$T/an/rules.yaml" -o "$T/ro/g.graphml" "$T/an/docs"
if [ "$(id -u)" != 0 ]; then
  expect_rc "an unwritable directory: exit 1" 1
  expect_has "... says so" "$ERR" "ro/g.graphml: cannot create"
fi
chmod 755 "$T/ro"
run "$AG" extract -q -r "$T/an/rules.yaml" -o "$T/nodir/sub/g.graphml" "$T/an/docs"
expect_rc "a missing directory: exit 1" 1
expect_has "... says so" "$ERR" "nodir/sub/g.graphml: cannot create: No such file or directory"

# ---- outputs bigger than the writer's buffer ------------------------------------

# 40,000 records of one edge: its sources list every URL, some 1.5 MB of
# GraphML, written in 1 MB pieces as it is rendered
awk 'BEGIN { for (i = 0; i < 40000; i++)
  printf "date 2023-01-01\nurl https://example.org/news/%06d\n\nAlpha hit Bravo.\n\f\n", i }' > "$T/many-records.txt"
run "$AG" extract $AN -o "$T/big.graphml" "$T/many-records.txt"
expect_rc "a 1.5 MB GraphML: exit 0" 0
expect_graphml "... whole" "$T/big.graphml"
expect_wellformed "... well-formed" "$T/big.graphml"
expect_eq "... every one of the 40,000 sources, once" 40000 "$(grep -o 'example.org/news/[0-9]*' "$T/big.graphml" | sort -u | wc -l)"
"$AG" extract $AN --format graphml -o - "$T/many-records.txt" > "$T/big-stdout.graphml" 2>"$ERR"
expect_same "... the same bytes through stdout" "$T/big.graphml" "$T/big-stdout.graphml"
run "$AG" extract $AN -o "$T/big.dot" -o "$T/big.gexf" -o "$T/big.json" "$T/many-records.txt"
expect_rc "... as DOT, GEXF and JSON too: exit 0" 0
expect_eq "... the DOT ends with its closing brace" "}" "$(tail -n 1 "$T/big.dot")"
expect_eq "... the GEXF ends with its closing tag" "</gexf>" "$(tail -n 1 "$T/big.gexf")"
expect_wellformed "... the GEXF is well-formed" "$T/big.gexf"
if command -v python3 >/dev/null 2>&1; then
  if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); e=d["links"][0]; assert len(e["sources"].split(" | ")) == 40000' "$T/big.json"; then ok; else
    bad "... the JSON loads, its edge lists all 40,000 sources" "python json.load" "$(head -c 300 "$T/big.json")"; fi
fi
run "$AG" extract $AN -o "$T/big.csv" "$T/many-records.txt"
expect_eq "... and as a CSV pair (edges file, 40,000 sources)" 40000 "$(grep -o 'example.org/news/[0-9]*' "$T/big-edges.csv" | wc -l)"
expect_lines "... (nodes file)" "$T/big-nodes.csv" 3
# a write that fails half-way (the file size limit, 600 KB): an error, the
# old output untouched, no temporary file left
printf 'old output\n' > "$T/limited.graphml"
RC=0
(ulimit -f 600; trap '' XFSZ; exec "$AG" extract $AN -o "$T/limited.graphml" "$T/many-records.txt") >/dev/null 2>"$ERR" || RC=$?
expect_rc "a write that fails half-way: exit 1" 1
expect_has "... says so" "$ERR" "limited.graphml: cannot write"
expect_eq "... the old output is untouched" "old output" "$(cat "$T/limited.graphml")"
expect_eq "... no temporary file is left" "" "$(ls "$T" | grep 'limited.graphml.tmp' || true)"
rm -f "$T/many-records.txt" "$T/big.graphml" "$T/big-stdout.graphml" "$T/big-edges.csv" "$T/big-nodes.csv" \
  "$T/big.dot" "$T/big.gexf" "$T/big.json"

# ---- hostile rules ------------------------------------------------------------

awk 'BEGIN { printf "classes:\n  X: "; for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "" }' > "$T/deep.yaml"
run "$AG" check -r "$T/deep.yaml"
expect_rc "rules nested 100,000 deep: an error, at once" 1
expect_has "the message names the limit" "$ERR" "deep.yaml:2:70: collections nested deeper than 64 levels (--max-yaml-depth)"
awk 'BEGIN { printf "classes:\n  X: "; for (i = 0; i < 100; i++) printf "["; for (i = 0; i < 100; i++) printf "]"; print "" }' > "$T/deep100.yaml"
run "$AG" check -r "$T/deep100.yaml" --max-yaml-depth 200
expect_has "--max-yaml-depth 200 lets 100 levels through (to the rules' own check)" "$ERR" "deep100.yaml:2:7: a class entry must be a string"
run "$AG" check -r "$T/deep100.yaml" --max-yaml-depth 1
expect_rc "--max-yaml-depth 1: usage error" 2
{ echo "classes:"; echo '  A: &a ["x","x","x","x","x","x","x","x","x","x"]'
  prev=a; for l in b c d e f g h; do printf '  %s: &%s [' "$(echo $l | tr a-z A-Z)" $l
    k=0; while [ $k -lt 10 ]; do printf '*%s%s' $prev "$([ $k -lt 9 ] && echo ,)"; k=$((k + 1)); done; echo "]"; prev=$l; done; } > "$T/bomb.yaml"
run "$AG" check -r "$T/bomb.yaml"
expect_rc "a billion-laughs alias bomb: an error, not an expansion" 1
expect_has "the bomb is refused where an alias stands for a list" "$ERR" "bomb.yaml:2:6: a class entry must be a string"
{ echo "actors:"; echo "  - id: many"; echo "    name: Many"; echo "    type: group"; echo "    aliases:"
  awk 'BEGIN { for (i = 0; i < 100000; i++) printf "      - Alias%d Corp\n", i }'
  echo "relations:"; echo '  - {name: hit, patterns: ["{source} hit {target}"]}'; } > "$T/many.yaml"
printf 'Alias99999 Corp hit Alias5 Corp.\n' > "$T/many.txt"
run "$AG" extract -q -r "$T/many.yaml" --keep-isolated "$T/many.txt"
expect_rc "an actor with 100,000 aliases loads" 0
expect_has "... and its aliases are found" "$OUT" '<data key="v_mentions">2</data>'
run "$AG" check -r "$T/many.yaml" --max-aliases 1000
expect_rc "--max-aliases 1000: the 100,000-alias actor is an error" 1
expect_has "... naming the actor, the limit and where" "$ERR" "many.yaml:1006:9: actor 'many' has more than 1000 aliases (--max-aliases)"

# ---- summary --------------------------------------------------------------------

echo "cli: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
