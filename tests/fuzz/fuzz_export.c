/* Fuzz target: the exporters fed hostile strings.  The input names an actor
 * (its name and an alias come from the bytes, through YAML escapes) and is
 * the article's id and part of its text; the graph is written in every
 * format, and the text formats must hold no control bytes. */
#include "fuzz.h"

#include <actorgraph.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_clean(const char *what, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      fprintf(stderr, "fuzz_export: %s holds control byte 0x%02x at %zu\n", what, c, i);
      abort();
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const ag_format FORMATS[] = {AG_FORMAT_GRAPHML, AG_FORMAT_DOT, AG_FORMAT_GEXF,
                                      AG_FORMAT_JSON, AG_FORMAT_JSONL, AG_FORMAT_HTML};
  static const char *const NAMES[] = {"graphml", "dot", "gexf", "json", "jsonl", "html"};
  static const char ACTORS[] = "actors:\n";
  if (size > 500) return 0;
  /* the fuzz rules, with a hostile actor first and a relation "hit" last */
  size_t cap = 4 * size + sizeof FUZZ_RULES + 300;
  char *yaml = malloc(cap), *text = malloc(size + 64);
  if (!yaml || !text) {
    free(yaml);
    free(text);
    return 0;
  }
  size_t n = (size_t)snprintf(yaml, cap, "%s  - {id: hostile, type: group, name: ", ACTORS);
  n += fuzz_yaml_quote(yaml + n, data, size);
  n += (size_t)snprintf(yaml + n, cap - n,
                        ", aliases: [Evil Crew]}\n%s  - name: hit\n    patterns: "
                        "[\"{source} hit {target}\"]\n",
                        FUZZ_RULES + sizeof ACTORS - 1);
  /* the text names both actors and carries the bytes too */
  int t = snprintf(text, size + 64, "Evil Crew hit Lazarus Group. ");
  memcpy(text + t, data, size);
  char id[64];
  snprintf(id, sizeof id, "%.*s", (int)(size < 40 ? size : 40), (const char *)data);
  ag_rules *rules = NULL;
  ag_extractor *ex = NULL;
  ag_graph *g = NULL;
  ag_error err;
  ag_extract_options opts = AG_EXTRACT_OPTIONS_INIT;
  opts.provenance = 1;
  opts.keep_isolated = 1;
  if (ag_rules_load_string(&rules, yaml, n, "fuzz.yaml", &err) == 0 &&
      ag_extractor_new(&ex, rules, &opts) == 0 &&
      ag_extractor_add(ex, id, text, (size_t)t + size, &err) == 0 &&
      ag_extractor_graph(&g, ex, &err) == 0) {
    for (size_t k = 0; k < sizeof FORMATS / sizeof FORMATS[0]; k++) {
      char *buf = NULL;
      size_t len = 0;
      FILE *f = open_memstream(&buf, &len);
      if (!f) continue;
      int rc = ag_graph_write_stream(g, f, FORMATS[k], &err);
      fclose(f);
      if (rc == 0) check_clean(NAMES[k], buf, len);
      free(buf);
    }
  }
  ag_graph_free(g);
  ag_extractor_free(ex);
  ag_rules_free(rules);
  free(yaml);
  free(text);
  return 0;
}
