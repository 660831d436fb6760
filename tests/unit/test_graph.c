/* Graph and export stages: aggregation over articles, attributes, GraphML
 * round trip through igraph's reader, golden GraphML and DOT, determinism,
 * escaping and atomic writes. */
#include "../check.h"
#include "internal.h"

#include <igraph.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define GOLDEN AG_SOURCE_DIR "/tests/golden"

static ag_graph *extract_with(const char *rules_path, const char *dir, int take) {
  ag_rules *r = NULL;
  ag_extractor *ex = NULL;
  ag_graph *g = NULL;
  ag_paths paths = {0};
  ag_error err;
  ag_error_clear(&err);
  static ag_rules *keep; /* the graph does not borrow rules; free at once */
  if (ag_rules_load(&r, rules_path, &err) || ag_extractor_new(&ex, r, NULL) ||
      ag_paths_add(&paths, dir, &err))
    goto done;
  for (size_t i = 0; i < paths.n; i++)
    if (ag_extractor_add_file(ex, paths.items[i], &err)) goto done;
  if (take) {
    ag_graph *again = NULL;
    ag_error e2;
    ag_error_clear(&e2);
    ag_extractor_take_graph(&g, ex, &err);
    /* a spent extractor gives no second graph and takes no more articles */
    CHECK(ag_extractor_take_graph(&again, ex, &e2) == AG_EUSAGE && !again);
    CHECK(ag_extractor_graph(&again, ex, &e2) == AG_EUSAGE && !again);
    CHECK(ag_extractor_add(ex, "late", "Lazarus attacked Sony.", 22, &e2) == AG_EUSAGE);
    CHECK(strstr(e2.message, "gave its graph away") != NULL);
  } else {
    ag_extractor_graph(&g, ex, &err);
  }
done:
  if (err.code) {
    char buf[1200];
    fprintf(stderr, "extract: %s\n", ag_error_format(&err, buf, sizeof buf));
  }
  (void)keep;
  ag_paths_destroy(&paths);
  ag_extractor_free(ex);
  ag_rules_free(r);
  return g;
}

static ag_graph *extract(const char *rules_path, const char *dir) {
  return extract_with(rules_path, dir, 0);
}

static long find_edge(const igraph_t *g, const char *s, const char *rel,
                      const char *t) {
  for (igraph_integer_t e = 0; e < igraph_ecount(g); e++)
    if (!strcmp(VAS(g, "id", IGRAPH_FROM(g, e)), s) &&
        !strcmp(VAS(g, "id", IGRAPH_TO(g, e)), t) &&
        !strcmp(EAS(g, "relation", e), rel))
      return (long)e;
  return -1;
}

