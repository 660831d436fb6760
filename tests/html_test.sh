#!/bin/sh
# The node-link JSON and the HTML viewer: the JSON parses (and loads in
# networkx where it is installed), the page is deterministic and
# self-contained, embeds exactly that JSON, renders every actor in headless
# Chromium without a script error, takes a screenshot, and keeps a hostile
# actor name (</script>, <&"') inert.  Skips (77) when Chromium or the viewer
# is absent.
#   html_test.sh ACTORGRAPH RULES EXAMPLES
# With AG_SCREENSHOT_DIR set, the screenshot is also copied there as viewer.png.
set -u
bin=$1 rules=$2 examples=$3
pass=0
fail() { echo "html: FAIL: $*"; exit 1; }
ok() { pass=$((pass + 1)); }

browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
[ -n "$browser" ] || { echo "html: chromium not installed, skipped"; exit 77; }
py=""
for p in /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null 2>&1; then py=$p; break; fi
done
[ -n "$py" ] || { echo "html: python3 not installed, skipped"; exit 77; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# --- generate ------------------------------------------------------------
if ! "$bin" extract -q -r "$rules" -o "$tmp/page.html" -o "$tmp/g.graphml" \
     -o "$tmp/g.json" "$examples" 2>"$tmp/err"; then
  if grep -q "no HTML viewer" "$tmp/err"; then
    echo "html: this build has no HTML viewer (run scripts/vendor-js), skipped"; exit 77
  fi
  cat "$tmp/err"; fail "extract failed"
fi
nodes=$(grep -c '<node ' "$tmp/g.graphml")
edges=$(grep -c '<edge ' "$tmp/g.graphml")
[ "$nodes" -gt 0 ] && [ "$edges" -gt 0 ] || fail "the examples gave an empty graph"

"$bin" extract -q -r "$rules" -o "$tmp/page2.html" "$examples" || fail "second extract failed"
cmp -s "$tmp/page.html" "$tmp/page2.html" || fail "the same graph gave two different pages"
ok

# --- node-link JSON --------------------------------------------------------
"$py" - "$tmp/g.json" "$nodes" "$edges" <<'EOF' || fail "node-link JSON"
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    d = json.load(f, parse_constant=lambda c: sys.exit("non-JSON constant " + c))
n, m = int(sys.argv[2]), int(sys.argv[3])
assert d["directed"] is True and d["multigraph"] is True, "directed/multigraph"
assert isinstance(d["graph"], dict), "graph"
assert len(d["nodes"]) == n, "%d nodes, GraphML has %d" % (len(d["nodes"]), n)
assert len(d["links"]) == m, "%d links, GraphML has %d" % (len(d["links"]), m)
ids = {x["id"] for x in d["nodes"]}
assert len(ids) == n, "duplicate node ids"
for i, l in enumerate(d["links"]):
    assert l["source"] in ids and l["target"] in ids, "dangling link %d" % i
    assert l["key"] == l["id"] == "e%d" % i, "link %d key/id" % i
EOF
ok
if "$py" -c 'import networkx' 2>/dev/null; then
  "$py" - "$tmp/g.json" "$nodes" "$edges" <<'EOF' || fail "networkx node_link_graph"
import json, sys, warnings
import networkx as nx
warnings.simplefilter("ignore")
d = json.load(open(sys.argv[1], encoding="utf-8"))
try:
    G = nx.node_link_graph(d, edges="links")
except TypeError:  # networkx before 3.4
    G = nx.node_link_graph(d)
assert G.is_directed() and G.is_multigraph()
assert G.number_of_nodes() == int(sys.argv[2]) and G.number_of_edges() == int(sys.argv[3])
EOF
  ok
else
  echo "html: networkx not installed for $py, node_link_graph check skipped"
fi

# --- the page: self-contained, embeds that JSON -------------------------------
if grep -Eiq "(src|href|action)[[:space:]]*=[[:space:]]*[\"']?[[:space:]]*(https?:)?//|url\([\"']?(https?:)?//|@import" "$tmp/page.html"; then
  fail "the page refers to something on the network"
fi
ok
"$py" - "$tmp/page.html" "$tmp/g.json" <<'EOF' || fail "the JSON embedded in the page"
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="ag-data">(.*?)</script>', page, re.S)
assert m, "no data element"
assert "<" not in m.group(1) and "\u2028" not in m.group(1), "unescaped text in the data"
assert json.loads(m.group(1)) == json.load(open(sys.argv[2], encoding="utf-8")), "differs"
EOF
ok

# --- Chromium -------------------------------------------------------------------
# run_browser OUT URL [options]: the DOM after the scripts ran into OUT (a
# page stuck on an injected alert() times out),
# the browser's log into OUT.log.
run_browser() {
  out=$1 url=$2
  shift 2
  timeout 20 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-extensions --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
    --virtual-time-budget=5000 "$@" "$url" >"$out" 2>"$out.log"
}

# check_dom DOM NODES EDGES: the viewer finished, drew them all, saw no error.
check_dom() {
  grep -q 'data-ag-ready="1"' "$1" || { grep -v dbus "$1.log" | tail -20; fail "$1: the viewer did not finish"; }
  grep -q 'data-ag-errors="0"' "$1" ||
    fail "$1: script error: $(grep -o 'data-ag-last-error="[^"]*"' "$1")"
  if grep -E 'Uncaught|CONSOLE.*[Ee]rror' "$1.log"; then fail "$1: error in the browser log"; fi
  grep -q "data-ag-nodes=\"$2\"" "$1" ||
    fail "$1: expected $2 nodes, drew $(grep -o 'data-ag-nodes="[^"]*"' "$1")"
  grep -q "data-ag-edges=\"$3\"" "$1" ||
    fail "$1: expected $3 edges, drew $(grep -o 'data-ag-edges="[^"]*"' "$1")"
  grep -Eq "id=\"ag-count\"[^>]*>$2 actors?, $3 relations?<" "$1" || fail "$1: the count line"
}

run_browser "$tmp/dom.html" "file://$tmp/page.html" --dump-dom || fail "chromium --dump-dom failed"
check_dom "$tmp/dom.html" "$nodes" "$edges"
ok

run_browser "$tmp/shot.out" "file://$tmp/page.html" --hide-scrollbars --window-size=1280,800 \
  --screenshot="$tmp/viewer.png" || fail "chromium --screenshot failed"
size=$(wc -c <"$tmp/viewer.png" 2>/dev/null || echo 0)
[ "$size" -gt 20000 ] || fail "the screenshot is missing or blank ($size bytes)"
if [ -n "${AG_SCREENSHOT_DIR:-}" ]; then
  mkdir -p "$AG_SCREENSHOT_DIR" && cp "$tmp/viewer.png" "$AG_SCREENSHOT_DIR/viewer.png" ||
    fail "cannot copy the screenshot to $AG_SCREENSHOT_DIR"
fi
ok

# --- a hostile actor name ----------------------------------------------------------
hostile='</script><script>alert(1)</script> <!-- <&"'"'"
mkdir "$tmp/hostile"
cat >"$tmp/hostile/hostile.yaml" <<EOF
actors:
  - id: hostile-actor
    name: "</script><script>alert(1)</script> <!-- <&\\"'"
    type: group
    aliases: [Zorblax Collective]
EOF
printf 'Zorblax Collective attacked Sony Pictures in 2014.\n' >"$tmp/hostile/a.txt"
"$bin" extract -q -r "$rules" -r "$tmp/hostile/hostile.yaml" -o "$tmp/h.html" -o "$tmp/h.json" \
  "$tmp/hostile/a.txt" || fail "extract with the hostile actor failed"
"$py" - "$tmp/h.json" "$hostile" <<'EOF' || fail "the hostile name in the JSON"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert sys.argv[2] in [n.get("label") for n in d["nodes"]], "label lost"
EOF
[ "$(grep -c '</script>' "$tmp/h.html")" = "$(grep -c '</script>' "$tmp/page.html")" ] ||
  fail "the hostile name closed a <script> element in the page"
run_browser "$tmp/hdom.html" "file://$tmp/h.html#actor=hostile-actor" --dump-dom ||
  fail "chromium on the hostile page failed"
check_dom "$tmp/hdom.html" 2 1
[ "$(grep -o '<script' "$tmp/hdom.html" | wc -l)" = "$(grep -o '<script' "$tmp/dom.html" | wc -l)" ] ||
  fail "the hostile name added a <script> element"
grep -q '<h2>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- &lt;&amp;"'"'"'</h2>' "$tmp/hdom.html" ||
  fail "the hostile name is not shown as text in the details panel"
ok

echo "html: $pass passed, 0 failed ($nodes actors, $edges relations drawn in $browser)"
