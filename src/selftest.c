/* Self-testing rules: every relation or actor may carry `examples:`, the
 * sentences it must (and must not) turn into edges.  `actorgraph test-rules`
 * runs them through the whole pipeline, one sentence at a time. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Does edge "a r b" match pattern "A R B" where "?" matches anything? */
static int edge_matches(const char *edge, const char *pattern) {
  char e[3][128], p[3][128];
  if (sscanf(edge, "%127s %127s %127s", e[0], e[1], e[2]) != 3 ||
      sscanf(pattern, "%127s %127s %127s", p[0], p[1], p[2]) != 3)
    return 0;
  for (int i = 0; i < 3; i++)
    if (strcmp(p[i], "?") != 0 && strcmp(p[i], e[i]) != 0) return 0;
  return 1;
}

static int any_matches(char **edges, size_t n, const char *pattern) {
  for (size_t i = 0; i < n; i++)
    if (edge_matches(edges[i], pattern)) return 1;
  return 0;
}

/* Run one example: its edges as "src rel tgt" strings, the trace in *trace. */
static int run_example(const ag_rules *r, const ag_example *x, char ***edges,
                       size_t *n, char **trace, size_t *trace_len) {
  ag_extractor *ex = NULL;
  ag_graph *g = NULL;
  ag_error err;
  ag_extract_options opts = AG_EXTRACT_OPTIONS_INIT;
  int rc;
  *edges = NULL;
  *n = 0;
  opts.trace = open_memstream(trace, trace_len);
  if (!opts.trace) return AG_ENOMEM;
  if ((rc = ag_extractor_new(&ex, r, &opts)) ||
      (rc = ag_extractor_add(ex, "example", x->text, strlen(x->text), &err)) ||
      (rc = ag_extractor_graph(&g, ex, &err)))
    goto done;
  size_t ne = ag_graph_edge_count(g);
  if (!(*edges = calloc(ne + 1, sizeof(char *)))) {
    rc = AG_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < ne; i++) {
    const char *s, *rel, *t;
    ag_graph_edge(g, i, &s, &rel, &t);
    if (!((*edges)[i] = malloc(strlen(s) + strlen(rel) + strlen(t) + 3))) {
      rc = AG_ENOMEM;
      goto done;
    }
    sprintf((*edges)[i], "%s %s %s", s, rel, t);
    (*n)++;
  }
done:
  fclose(opts.trace);
  ag_graph_free(g);
  ag_extractor_free(ex);
  return rc;
}

static const char *owner(const ag_rules *r, const ag_example *x, char *buf,
                         size_t size) {
  if (x->relation >= 0)
    snprintf(buf, size, "relation '%s'", r->rels[x->relation].name);
  else
    snprintf(buf, size, "actor '%s'", r->actors[x->actor].id);
  return buf;
}

/* Print a failure with what came out and which patterns made it. */
static void report_failure(const ag_rules *r, const ag_example *x, FILE *f,
                           const char *why, char **edges, size_t n,
                           const char *trace) {
  char who[200];
  fprintf(f, "%s:%d:%d: example of %s: %s\n", x->file, x->line, x->col,
          owner(r, x, who, sizeof who), why);
  fprintf(f, "    text: %s\n    got:", x->text);
  if (!n) fprintf(f, " no edge");
  for (size_t i = 0; i < n; i++) fprintf(f, "%s %s", i ? ";" : "", edges[i]);
  fprintf(f, "\n");
  /* the matches and the actors seen, from the trace */
  for (const char *p = trace; p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (!strncmp(p, "  actors:", 9) || !strncmp(p, "  + ", 4) || !strncmp(p, "  - ", 4) ||
        !strncmp(p, "    ", 4))
      fprintf(f, "  %.*s\n", (int)len, p);
    p = nl ? nl + 1 : p + len;
  }
}

/* The reason example x fails, or NULL when it passes. */
static const char *check(const ag_rules *r, const ag_example *x, char **edges,
                         size_t n, char *why, size_t size) {
  if (x->any) {
    char pattern[160];
    snprintf(pattern, sizeof pattern, "? %s ?",
             x->relation >= 0 ? r->rels[x->relation].name : "?");
    if (!any_matches(edges, n, pattern)) {
      snprintf(why, size, "no %s edge", x->relation >= 0 ? r->rels[x->relation].name : "");
      return why;
    }
  }
  for (size_t i = 0; i < x->nyields; i++)
    if (!any_matches(edges, n, x->yields[i])) {
      snprintf(why, size, "missing '%s'", x->yields[i]);
      return why;
    }
  for (size_t i = 0; i < x->nnots; i++)
    if (any_matches(edges, n, x->nots[i])) {
      snprintf(why, size, "gave '%s', which it must not", x->nots[i]);
      return why;
    }
  /* "yields: []" with no other test: no edge at all */
  if (!x->any && !x->nyields && !x->nnots && n) {
    snprintf(why, size, "should give no edge");
    return why;
  }
  return NULL;
}

int ag_rules_test(const ag_rules *r, FILE *report, size_t *passed,
                  size_t *failed) {
  int rc = 0;
  *passed = *failed = 0;
  for (size_t i = 0; i < r->nexamples && !rc; i++) {
    const ag_example *x = &r->examples[i];
    char **edges = NULL, *trace = NULL, why[512];
    if (x->relation < -1) continue; /* its relation was replaced */
    size_t n = 0, trace_len = 0;
    rc = run_example(r, x, &edges, &n, &trace, &trace_len);
    if (!rc) {
      const char *fail = check(r, x, edges, n, why, sizeof why);
      if (fail) {
        (*failed)++;
        report_failure(r, x, report, fail, edges, n, trace);
      } else {
        (*passed)++;
      }
    }
    for (size_t j = 0; j < n; j++) free(edges[j]);
    free(edges);
    free(trace);
  }
  return rc;
}

/* ---- listing the aliases ----------------------------------------------- */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An alias as text: its tokens with the capitals of the rules, a space
 * between words but none around hyphens and before "'s". */
static int alias_text(const ag_alias *a, ag_buf *b) {
  ag_buf_clear(b);
  for (size_t i = 0; i < a->n; i++) {
    const char *t = a->orig && a->orig[i] ? a->orig[i] : a->words[i];
    int glue = i == 0 || strcmp(t, "-") == 0 || strcmp(t, "'s") == 0 ||
               strcmp(a->words[i - 1], "-") == 0;
    if ((!glue && ag_buf_putc(b, ' ')) || ag_buf_puts(b, t)) return AG_ENOMEM;
  }
  return ag_buf_add(b, "", 0);
}

int ag_rules_list_aliases(const ag_rules *r, FILE *out) {
  char **list = calloc(r->naliases + 1, sizeof *list);
  size_t n = 0;
  int rc = list ? 0 : AG_ENOMEM;
  ag_buf b;
  ag_buf_init(&b);
  for (size_t i = 0; i < r->naliases && !rc; i++) {
    if (r->aliases[i].disabled) continue;
    if (alias_text(&r->aliases[i], &b) || !(list[n++] = ag_strdup(b.data))) rc = AG_ENOMEM;
  }
  if (!rc) {
    qsort(list, n, sizeof *list, cmp_str);
    for (size_t i = 0; i < n; i++)
      if (!i || strcmp(list[i], list[i - 1]) != 0) fprintf(out, "%s\n", list[i]);
    if (fflush(out) != 0 || ferror(out)) rc = AG_EIO;
  }
  for (size_t i = 0; list && i < n; i++) free(list[i]);
  free(list);
  ag_buf_destroy(&b);
  return rc;
}