static void test_aggregation(const ag_graph *graph) {
  const igraph_t *g = ag_graph_igraph(graph);
  CHECK(ag_graph_node_count(graph) == 7);
  /* vertices sorted by id */
  CHECK_STR(ag_graph_node_id(graph, 0), "bangladesh-bank");
  CHECK_STR(ag_graph_node_label(graph, 0), "Bangladesh Bank");
  long e = find_edge(g, "north-korea", "blamed-by", "fbi");
  CHECK(e >= 0);
  if (e >= 0) {
    /* "The FBI blamed ... on North Korea" (a), the headline "FBI blames
     * Pyongyang" and "The FBI blamed North Korea." (b) */
    CHECK(EAN(g, "weight", e) == 3);
    CHECK(EAN(g, "mentions", e) == 3);
    CHECK(EAN(g, "articles", e) == 2);
    CHECK_STR(EAS(g, "first_seen", e), "2014-12-19");
    CHECK_STR(EAS(g, "last_seen", e), "2016-03-10");
    CHECK_STR(EAS(g, "sources", e), "a-heist.txt | b-sony.txt");
    CHECK_STR(EAS(g, "evidence", e),
              "The FBI blamed the heist on North Korea & its \"Lazarus\" hackers <allegedly>.");
  }
  e = find_edge(g, "lazarus-group", "affiliated-with", "north-korea");
  CHECK(e >= 0);
  if (e >= 0) CHECK(EAN(g, "weight", e) == 2);
  e = find_edge(g, "lazarus-group", "stole-from", "bangladesh-bank");
  CHECK(e >= 0);
  if (e >= 0) {
    CHECK(EAN(g, "amount", e) == 81e6);
    CHECK_STR(EAS(g, "currency", e), "USD");
    CHECK_STR(EAS(g, "amounts", e), "81000000 USD");
  }
  e = find_edge(g, "lazarus-group", "stole-from", "banks");
  CHECK(e >= 0);
  e = find_edge(g, "lazarus-group", "attacked", "sony-pictures");
  CHECK(e >= 0);
  /* an actor missing from the dictionary: a node of its own, known=false */
  e = find_edge(g, "lazarus-group", "stole-from", "ember-vault-labs");
  CHECK(e >= 0);
  for (igraph_integer_t v = 0; v < igraph_vcount(g); v++) {
    int unknown = strcmp(VAS(g, "id", v), "ember-vault-labs") == 0;
    CHECK(VAB(g, "known", v) == !unknown);
    if (!unknown) continue;
    CHECK_STR(VAS(g, "label", v), "Ember Vault Labs");
    CHECK_STR(VAS(g, "actor_type", v), "other"); /* no HEAD-* classes here */
  }
  for (igraph_integer_t v = 0; v < igraph_vcount(g); v++) {
    if (strcmp(VAS(g, "id", v), "north-korea") != 0) continue;
    CHECK_STR(VAS(g, "actor_type", v), "state");
    CHECK_STR(VAS(g, "color", v), "#2ca02c");
    CHECK_STR(VAS(g, "country", v), "KP");
    CHECK(VAN(g, "mentions", v) == 4);
    CHECK(VAN(g, "articles", v) == 2);
    CHECK_STR(VAS(g, "aliases", v), "North Korea | Pyongyang");
  }
}

static char *slurp(const char *path, size_t *n) {
  char *s = NULL;
  ag_error err;
  if (ag_read_file(path, &s, n, &err)) return NULL;
  return s;
}

/* Compare a freshly written file with the golden one; AG_UPDATE_GOLDEN=1
 * rewrites the golden file instead. */
static void golden(const ag_graph *g, ag_format f, const char *name) {
  char expected[512], actual[512];
  ag_error err;
  snprintf(expected, sizeof expected, GOLDEN "/%s", name);
  snprintf(actual, sizeof actual, AG_BINARY_DIR "/%s", name);
  if (getenv("AG_UPDATE_GOLDEN")) snprintf(actual, sizeof actual, "%s", expected);
  CHECK(ag_graph_write(g, actual, f, &err) == 0);
  size_t n1 = 0, n2 = 0;
  char *a = slurp(expected, &n1), *b = slurp(actual, &n2);
  int same = a && b && n1 == n2 && memcmp(a, b, n1) == 0;
  if (!same) fprintf(stderr, "golden mismatch: diff -u %s %s\n", expected, actual);
  CHECK(same);
  free(a);
  free(b);
}

static void test_round_trip(const ag_graph *graph) {
  const char *path = AG_BINARY_DIR "/roundtrip.graphml";
  ag_error err;
  CHECK(ag_graph_write(graph, path, AG_FORMAT_GRAPHML, &err) == 0);
  FILE *f = fopen(path, "rb");
  igraph_t g;
  CHECK(f != NULL);
  if (!f) return;
  int rc = igraph_read_graph_graphml(&g, f, 0);
  fclose(f);
  CHECK(rc == IGRAPH_SUCCESS);
  if (rc != IGRAPH_SUCCESS) return;
  const igraph_t *orig = ag_graph_igraph(graph);
  CHECK(igraph_vcount(&g) == igraph_vcount(orig));
  CHECK(igraph_ecount(&g) == igraph_ecount(orig));
  CHECK(igraph_is_directed(&g));
  for (igraph_integer_t v = 0; v < igraph_vcount(&g); v++) {
    CHECK_STR(VAS(&g, "id", v), VAS(orig, "id", v));
    CHECK_STR(VAS(&g, "label", v), VAS(orig, "label", v));
    CHECK(VAB(&g, "known", v) == VAB(orig, "known", v));
    CHECK(fabs(VAN(&g, "size", v) - VAN(orig, "size", v)) < 1e-9);
  }
  for (igraph_integer_t e = 0; e < igraph_ecount(&g); e++) {
    CHECK_STR(EAS(&g, "relation", e), EAS(orig, "relation", e));
    CHECK_STR(EAS(&g, "evidence", e), EAS(orig, "evidence", e));
    CHECK(EAN(&g, "weight", e) == EAN(orig, "weight", e));
  }
  igraph_destroy(&g);
}

