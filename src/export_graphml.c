/* GraphML writer (Gephi, Cytoscape, yEd, networkx, igraph).  Node ids are the
 * actor slugs, edge ids are unique, and each <edge> carries the relation in
 * its XML `label` attribute so Gephi keeps relations between one pair apart. */
#include "internal.h"

#include <igraph.h>
#include <math.h>

static const char *type_name(ag_attr_type t) {
  return t == AG_ATTR_STRING ? "string"
         : t == AG_ATTR_INT  ? "int"
         : t == AG_ATTR_BOOL ? "boolean"
                             : "double";
}

static int write_keys(ag_buf *b, const ag_attr_key *keys, size_t n, const char *dom,
                      char prefix) {
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++)
    rc = ag_buf_printf(b,
                       "  <key id=\"%c_%s\" for=\"%s\" attr.name=\"%s\" "
                       "attr.type=\"%s\"/>\n",
                       prefix, keys[i].name, dom, keys[i].name,
                       type_name(keys[i].type));
  return rc;
}

/* The opening of a <data> element, "      <data key=\"e_NAME\">". */
static int data_open(ag_buf *b, char prefix, const char *name) {
  char head[] = "      <data key=\"x_";
  head[sizeof head - 3] = prefix;
  int rc = ag_buf_add(b, head, sizeof head - 1);
  if (!rc) rc = ag_buf_puts(b, name);
  if (!rc) rc = ag_buf_add(b, "\">", 2);
  return rc;
}

/* A whole number without printf: GraphML files are mostly such lines. */
static int put_whole(ag_buf *b, double v) {
  if (fabs(v) >= 1e15) return ag_buf_printf(b, "%.0f", v);
  char digits[24];
  long long x = llround(v);
  size_t n = 0;
  unsigned long long u = x < 0 ? (unsigned long long)(-(x + 1)) + 1 : (unsigned long long)x;
  do digits[sizeof digits - ++n] = (char)('0' + u % 10); while ((u /= 10) && n < sizeof digits - 1);
  if (x < 0) digits[sizeof digits - ++n] = '-';
  return ag_buf_add(b, digits + sizeof digits - n, n);
}

/* One <data> line per attribute; empty strings and non-finite numbers are
 * left out rather than written as "" or NaN. */
static int write_data(ag_buf *b, const igraph_t *g, const ag_attr_key *keys, size_t n,
                      char prefix, igraph_integer_t id, int is_node) {
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    const ag_attr_key *k = &keys[i];
    if (k->type == AG_ATTR_STRING) {
      const char *s = is_node ? VAS(g, k->name, id) : EAS(g, k->name, id);
      if (!s || !*s) continue;
      rc = data_open(b, prefix, k->name);
      if (!rc) rc = ag_xml_escape(b, s, 0);
    } else if (k->type == AG_ATTR_BOOL) {
      int v = is_node ? VAB(g, k->name, id) : EAB(g, k->name, id);
      rc = data_open(b, prefix, k->name);
      if (!rc) rc = ag_buf_puts(b, v ? "true" : "false");
    } else {
      double v = is_node ? VAN(g, k->name, id) : EAN(g, k->name, id);
      if (!isfinite(v)) continue;
      rc = data_open(b, prefix, k->name);
      if (!rc) rc = k->type == AG_ATTR_INT ? put_whole(b, v) : ag_buf_printf(b, "%.15g", v);
    }
    if (!rc) rc = ag_buf_add(b, "</data>\n", 8);
  }
  return rc;
}

static int write_attr(ag_buf *b, const char *name, const char *value) {
  int rc = ag_buf_printf(b, " %s=\"", name);
  if (!rc) rc = ag_xml_escape(b, value, 1);
  if (!rc) rc = ag_buf_putc(b, '"');
  return rc;
}

int ag_write_graphml(const ag_graph *graph, ag_buf *b) {
  const igraph_t *g = ag_graph_igraph(graph);
  igraph_integer_t nv = igraph_vcount(g), ne = igraph_ecount(g);
  int rc = ag_buf_puts(
      b,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
      "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
  if (!rc) rc = write_keys(b, ag_node_keys, ag_n_node_keys, "node", 'v');
  if (!rc) rc = write_keys(b, ag_edge_keys, ag_n_edge_keys, "edge", 'e');
  if (!rc) rc = ag_buf_puts(b, "  <graph id=\"actorgraph\" edgedefault=\"directed\">\n");
  for (igraph_integer_t v = 0; v < nv && !rc; v++) {
    rc = ag_buf_puts(b, "    <node");
    if (!rc) rc = write_attr(b, "id", VAS(g, "id", v));
    if (!rc) rc = ag_buf_puts(b, ">\n");
    if (!rc) rc = write_data(b, g, ag_node_keys, ag_n_node_keys, 'v', v, 1);
    if (!rc) rc = ag_buf_puts(b, "    </node>\n");
  }
  for (igraph_integer_t e = 0; e < ne && !rc; e++) {
    rc = ag_buf_printf(b, "    <edge id=\"e%ld\"", (long)e);
    if (!rc) rc = write_attr(b, "source", VAS(g, "id", IGRAPH_FROM(g, e)));
    if (!rc) rc = write_attr(b, "target", VAS(g, "id", IGRAPH_TO(g, e)));
    if (!rc) rc = write_attr(b, "label", EAS(g, "relation", e));
    if (!rc) rc = ag_buf_puts(b, ">\n");
    if (!rc) rc = write_data(b, g, ag_edge_keys, ag_n_edge_keys, 'e', e, 0);
    if (!rc) rc = ag_buf_puts(b, "    </edge>\n");
  }
  if (!rc) rc = ag_buf_puts(b, "  </graph>\n</graphml>\n");
  return rc;
}
