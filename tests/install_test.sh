#!/bin/sh
# Install into a temporary prefix and use the installation: the binary finds
# its rules with no -r and no ACTORGRAPH_RULES (also after the prefix moves),
# the man page renders, and a C program built with pkg-config links the
# library and runs.
#   install_test.sh BUILD_DIR SOURCE_DIR
set -u
build=$(cd "$1" && pwd) || exit 2
src=$(cd "$2" && pwd) || exit 2
. "$(dirname "$0")/lib.sh"
check() { if eval "$2"; then ok; else bad "$1"; fi; }

cmake --install "$build" --prefix "$tmp/p1" >"$tmp/install.log" 2>&1 ||
  { echo "install: cmake --install failed:"; cat "$tmp/install.log"; exit 1; }
mv "$tmp/p1" "$tmp/prefix" # a moved install must work as well
P=$tmp/prefix
check "binary installed" '[ -x "$P/bin/actorgraph" ]'
check "header installed" '[ -f "$P/include/actorgraph.h" ]'
lib=$(find "$P" -name libactorgraph.a | head -n 1)
check "library installed" '[ -n "$lib" ]'
check "rules installed" '[ -f "$P/share/actorgraph/rules/relations.yaml" ] && [ -f "$P/share/actorgraph/rules/README.md" ]'
check "man page installed" '[ -f "$P/share/man/man1/actorgraph.1" ]'
pc=$(find "$P" -name actorgraph.pc | head -n 1)
check "pkg-config file installed" '[ -n "$pc" ]'

# the installed binary, run from a directory without rules/
mkdir "$tmp/work"
want=$(cd "$tmp/work" && "$build/actorgraph" check -r "$src/rules" 2>/dev/null | head -n 1)
got=$(cd "$tmp/work" && env -u ACTORGRAPH_RULES "$P/bin/actorgraph" check 2>&1 | head -n 1)
check "installed binary finds its installed rules ($want)" '[ "$got" = "$want" ]'
printf 'date 2016-03-10\nThe Lazarus Group stole $81 million from Bangladesh Bank.\n' > "$tmp/work/a.txt"
(cd "$tmp/work" && env -u ACTORGRAPH_RULES "$P/bin/actorgraph" extract -q -o g.graphml a.txt) 2>"$tmp/err"
check "installed binary extracts: $(cat "$tmp/err")" 'grep -q "label=\"stole-from\"" "$tmp/work/g.graphml"'

# the man page: renders without warnings, and documents every option of --help
if command -v man >/dev/null 2>&1; then
  MANWIDTH=80 man --warnings -l "$P/share/man/man1/actorgraph.1" >"$tmp/man.txt" 2>"$tmp/man.err"
  check "man page renders with no warning: $(head -c 300 "$tmp/man.err")" '[ -s "$tmp/man.txt" ] && [ ! -s "$tmp/man.err" ]'
else
  echo "skip: man not installed, the page is not rendered"
fi
for o in $("$build/actorgraph" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
  esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
  check "man page documents $o" 'grep -q -- "$esc" "$P/share/man/man1/actorgraph.1"'
done

# a program built against the installation with pkg-config
if command -v pkg-config >/dev/null 2>&1 && command -v cc >/dev/null 2>&1; then
  export PKG_CONFIG_PATH="$(dirname "$pc")"
  rulesdir=$(pkg-config --variable=rulesdir actorgraph)
  check "pkg-config rulesdir is the installed rules" '[ -f "$rulesdir/relations.yaml" ]'
  cat > "$tmp/use.c" <<'C'
#include <actorgraph.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
  ag_rules *rules = NULL;
  ag_extractor *ex = NULL;
  ag_graph *g = NULL;
  ag_error err;
  const char *text = "North Korea attacked Sony Pictures.";
  (void)argc;
  if (ag_rules_load(&rules, argv[1], &err) || ag_extractor_new(&ex, rules, NULL) ||
      ag_extractor_add(ex, "a", text, strlen(text), &err) || ag_extractor_graph(&g, ex, &err))
    return 1;
  printf("%zu %zu\n", ag_graph_node_count(g), ag_graph_edge_count(g));
  ag_graph_free(g);
  ag_extractor_free(ex);
  ag_rules_free(rules);
  return 0;
}
C
  # shellcheck disable=SC2046
  san=""
  # a sanitizer build's library needs the sanitizer runtimes to link
  nm "$lib" 2>/dev/null | grep -q __asan && san="-fsanitize=address,undefined"
  if cc $san -o "$tmp/use" "$tmp/use.c" $(pkg-config --cflags --libs actorgraph) 2>"$tmp/cc.err"; then
    ok
    out=$("$tmp/use" "$rulesdir")
    check "the program runs on the installed library: got '$out'" '[ "$out" = "2 1" ]'
  else
    bad "compile against the installed library: $(head -c 400 "$tmp/cc.err")"
  fi
else
  echo "skip: pkg-config or cc missing"
fi
summary install