/* A second extraction gives the same bytes; so does taking the graph (the
 * extractor hands over what it found) instead of building it from the
 * extractor. */
static void test_same_graph(const ag_graph *a, int take) {
  ag_graph *b = extract_with(GOLDEN "/rules.yaml", GOLDEN "/articles", take);
  ag_buf x, y;
  ag_buf_init(&x);
  ag_buf_init(&y);
  CHECK(b != NULL);
  if (b) {
    CHECK(ag_write_graphml(a, &x) == 0 && ag_write_graphml(b, &y) == 0);
    CHECK(x.len > 1000 && x.len == y.len && memcmp(x.data, y.data, x.len) == 0);
    ag_buf_clear(&x);
    ag_buf_clear(&y);
    CHECK(ag_write_dot(a, &x) == 0 && ag_write_dot(b, &y) == 0);
    CHECK(x.len == y.len && memcmp(x.data, y.data, x.len) == 0);
  }
  ag_buf_destroy(&x);
  ag_buf_destroy(&y);
  ag_graph_free(b);
}

static void test_atomic(const ag_graph *g) {
  const char *path = AG_BINARY_DIR "/atomic.out";
  ag_error err;
  FILE *f = fopen(path, "wb");
  if (f) {
    fputs("previous", f);
    fclose(f);
  }
  /* an unknown format fails before anything is written */
  CHECK(ag_graph_write(g, path, AG_FORMAT_UNKNOWN, &err) == AG_EUSAGE);
  CHECK(ag_graph_write(g, AG_BINARY_DIR "/no/such/dir/x.graphml",
                       AG_FORMAT_GRAPHML, &err) == AG_EIO);
  CHECK(strstr(err.file, "no/such/dir/x.graphml") != NULL);
  size_t n;
  char *s = slurp(path, &n);
  CHECK(s && strcmp(s, "previous") == 0);
  free(s);
  CHECK(ag_graph_write(g, path, AG_FORMAT_GRAPHML, &err) == 0);
  s = slurp(path, &n);
  CHECK(s && strncmp(s, "<?xml", 5) == 0);
  free(s);
  unlink(path);
  /* a device is written in place, never replaced by a renamed file */
  struct stat st;
  CHECK(ag_graph_write(g, "/dev/null", AG_FORMAT_GRAPHML, &err) == 0);
  CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
}

