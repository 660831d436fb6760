/* Node-link JSON writer, the shape networkx's node_link_graph, D3, sigma.js
 * and Cytoscape.js examples load:
 *   {"directed": true, "multigraph": true, "graph": {...},
 *    "nodes": [{"id": ..., attrs}], "links": [{"source", "target", "key",
 *    "id", attrs}]}
 * Attributes follow the shared table; empty strings and non-finite numbers
 * are left out, so the output is always valid JSON (no NaN). */
#include "internal.h"

#include <igraph.h>
#include <math.h>

static int write_string(ag_buf *b, const char *key, const char *value) {
  int rc = ag_buf_printf(b, ", \"%s\": \"", key);
  if (!rc) rc = ag_json_escape(b, value ? value : "");
  if (!rc) rc = ag_buf_putc(b, '"');
  return rc;
}

static int write_attrs(ag_buf *b, const igraph_t *g, const ag_attr_key *keys,
                       size_t n, igraph_integer_t id, int is_node) {
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    const ag_attr_key *k = &keys[i];
    if (k->type == AG_ATTR_STRING) {
      const char *s = is_node ? VAS(g, k->name, id) : EAS(g, k->name, id);
      if (s && *s) rc = write_string(b, k->name, s);
    } else if (k->type == AG_ATTR_BOOL) {
      int v = is_node ? VAB(g, k->name, id) : EAB(g, k->name, id);
      rc = ag_buf_printf(b, ", \"%s\": %s", k->name, v ? "true" : "false");
    } else {
      double v = is_node ? VAN(g, k->name, id) : EAN(g, k->name, id);
      if (!isfinite(v)) continue;
      rc = ag_buf_printf(b, k->type == AG_ATTR_INT ? ", \"%s\": %.0f" : ", \"%s\": %.15g",
                         k->name, v);
    }
  }
  return rc;
}

static int write_nodes(ag_buf *b, const igraph_t *g) {
  igraph_integer_t nv = igraph_vcount(g);
  int rc = ag_buf_puts(b, "  \"nodes\": [");
  for (igraph_integer_t v = 0; v < nv && !rc; v++) {
    rc = ag_buf_puts(b, v ? ",\n    {\"id\": \"" : "\n    {\"id\": \"");
    if (!rc) rc = ag_json_escape(b, VAS(g, "id", v));
    if (!rc) rc = ag_buf_putc(b, '"');
    if (!rc) rc = write_attrs(b, g, ag_node_keys, ag_n_node_keys, v, 1);
    if (!rc) rc = ag_buf_putc(b, '}');
  }
  if (!rc) rc = ag_buf_puts(b, nv ? "\n  ],\n" : "],\n");
  return rc;
}

/* "key" is what networkx keys a multigraph edge by; "id" is what D3 and
 * Cytoscape.js use.  Both are the edge id of the other formats. */
static int write_links(ag_buf *b, const igraph_t *g) {
  igraph_integer_t ne = igraph_ecount(g);
  int rc = ag_buf_puts(b, "  \"links\": [");
  for (igraph_integer_t e = 0; e < ne && !rc; e++) {
    rc = ag_buf_puts(b, e ? ",\n    {\"source\": \"" : "\n    {\"source\": \"");
    if (!rc) rc = ag_json_escape(b, VAS(g, "id", IGRAPH_FROM(g, e)));
    if (!rc) rc = ag_buf_puts(b, "\", \"target\": \"");
    if (!rc) rc = ag_json_escape(b, VAS(g, "id", IGRAPH_TO(g, e)));
    if (!rc) rc = ag_buf_printf(b, "\", \"key\": \"e%ld\", \"id\": \"e%ld\"", (long)e, (long)e);
    if (!rc) rc = write_attrs(b, g, ag_edge_keys, ag_n_edge_keys, e, 0);
    if (!rc) rc = ag_buf_putc(b, '}');
  }
  if (!rc) rc = ag_buf_puts(b, ne ? "\n  ]\n" : "]\n");
  return rc;
}

int ag_write_json(const ag_graph *graph, ag_buf *b) {
  const igraph_t *g = ag_graph_igraph(graph);
  int rc = ag_buf_puts(b,
                       "{\n  \"directed\": true,\n  \"multigraph\": true,\n"
                       "  \"graph\": {\"name\": \"actorgraph\", \"generator\": "
                       "\"actorgraph " AG_VERSION_STRING "\"},\n");
  if (!rc) rc = write_nodes(b, g);
  if (!rc) rc = write_links(b, g);
  if (!rc) rc = ag_buf_puts(b, "}\n");
  return rc;
}
