#!/usr/bin/env bash
# GEXF and CSV exports, checked against the GraphML of the same run.
#
#   tests/formats_test.sh PATH/TO/actorgraph PATH/TO/rules PATH/TO/examples
#
# Runs on the bundled examples and on a small hostile fixture written below
# (an actor whose name holds < & " ' \ , and an alias full of commas and
# quotes).  Needs bash, coreutils and python3 (its csv and xml modules);
# without python3 the test is skipped (exit 77).  xmllint, networkx 3 (2.x
# cannot read GEXF 1.3) and pandas are optional: without them only their
# checks are skipped, with a line saying so.
# The GraphML writer is the reference: every value in GEXF and CSV must equal
# its GraphML counterpart, and the header columns follow the GraphML keys, so
# attributes added to the shared table are checked without editing this file.
# Prints one line per failed check, then "formats: N passed, M failed";
# exits 0 only when nothing failed.
set -u
export LC_ALL=C
unset ACTORGRAPH_RULES

if [ $# -ne 3 ]; then
  echo "usage: $0 ACTORGRAPH RULES EXAMPLES" >&2
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
EXAMPLES=$(abspath "$3")
if [ ! -x "$AG" ] || [ -d "$AG" ]; then
  echo "formats: $AG is not an executable program" >&2
  exit 2
fi
# any python3 will do; one whose networkx reads GEXF 1.3 (networkx 3) is preferred
NX_PROBE='import networkx.readwrite.gexf as g; assert "1.3" in g.GEXF.versions'
PY=
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import csv, xml.etree.ElementTree' 2>/dev/null; then
    [ -n "$PY" ] || PY=$p
    if "$p" -c "$NX_PROBE" 2>/dev/null; then PY=$p; break; fi
  fi
done
if [ -z "$PY" ]; then
  echo "skip: python3 not found: GEXF and CSV exports not checked"
  exit 77
fi
HAVE_XMLLINT=0
if command -v xmllint >/dev/null 2>&1; then HAVE_XMLLINT=1; else
  echo "skip: 'xmllint' not found: GEXF well-formedness checks skipped"
fi
if ! "$PY" -c "$NX_PROBE" 2>/dev/null; then
  echo "skip: no networkx that reads GEXF 1.3 (networkx 3): read-back through networkx skipped"
fi
PD_PY=
for p in "$PY" python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import pandas' 2>/dev/null; then PD_PY=$p; break; fi
done
[ -n "$PD_PY" ] || echo "skip: pandas not found: CSV read-back through pandas skipped"

T=$(mktemp -d "${TMPDIR:-/tmp}/actorgraph-formats.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP

OUT=$T/run.stdout
ERR=$T/run.stderr
PASS=0
FAIL=0
RC=0

show_file() {
  if [ ! -e "$1" ]; then printf '(no file %s)' "$1"; return; fi
  if [ ! -s "$1" ]; then printf '(empty)'; return; fi
  head -c 300 "$1" | tr '\n\t\r' '   ' | tr -d '\000-\037\177'
}
ok() { PASS=$((PASS + 1)); }
bad() {  # name expected got
  FAIL=$((FAIL + 1))
  printf 'FAIL %s: expected %s; got %s\n' "$1" "$2" "$3"
}
run() {  # CMD...: sets RC, fills $OUT and $ERR
  RC=0
  timeout 60 "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
}
expect_rc() {  # name status
  if [ "$RC" = "$2" ]; then ok; else
    bad "$1" "exit status $2" "exit status $RC, stderr: $(show_file "$ERR")"
  fi
}
expect_same() {  # name file-a file-b
  if cmp -s "$2" "$3"; then ok; else
    bad "$1" "identical files" "$(cmp "$2" "$3" 2>&1 | head -n 1)"
  fi
}
expect_message() {  # name: one "actorgraph: ..." line on stderr
  if grep -q '^actorgraph: .' "$ERR"; then ok; else
    bad "$1" "a message 'actorgraph: ...' on stderr" "$(show_file "$ERR")"
  fi
}
expect_files() {  # name dir expected-listing (sorted names, space-separated)
  local got
  got=$(cd "$2" && ls -A | tr '\n' ' ' | sed 's/ $//')
  if [ "$got" = "$3" ]; then ok; else bad "$1" "files '$3' in $2" "'$got'"; fi
}

# The structural comparison, in python: GraphML is the reference.
cat >"$T/check.py" <<'PY'
import csv, math, sys, xml.etree.ElementTree as ET

what, graphml, gexf, nodes_csv, edges_csv = sys.argv[1:6]
expect_labels = sys.argv[6:]  # node labels that must come through intact
fails = 0
checks = 0

def check(cond, name, detail=""):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL %s: %s%s" % (what, name, ": " + detail if detail else ""))
    return cond

# ---- GraphML, the reference ----
G = "{http://graphml.graphdrawing.org/xmlns}"
groot = ET.parse(graphml).getroot()
node_keys, edge_keys, key_type = [], [], {}
for k in groot.iter(G + "key"):
    (node_keys if k.get("for") == "node" else edge_keys).append(k.get("attr.name"))
    key_type[(k.get("for"), k.get("attr.name"))] = k.get("attr.type")
def data_of(el, prefix):
    return {d.get("key")[len(prefix):]: d.text or "" for d in el.findall(G + "data")}
gnodes = {}
gnode_order = []
for n in groot.iter(G + "node"):
    gnodes[n.get("id")] = data_of(n, "v_")
    gnode_order.append(n.get("id"))
gedges = []
for e in groot.iter(G + "edge"):
    gedges.append(dict(id=e.get("id"), source=e.get("source"), target=e.get("target"),
                       xlabel=e.get("label"), data=data_of(e, "e_")))
check(len(gnodes) > 0 and len(gedges) > 0, "GraphML has nodes and edges",
      "%d nodes, %d edges" % (len(gnodes), len(gedges)))

# ---- GEXF ----
X = "{http://gexf.net/1.3}"
V = "{http://gexf.net/1.3/viz}"
xroot = ET.parse(gexf).getroot()
check(xroot.tag == X + "gexf" and xroot.get("version") == "1.3", "GEXF 1.3 root",
      "%s version=%s" % (xroot.tag, xroot.get("version")))
graph = xroot.find(X + "graph")
check(graph is not None and graph.get("defaultedgetype") == "directed"
      and graph.get("mode") == "dynamic" and graph.get("timeformat") == "date",
      "GEXF <graph defaultedgetype=directed mode=dynamic timeformat=date>",
      str(graph.attrib if graph is not None else None))
gexf_type = {"string": "string", "int": "integer", "double": "double", "boolean": "boolean"}
declared = {}
for attrs in graph.findall(X + "attributes"):
    cls = attrs.get("class")
    declared[cls] = [(a.get("id"), a.get("title"), a.get("type")) for a in attrs.findall(X + "attribute")]
for cls, keys, native in (("node", node_keys, {"label"}), ("edge", edge_keys, {"label", "weight"})):
    want = [(k, k, gexf_type.get(key_type[(cls, k)])) for k in keys if k not in native]
    check(declared.get(cls) == want, "GEXF declares the %s attributes of the table, in order" % cls,
          "want %s, got %s" % (want, declared.get(cls)))

def attvalues(el):
    av = el.find(X + "attvalues")
    return {} if av is None else {a.get("for"): a.get("value") for a in av.findall(X + "attvalue")}

def interval_ok(name, el, data):
    for xa, ga in (("start", "first_seen"), ("end", "last_seen")):
        check(el.get(xa) == data.get(ga), "%s %s equals GraphML %s" % (name, xa, ga),
              "%r vs %r" % (el.get(xa), data.get(ga)))

xnodes = graph.find(X + "nodes").findall(X + "node")
check(len(xnodes) == len(gnodes), "GEXF node count equals GraphML's", "%d vs %d" % (len(xnodes), len(gnodes)))
check([n.get("id") for n in xnodes] == gnode_order, "GEXF node ids and order equal GraphML's")
xnode = {}
for n in xnodes:
    nid = n.get("id")
    xnode[nid] = n
    d = gnodes.get(nid, {})
    check(n.get("label") == d.get("label"), "node %s label" % nid, "%r vs %r" % (n.get("label"), d.get("label")))
    want = {k: v for k, v in d.items() if k != "label"}
    check(attvalues(n) == want, "node %s attvalues equal its GraphML data" % nid,
          "%s vs %s" % (attvalues(n), want))
    interval_ok("node " + nid, n, d)
    col = n.find(V + "color")
    c = d.get("color", "")
    if c:
        want_rgb = {"r": str(int(c[1:3], 16)), "g": str(int(c[3:5], 16)), "b": str(int(c[5:7], 16))}
        check(col is not None and dict(col.attrib) == want_rgb,
              "node %s viz:color is decimal r g b of %s, no hex/alpha" % (nid, c),
              str(None if col is None else col.attrib))
    size = n.find(V + "size")
    check(size is not None and size.get("value") == d.get("size"), "node %s viz:size" % nid,
          str(None if size is None else size.attrib))

xedges = graph.find(X + "edges").findall(X + "edge")
check(len(xedges) == len(gedges), "GEXF edge count equals GraphML's", "%d vs %d" % (len(xedges), len(gedges)))
for i, (x, g) in enumerate(zip(xedges, gedges)):
    d = g["data"]
    name = "edge %s" % g["id"]
    check(x.get("id") == g["id"] == "e%d" % i, name + " id", "%r vs %r" % (x.get("id"), g["id"]))
    check((x.get("source"), x.get("target")) == (g["source"], g["target"]), name + " source/target")
    check(x.get("kind") == d.get("relation") == g["xlabel"], name + " kind is the relation",
          "%r vs %r" % (x.get("kind"), d.get("relation")))
    check(x.get("label") == d.get("label") and x.get("label") == d.get("relation"),
          name + " label is the relation", "%r vs %r" % (x.get("label"), d.get("relation")))
    check(x.get("weight") == d.get("weight"), name + " weight", "%r vs %r" % (x.get("weight"), d.get("weight")))
    want = {k: v for k, v in d.items() if k not in ("label", "weight")}
    check(attvalues(x) == want, name + " attvalues equal its GraphML data", "%s vs %s" % (attvalues(x), want))
    interval_ok(name, x, d)
    # Gephi's timeline: an edge lives inside the lifetime of both its nodes
    for end in ("source", "target"):
        nd = xnode.get(x.get(end))
        if nd is None or x.get("start") is None:
            continue
        ns, ne = nd.get("start"), nd.get("end")
        check(ns is None or (ns <= x.get("start") and x.get("end") <= ne),
              name + " interval lies inside its %s's" % end,
              "[%s, %s] vs [%s, %s]" % (x.get("start"), x.get("end"), ns, ne))

# ---- CSV ----
def read_csv(path):
    raw = open(path, "rb").read()
    check(b"\r" not in raw and raw.endswith(b"\n"), path + ": LF line ends")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    # RFC 4180, minimal quoting: writing the rows back gives the same bytes
    import io
    s = io.StringIO()
    csv.writer(s, lineterminator="\n").writerows(rows)
    check(s.getvalue().encode("utf-8") == raw, path + ": RFC 4180 minimal quoting, quotes doubled")
    return rows

nrows = read_csv(nodes_csv)
want_head = ["Id", "Label"] + [k for k in node_keys if k != "label"]
check(nrows[0] == want_head, "nodes CSV header", "want %s, got %s" % (want_head, nrows[0]))
check(len(nrows) - 1 == len(gnodes), "nodes CSV row count equals GraphML's", "%d vs %d" % (len(nrows) - 1, len(gnodes)))
for r in nrows[1:]:
    check(len(r) == len(want_head), "nodes CSV row width", str(r))
    rec = dict(zip(nrows[0], r))
    d = gnodes.get(rec["Id"])
    if not check(d is not None, "nodes CSV id %s is a GraphML node" % rec["Id"]):
        continue
    want = {"Id": rec["Id"], "Label": d.get("label", "")}
    want.update({k: d.get(k, "") for k in node_keys if k != "label"})
    check(rec == want, "nodes CSV row %s equals GraphML" % rec["Id"], "%s vs %s" % (rec, want))

erows = read_csv(edges_csv)
lead = ["Source", "Target", "Kind", "Type", "Id", "Label", "Weight"]
want_head = lead + [k for k in edge_keys if k not in ("label", "weight")]
check(erows[0] == want_head, "edges CSV header", "want %s, got %s" % (want_head, erows[0]))
check(len(erows) - 1 == len(gedges), "edges CSV row count equals GraphML's", "%d vs %d" % (len(erows) - 1, len(gedges)))
for r, g in zip(erows[1:], gedges):
    rec = dict(zip(erows[0], r))
    d = g["data"]
    want = {"Source": g["source"], "Target": g["target"], "Kind": d.get("relation", ""),
            "Type": "Directed", "Id": g["id"], "Label": d.get("relation", ""), "Weight": d.get("weight", "")}
    want.update({k: d.get(k, "") for k in edge_keys if k not in ("label", "weight")})
    check(len(r) == len(want_head) and rec == want, "edges CSV row %s equals GraphML" % g["id"],
          "%s vs %s" % (rec, want))

# ---- the hostile names come through intact ----
labels = {n.get("label") for n in xnodes}
csv_labels = {r[1] for r in nrows[1:]}
for lab in expect_labels:
    check(lab in labels, "GEXF keeps the label %r" % lab, str(sorted(labels)))
    check(lab in csv_labels, "CSV keeps the label %r" % lab, str(sorted(csv_labels)))

# ---- networkx reads the GEXF (optional) ----
try:
    import networkx as nx
    import networkx.readwrite.gexf as nxgexf
    if "1.3" not in nxgexf.GEXF.versions:
        nx = None  # networkx 2 reads GEXF 1.2 only: skipped (said by the shell)
except ImportError:
    nx = None
if nx is not None:
    try:
        NG = nx.read_gexf(gexf)
        check(NG.number_of_nodes() == len(gnodes) and NG.number_of_edges() == len(gedges),
              "networkx reads the GEXF with every node and edge",
              "%d nodes, %d edges" % (NG.number_of_nodes(), NG.number_of_edges()))
        nx_labels = {d.get("label") for _, d in NG.nodes(data=True)}
        for lab in expect_labels:
            check(lab in nx_labels, "networkx sees the label %r" % lab)
    except Exception as ex:  # a crash is a failure, not a skip
        check(False, "networkx reads the GEXF", repr(ex))

print("PASSED %d" % (checks - fails))
print("FAILED %d" % fails)
PY

# compare NAME (.graphml, .gexf, -nodes.csv, -edges.csv) through check.py
compare() {  # what stem [labels...]
  local what=$1 stem=$2 p f
  shift 2
  "$PY" "$T/check.py" "$what" "$stem.graphml" "$stem.gexf" "$stem-nodes.csv" \
    "$stem-edges.csv" "$@" >"$T/py.out" 2>&1
  grep -v '^PASSED \|^FAILED ' "$T/py.out"
  p=$(sed -n 's/^PASSED //p' "$T/py.out")
  f=$(sed -n 's/^FAILED //p' "$T/py.out")
  if [ -z "$p" ] || [ -z "$f" ]; then
    bad "$what: check.py finishes" "a count" "$(show_file "$T/py.out")"
    return
  fi
  PASS=$((PASS + p))
  FAIL=$((FAIL + f))
}

# pandas reads both CSV files as docs/formats-gexf-csv.md says, with every row
pandas_reads() {  # what stem... (one python: importing pandas is slow)
  [ -n "$PD_PY" ] || return 0
  local what=$1
  shift
  if "$PD_PY" - "$@" >"$T/pd.out" 2>&1 <<'PD'
import csv, sys
import pandas as pd
opts = dict(keep_default_na=False, na_values=[""],
            dtype={"Id": str, "Source": str, "Target": str, "code": str, "cameo": str})
for stem, part, key in ((s, p, "Id") for s in sys.argv[1:] for p in ("nodes", "edges")):
    path = "%s-%s.csv" % (stem, part)
    df = pd.read_csv(path, **opts)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert list(df.columns) == rows[0], (list(df.columns), rows[0])
    assert df[key].tolist() == [r[rows[0].index(key)] for r in rows[1:]], path
    if part == "nodes":
        assert df["Label"].tolist() == [r[1] for r in rows[1:]], "labels"
    else:
        assert [float(w) for w in df["Weight"]] == [float(r[6]) for r in rows[1:]], "weights"
PD
  then ok; else bad "$what: pandas reads the CSV files" "no error" "$(show_file "$T/pd.out")"; fi
}

# all formats from one run, twice: byte-identical
export_all() {  # what stem rules articles
  run "$AG" extract -q -r "$3" -o "$2.graphml" -o "$2.gexf" -o "$2.csv" "$4"
  expect_rc "$1: extract with -o .gexf and -o .csv exits 0" 0
  if [ "$HAVE_XMLLINT" = 1 ]; then
    if xmllint --noout "$2.gexf" 2>"$T/xmllint.err"; then ok; else
      bad "$1: xmllint --noout on the GEXF" "no error" "$(show_file "$T/xmllint.err")"
    fi
  fi
}

# ---- the bundled examples -------------------------------------------------

mkdir -p "$T/ex1" "$T/ex2"
export_all examples "$T/ex1/g" "$RULES" "$EXAMPLES"
export_all examples "$T/ex2/g" "$RULES" "$EXAMPLES"
for f in g.gexf g-nodes.csv g-edges.csv; do
  expect_same "examples: two runs give the same $f" "$T/ex1/$f" "$T/ex2/$f"
done
expect_files "examples: -o NAME.csv writes NAME-nodes.csv and NAME-edges.csv only" "$T/ex1" \
  "g-edges.csv g-nodes.csv g.gexf g.graphml"
compare examples "$T/ex1/g"

# ---- a hostile fixture ------------------------------------------------------

H=$T/hostile
mkdir -p "$H/rules" "$H/articles"
NAME=$(printf '%s' 'Evil <&> "Crew" '"'"'X'"'"' \ , Inc')
ALIAS='Evil, "Crew" Co'
cat >"$H/rules/r.yaml" <<'YAML'
actors:
  - id: evil-crew
    name: "Evil <&> \"Crew\" 'X' \\ , Inc"
    type: group
    aliases: ['Evil, "Crew" Co']
  - {id: acme, name: Acme Corp, type: company}
  - {id: beta, name: Beta Bank, type: bank}
  - {id: gamma, name: Gamma Group, type: group}
relations:
  - name: hit
    patterns: ["{source} hit~ {target}"]
  - name: funded
    patterns: ["{source} fund~ {target}"]
YAML
# two dated articles give one edge from 2020-01-02 to 2020-03-04; a parallel
# edge of another relation; an undated article gives undated nodes and edge
printf 'date 2020-01-02\n%s hit Acme Corp on Monday, "officials" said.\n' "$ALIAS" >"$H/articles/a.txt"
printf 'date 2020-03-04\n%s hit Acme Corp again, and %s funded Acme Corp.\n' "$ALIAS" "$ALIAS" >"$H/articles/b.txt"
printf 'Gamma Group hit Beta Bank.\n' >"$H/articles/c.txt"
export_all hostile "$H/g" "$H/rules" "$H/articles"
compare hostile "$H/g" "$NAME" "Acme Corp"
pandas_reads "examples and hostile" "$T/ex1/g" "$H/g"
# the fixture does what it is meant to
if grep -q 'kind="funded"' "$H/g.gexf" && grep -q 'kind="hit"' "$H/g.gexf"; then ok; else
  bad "hostile: parallel edges of two relations" "kind=hit and kind=funded" "$(grep '<edge ' "$H/g.gexf")"
fi
if grep -q '<edge id="e[0-9]*" source="evil-crew" target="acme" kind="hit" label="hit" weight="2" start="2020-01-02" end="2020-03-04">' "$H/g.gexf"; then ok; else
  bad "hostile: the dated edge spans both articles" "start=2020-01-02 end=2020-03-04" "$(grep 'source="evil-crew"' "$H/g.gexf")"
fi
if grep -q '<edge id="e[0-9]*" source="gamma" target="beta" kind="hit" label="hit" weight="1">' "$H/g.gexf"; then ok; else
  bad "hostile: the undated edge has no interval" "no start/end" "$(grep 'source="gamma"' "$H/g.gexf")"
fi
if grep -qF 'Evil &lt;&amp;&gt; &quot;Crew&quot;' "$H/g.gexf"; then ok; else
  bad "hostile: the GEXF escapes < & > \"" "escaped label" "$(grep 'evil-crew' "$H/g.gexf" | head -n 1)"
fi
if grep -qF '"Evil <&> ""Crew"" '"'"'X'"'"' \ , Inc"' "$H/g-nodes.csv"; then ok; else
  bad "hostile: the CSV quotes the name and doubles its quotes" "quoted name" "$(grep evil-crew "$H/g-nodes.csv")"
fi

# ---- failures write nothing ---------------------------------------------------

mkdir -p "$T/cwd"
(cd "$T/cwd" && exec timeout 60 "$AG" extract -q -r "$H/rules" --format csv -o - "$H/articles") \
  >"$OUT" 2>"$ERR" </dev/null && RC=0 || RC=$?
expect_rc "csv to '-o -' exits 1" 1
expect_message "csv to '-o -' says why"
if [ ! -s "$OUT" ]; then ok; else bad "csv to '-o -' writes nothing on stdout" "nothing" "$(show_file "$OUT")"; fi
expect_files "csv to '-o -' leaves no file" "$T/cwd" ""

run "$AG" extract -q -r "$H/rules" -o /nonexistent/dir/x.csv "$H/articles"
expect_rc "-o /nonexistent/dir/x.csv exits 1" 1
expect_message "-o /nonexistent/dir/x.csv says why"
if [ ! -e /nonexistent/dir ]; then ok; else bad "-o /nonexistent/dir/x.csv" "no directory" "it exists"; fi

# an existing NAME-nodes.csv survives a run that fails: the edges file
# cannot be written (a directory holds its name), then bad rules
mkdir -p "$T/keep/k-edges.csv"
printf 'Id,Label\nold,Old\n' >"$T/keep/k-nodes.csv"
cp "$T/keep/k-nodes.csv" "$T/keep.orig"
run "$AG" extract -q -r "$H/rules" -o "$T/keep/k.csv" "$H/articles"
expect_rc "unwritable NAME-edges.csv: exits 1" 1
expect_message "unwritable NAME-edges.csv: says why"
expect_same "unwritable NAME-edges.csv: NAME-nodes.csv untouched" "$T/keep.orig" "$T/keep/k-nodes.csv"
expect_files "unwritable NAME-edges.csv: no temporary file left" "$T/keep" "k-edges.csv k-nodes.csv"
rmdir "$T/keep/k-edges.csv"
run "$AG" extract -q -r "$T/no-such-rules" -o "$T/keep/k.csv" "$H/articles"
expect_rc "missing rules with -o NAME.csv: exits 1" 1
expect_same "missing rules: NAME-nodes.csv untouched" "$T/keep.orig" "$T/keep/k-nodes.csv"
expect_files "missing rules: no edges file written" "$T/keep" "k-nodes.csv"

echo "formats: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