static void test_escaping(void) {
  ag_buf b;
  ag_buf_init(&b);
  ag_xml_escape(&b, "a<b>&\"c\"\t\n\x01", 1);
  CHECK_STR(b.data, "a&lt;b&gt;&amp;&quot;c&quot;&#9;&#10;");
  ag_buf_clear(&b);
  ag_xml_escape(&b, "a<b>&\"c\"", 0);
  CHECK_STR(b.data, "a&lt;b&gt;&amp;\"c\"");
  ag_buf_clear(&b);
  /* text keeps tab and newline, escapes CR, drops other controls; plain
   * runs (here UTF-8 and a long one) come through whole */
  ag_xml_escape(&b, "\x7F\tZ\xC3\xBCrich\r\n\x1F" "0123456789abcdefghij&", 0);
  CHECK_STR(b.data, "\tZ\xC3\xBCrich&#13;\n0123456789abcdefghij&amp;");
  ag_buf_clear(&b);
  ag_xml_escape(&b, "", 1);
  CHECK_STR(b.data ? b.data : "", "");
  ag_buf_clear(&b);
  ag_json_escape(&b, "say \"hi\"\\ \t\r\n\x01\x7F \xE2\x80\x99" "end");
  CHECK_STR(b.data, "say \\\"hi\\\"\\\\ \\t\\r\\n\\u0001\\u007f \xE2\x80\x99" "end");
  ag_buf_clear(&b);
  ag_dot_escape(&b, "say \"hi\"\\N\nnext\x02");
  CHECK_STR(b.data, "say \\\"hi\\\"\\\\N\\nnext");
  ag_buf_destroy(&b);
  CHECK(ag_format_from_path("out/graph.graphml") == AG_FORMAT_GRAPHML);
  CHECK(ag_format_from_path("graph.dot") == AG_FORMAT_DOT);
  CHECK(ag_format_from_path("graph.gv") == AG_FORMAT_DOT);
  CHECK(ag_format_from_path("dir.dot/graph") == AG_FORMAT_UNKNOWN);
  CHECK(ag_format_from_path("graph.svg") == AG_FORMAT_SVG);
  CHECK(ag_format_from_path("graph.txt") == AG_FORMAT_UNKNOWN);
}

/* --keep-modal: negated and hypothetical statements become edges marked
 * with their modality; hedges lower the confidence. */
static void test_modality(void) {
  const char *yaml =
      "actors:\n"
      "  - {id: north-korea, name: North Korea, type: state}\n"
      "  - {id: sony, name: Sony, type: company}\n"
      "  - {id: russia, name: Russia, type: state}\n"
      "  - {id: ukraine, name: Ukraine, type: state}\n"
      "classes:\n"
      "  NEGATION: [denied, not]\n"
      "  HYPOTHETICAL: [may]\n"
      "  HEDGE: [allegedly]\n"
      "  SKIP: [allegedly]\n"
      "relations:\n"
      "  - {name: attacked, patterns: [\"{source} attack~ {target}\"]}\n";
  const char *text = "North Korea denied attacking Sony. Russia may attack Ukraine. "
                     "Russia allegedly attacked Sony.";
  ag_rules *r = NULL;
  ag_extractor *ex = NULL;
  ag_graph *graph = NULL;
  ag_error err;
  ag_extract_options opts = AG_EXTRACT_OPTIONS_INIT;
  ag_extract_counts c;
  opts.keep_modal = 1;
  CHECK(ag_rules_load_string(&r, yaml, strlen(yaml), "modal", &err) == 0);
  CHECK(r && ag_extractor_new(&ex, r, &opts) == 0);
  CHECK(ex && ag_extractor_add(ex, "m.txt", text, strlen(text), &err) == 0);
  CHECK(ex && ag_extractor_graph(&graph, ex, &err) == 0);
  if (graph) {
    const igraph_t *g = ag_graph_igraph(graph);
    long e = find_edge(g, "north-korea", "attacked", "sony");
    CHECK(e >= 0 && strcmp(EAS(g, "modality", e), "negated") == 0);
    e = find_edge(g, "russia", "attacked", "ukraine");
    CHECK(e >= 0 && strcmp(EAS(g, "modality", e), "hypothetical") == 0);
    e = find_edge(g, "russia", "attacked", "sony");
    CHECK(e >= 0 && strcmp(EAS(g, "modality", e), "asserted") == 0);
    CHECK(e >= 0 && fabs(EAN(g, "confidence", e) - 0.7) < 1e-9);
    /* kept statements are drawn dashed (hypothetical) or dotted (negated) */
    ag_buf dot;
    ag_buf_init(&dot);
    CHECK(ag_write_dot(graph, &dot) == 0);
    CHECK(dot.data && strstr(dot.data, "style=\"dotted\"") != NULL);
    CHECK(dot.data && strstr(dot.data, "style=\"dashed\"") != NULL);
    ag_buf_destroy(&dot);
  }
  ag_extractor_get_counts(ex, &c);
  CHECK(c.dropped_negated == 1 && c.dropped_hypothetical == 1);
  ag_graph_free(graph);
  ag_extractor_free(ex);
  ag_rules_free(r);
}

