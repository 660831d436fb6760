/* The stats report: what a run read and found, as a table or as JSON. */
#include "internal.h"

#include <igraph.h>
#include <math.h>
#include <string.h>

static const igraph_t *G; /* qsort has no context argument in C11 */

static int cmp_rank(const void *a, const void *b) {
  igraph_integer_t x = *(const igraph_integer_t *)a, y = *(const igraph_integer_t *)b;
  double px = VAN(G, "pagerank", x), py = VAN(G, "pagerank", y);
  if (px != py) return px > py ? -1 : 1;
  return strcmp(VAS(G, "id", x), VAS(G, "id", y));
}

typedef struct rel_count {
  const char *name;
  size_t edges;
  double mentions;
} rel_count;

static int cmp_rel(const void *a, const void *b) {
  const rel_count *x = a, *y = b;
  if (x->edges != y->edges) return x->edges > y->edges ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* Edges and mentions per relation, most edges first. */
static rel_count *count_relations(const igraph_t *g, size_t *n) {
  igraph_integer_t ne = igraph_ecount(g);
  rel_count *rs = calloc((size_t)ne + 1, sizeof *rs);
  *n = 0;
  if (!rs) return NULL;
  for (igraph_integer_t e = 0; e < ne; e++) {
    const char *name = EAS(g, "relation", e);
    size_t k = 0;
    while (k < *n && strcmp(rs[k].name, name) != 0) k++;
    if (k == *n) rs[(*n)++].name = name;
    rs[k].edges++;
    rs[k].mentions += EAN(g, "mentions", e);
  }
  qsort(rs, *n, sizeof *rs, cmp_rel);
  return rs;
}

static int json_str(ag_buf *b, const char *key, const char *v) {
  int rc = ag_buf_printf(b, "\"%s\": \"", key);
  if (!rc) rc = ag_json_escape(b, v ? v : "");
  if (!rc) rc = ag_buf_putc(b, '"');
  return rc;
}

static int render(const ag_graph *graph, const ag_extract_counts *c, int keep_modal,
                  int json, size_t top, ag_buf *b) {
  const igraph_t *g = ag_graph_igraph(graph);
  igraph_integer_t nv = igraph_vcount(g);
  size_t nrel = 0, ntop = (size_t)nv < top ? (size_t)nv : top;
  igraph_integer_t *order = calloc((size_t)nv + 1, sizeof *order);
  rel_count *rs = count_relations(g, &nrel);
  int rc = 0;
  if (!order || !rs) {
    rc = AG_ENOMEM;
    goto done;
  }
  for (igraph_integer_t v = 0; v < nv; v++) order[v] = v;
  G = g;
  qsort(order, (size_t)nv, sizeof *order, cmp_rank);
  const char *modal = keep_modal ? "kept" : "dropped";
  if (json) {
    rc = ag_buf_printf(
        b,
        "{\n  \"articles_read\": %zu,\n  \"articles_outside_dates\": %zu,\n  \"sentences\": %zu,\n"
        "  \"mentions\": %zu,\n  \"assertions\": %zu,\n  \"negated\": %zu,\n"
        "  \"hypothetical\": %zu,\n  \"modal\": \"%s\",\n  \"unknown_actors\": %zu,\n"
        "  \"actors\": %zu,\n  \"edges\": %zu,\n  \"top_actors\": [",
        c->articles + c->out_of_window, c->out_of_window, c->sentences, c->mentions, c->assertions,
        c->dropped_negated, c->dropped_hypothetical, modal, c->unknown_actors,
        (size_t)nv, (size_t)igraph_ecount(g));
    for (size_t i = 0; i < ntop && !rc; i++) {
      igraph_integer_t v = order[i];
      rc = ag_buf_puts(b, i ? ",\n    {" : "\n    {");
      if (!rc) rc = json_str(b, "id", VAS(g, "id", v));
      if (!rc) rc = ag_buf_puts(b, ", ");
      if (!rc) rc = json_str(b, "label", VAS(g, "label", v));
      if (!rc) rc = ag_buf_puts(b, ", ");
      if (!rc) rc = json_str(b, "actor_type", VAS(g, "actor_type", v));
      if (!rc)
        rc = ag_buf_printf(b,
                           ", \"pagerank\": %.9g, \"degree\": %.0f, \"betweenness\": %.15g, "
                           "\"community\": %.0f}",
                           VAN(g, "pagerank", v), VAN(g, "degree", v),
                           VAN(g, "betweenness", v), VAN(g, "community", v));
    }
    if (!rc) rc = ag_buf_puts(b, ntop ? "\n  ],\n  \"relations\": [" : "],\n  \"relations\": [");
    for (size_t i = 0; i < nrel && !rc; i++) {
      rc = ag_buf_puts(b, i ? ",\n    {" : "\n    {");
      if (!rc) rc = json_str(b, "relation", rs[i].name);
      if (!rc) rc = ag_buf_printf(b, ", \"edges\": %zu, \"mentions\": %.0f}", rs[i].edges,
                                  rs[i].mentions);
    }
    if (!rc) rc = ag_buf_puts(b, nrel ? "\n  ]\n}\n" : "]\n}\n");
    goto done;
  }
  char neg[40], hyp[40];
  snprintf(neg, sizeof neg, "  negated (%s)", modal);
  snprintf(hyp, sizeof hyp, "  hypothetical (%s)", modal);
  rc = ag_buf_printf(b,
                     "%-26s %zu\n%-26s %zu\n%-26s %zu\n%-26s %zu\n%-26s %zu\n"
                     "%-26s %zu\n%-26s %zu\n%-26s %zu\n%-26s %zu actors, %zu edges\n",
                     "articles read", c->articles + c->out_of_window,
                     "  outside --since/--until", c->out_of_window, "sentences",
                     c->sentences, "actor mentions", c->mentions, "assertions",
                     c->assertions, neg, c->dropped_negated, hyp, c->dropped_hypothetical,
                     "unknown actors related", c->unknown_actors, "graph", (size_t)nv,
                     (size_t)igraph_ecount(g));
  if (!rc && ntop)
    rc = ag_buf_printf(b, "\ntop %zu actors by PageRank\n  %4s  %-9s %6s  %9s  %s\n", ntop,
                       "rank", "pagerank", "degree", "community", "actor");
  for (size_t i = 0; i < ntop && !rc; i++) {
    igraph_integer_t v = order[i];
    rc = ag_buf_printf(b, "  %4zu  %-9.4f %6.0f  %9.0f  %s (%s, %s)\n", i + 1,
                       VAN(g, "pagerank", v), VAN(g, "degree", v), VAN(g, "community", v),
                       VAS(g, "label", v), VAS(g, "id", v), VAS(g, "actor_type", v));
  }
  if (!rc && nrel)
    rc = ag_buf_printf(b, "\nrelations\n  %-22s %6s %9s\n", "relation", "edges", "mentions");
  for (size_t i = 0; i < nrel && !rc; i++)
    rc = ag_buf_printf(b, "  %-22s %6zu %9.0f\n", rs[i].name, rs[i].edges, rs[i].mentions);
done:
  free(order);
  free(rs);
  return rc;
}

int ag_graph_stats(const ag_graph *g, const ag_extract_counts *c, int keep_modal,
                   int json, size_t top, FILE *out, ag_error *err) {
  ag_buf b;
  ag_buf_init(&b);
  int rc = render(g, c, keep_modal, json, top, &b);
  if (rc) rc = ag_err_set(err, AG_ENOMEM, NULL, 0, 0, "out of memory");
  else if (fwrite(b.data, 1, b.len, out) != b.len || fflush(out) != 0)
    rc = ag_err_set(err, AG_EIO, "<stdout>", 0, 0, "cannot write");
  ag_buf_destroy(&b);
  return rc;
}
