/* Fuzz target: the pattern compiler and the matcher.  The input is one
 * pattern (its first line) and an article (the rest); the pattern joins the
 * fuzz rules as a relation of its own, and the article is matched. */
#include "fuzz.h"

#include <actorgraph.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *nl = memchr(data, '\n', size);
  size_t plen = nl ? (size_t)(nl - data) : size;
  if (plen > 2000) return 0;
  const char *article = nl ? (const char *)nl + 1 : "";
  size_t alen = nl ? size - plen - 1 : 0;
  size_t cap = sizeof FUZZ_RULES + 4 * plen + 200;
  char *yaml = malloc(cap);
  if (!yaml) return 0;
  int n = snprintf(yaml, cap, "%s  - name: fuzzed\n    patterns: [", FUZZ_RULES);
  n += (int)fuzz_yaml_quote(yaml + n, data, plen);
  n += snprintf(yaml + n, cap - (size_t)n, "]\n");
  ag_rules *rules = NULL;
  ag_extractor *ex = NULL;
  ag_graph *g = NULL;
  ag_error err;
  if (ag_rules_load_string(&rules, yaml, (size_t)n, "fuzz.yaml", &err) == 0 &&
      ag_extractor_new(&ex, rules, NULL) == 0 &&
      ag_extractor_add(ex, "fuzz", article, alen, &err) == 0 &&
      ag_extractor_graph(&g, ex, &err) == 0)
    (void)ag_graph_edge_count(g);
  ag_graph_free(g);
  ag_extractor_free(ex);
  ag_rules_free(rules);
  free(yaml);
  return 0;
}