/* Codes (dated ones resolved against the latest article), sanctions. */
static void test_codes_sanctions(void) {
  const char *yaml =
      "actors:\n"
      "  - {id: lazarus, name: Lazarus, type: group, code: PRKRGB,\n"
      "     sanctions: [{authority: OFAC, program: DPRK3, listed: 2019-09-13}, {authority: UN}]}\n"
      "  - {id: sony, name: Sony, type: company}\n"
      "  - id: us\n"
      "    name: United States\n"
      "    type: state\n"
      "    code: [USA, {code: USAGOV-A, from: 2017-01-20, to: 2021-01-20}]\n"
      "relations:\n"
      "  - {name: attacked, cameo: '190', plover: ASSAULT, patterns: [\"{source} attack~ {target}\"]}\n";
  const char *a1 = "date 2018-05-01 The United States attacked Lazarus.";
  const char *a2 = "date 2022-05-01 Lazarus attacked Sony.";
  ag_rules *r = NULL;
  ag_extractor *ex = NULL;
  ag_graph *graph = NULL;
  ag_error err;
  CHECK(ag_rules_load_string(&r, yaml, strlen(yaml), "codes", &err) == 0);
  CHECK(r && ag_extractor_new(&ex, r, NULL) == 0);
  CHECK(ex && ag_extractor_add(ex, "a1", a1, strlen(a1), &err) == 0);
  CHECK(ex && ag_extractor_add(ex, "a2", a2, strlen(a2), &err) == 0);
  CHECK(ex && ag_extractor_graph(&graph, ex, &err) == 0);
  if (graph) {
    const igraph_t *g = ag_graph_igraph(graph);
    for (igraph_integer_t v = 0; v < igraph_vcount(g); v++) {
      const char *id = VAS(g, "id", v);
      if (!strcmp(id, "lazarus")) {
        CHECK_STR(VAS(g, "code", v), "PRKRGB");
        CHECK(VAB(g, "sanctioned", v));
        CHECK_STR(VAS(g, "sanction_programs", v), "OFAC:DPRK3 | UN");
      } else if (!strcmp(id, "us")) {
        CHECK_STR(VAS(g, "code", v), "USAGOV-A"); /* last seen 2018 */
        CHECK(!VAB(g, "sanctioned", v));
      } else {
        CHECK_STR(VAS(g, "code", v), "");
      }
    }
    long e = find_edge(g, "lazarus", "attacked", "sony");
    CHECK(e >= 0 && !strcmp(EAS(g, "cameo", e), "190") && !strcmp(EAS(g, "plover", e), "ASSAULT"));
    ag_buf dot;
    ag_buf_init(&dot);
    CHECK(ag_write_dot(graph, &dot) == 0);
    CHECK(dot.data && strstr(dot.data, "peripheries=\"2\"") && strstr(dot.data, "sanctioned</TD>"));
    ag_buf_destroy(&dot);
  }
  ag_graph_free(graph);
  ag_extractor_free(ex);
  ag_rules_free(r);
}

int main(void) {
  ag_graph *g = extract(GOLDEN "/rules.yaml", GOLDEN "/articles");
  CHECK(g != NULL);
  if (g) {
    test_aggregation(g);
    golden(g, AG_FORMAT_GRAPHML, "expected.graphml");
    golden(g, AG_FORMAT_DOT, "expected.dot");
    test_round_trip(g);
    test_same_graph(g, 0);
    test_same_graph(g, 1);
    test_atomic(g);
  }
  test_escaping();
  test_modality();
  test_codes_sanctions();
  ag_graph_free(g);
  return check_summary("graph");
}
