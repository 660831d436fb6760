/* GEXF 1.3 writer (Gephi's native format).  What it adds over GraphML is a
 * timeline: a dated node or edge lives from its first_seen to its last_seen
 * article date (both inclusive), so Gephi can play the graph over time.  A
 * node's dates span every article that names it, hence every edge it takes
 * part in, so an edge never exists while one of its ends does not.  Elements
 * without a date carry no interval and are always present.
 *
 * Edges carry the relation as `kind` (GEXF 1.3 keeps parallel edges of
 * different kinds apart, as GraphML's `label` does for Gephi), label and
 * weight natively; colours are `viz:color` in decimal r/g/b (networkx fails
 * on the `hex=` form, Gephi Lite ignores alpha). */
#include "internal.h"

#include <igraph.h>
#include <math.h>
#include <string.h>

static const char *type_name(ag_attr_type t) {
  return t == AG_ATTR_STRING ? "string"
         : t == AG_ATTR_INT  ? "integer"
         : t == AG_ATTR_BOOL ? "boolean"
                             : "double";
}

/* Attributes written as GEXF's own attributes rather than as <attvalue>. */
static int is_native(const char *name, int is_node) {
  return strcmp(name, "label") == 0 || (!is_node && strcmp(name, "weight") == 0);
}

static int write_attr(ag_buf *b, const char *name, const char *value) {
  int rc = ag_buf_printf(b, " %s=\"", name);
  if (!rc) rc = ag_xml_escape(b, value, 1);
  if (!rc) rc = ag_buf_putc(b, '"');
  return rc;
}

/* Same as write_attr, but nothing at all for a missing or empty value. */
static int write_opt_attr(ag_buf *b, const char *name, const char *value) {
  return value && *value ? write_attr(b, name, value) : 0;
}

static int write_declarations(ag_buf *b, const ag_attr_key *keys, size_t n,
                              int is_node) {
  int rc = ag_buf_printf(b, "    <attributes class=\"%s\" mode=\"static\">\n",
                         is_node ? "node" : "edge");
  for (size_t i = 0; i < n && !rc; i++) {
    if (is_native(keys[i].name, is_node)) continue;
    rc = ag_buf_puts(b, "      <attribute");
    if (!rc) rc = write_attr(b, "id", keys[i].name);
    if (!rc) rc = write_attr(b, "title", keys[i].name);
    if (!rc) rc = ag_buf_printf(b, " type=\"%s\"/>\n", type_name(keys[i].type));
  }
  if (!rc) rc = ag_buf_puts(b, "    </attributes>\n");
  return rc;
}

/* One <attvalue> per attribute with a value: empty strings and non-finite
 * numbers are left out, as in GraphML. */
static int write_attvalue(ag_buf *b, const igraph_t *g, const ag_attr_key *k,
                          igraph_integer_t id, int is_node) {
  int rc = 0;
  if (k->type == AG_ATTR_STRING) {
    const char *s = is_node ? VAS(g, k->name, id) : EAS(g, k->name, id);
    if (!s || !*s) return 0;
    rc = ag_buf_puts(b, "          <attvalue");
    if (!rc) rc = write_attr(b, "for", k->name);
    if (!rc) rc = write_attr(b, "value", s);
  } else if (k->type == AG_ATTR_BOOL) {
    int v = is_node ? VAB(g, k->name, id) : EAB(g, k->name, id);
    rc = ag_buf_puts(b, "          <attvalue");
    if (!rc) rc = write_attr(b, "for", k->name);
    if (!rc) rc = ag_buf_printf(b, " value=\"%s\"", v ? "true" : "false");
  } else {
    double v = is_node ? VAN(g, k->name, id) : EAN(g, k->name, id);
    if (!isfinite(v)) return 0;
    rc = ag_buf_puts(b, "          <attvalue");
    if (!rc) rc = write_attr(b, "for", k->name);
    if (!rc)
      rc = ag_buf_printf(b, k->type == AG_ATTR_INT ? " value=\"%.0f\"" : " value=\"%.15g\"", v);
  }
  if (!rc) rc = ag_buf_puts(b, "/>\n");
  return rc;
}

static int write_attvalues(ag_buf *b, const igraph_t *g, const ag_attr_key *keys,
                           size_t n, igraph_integer_t id, int is_node) {
  ag_buf tmp;
  ag_buf_init(&tmp);
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++)
    if (!is_native(keys[i].name, is_node)) rc = write_attvalue(&tmp, g, &keys[i], id, is_node);
  /* <attvalues/> must not be empty in the schema: leave it out instead */
  if (!rc && tmp.len) {
    rc = ag_buf_puts(b, "        <attvalues>\n");
    if (!rc) rc = ag_buf_add(b, tmp.data, tmp.len);
    if (!rc) rc = ag_buf_puts(b, "        </attvalues>\n");
  }
  ag_buf_destroy(&tmp);
  return rc;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* "#rrggbb" as decimal r, g, b; nothing for anything else. */
static int write_color(ag_buf *b, const char *color) {
  int rgb[3];
  if (!color || strlen(color) != 7 || color[0] != '#') return 0;
  for (int i = 0; i < 3; i++) {
    int hi = hex_digit(color[1 + 2 * i]), lo = hex_digit(color[2 + 2 * i]);
    if (hi < 0 || lo < 0) return 0;
    rgb[i] = hi * 16 + lo;
  }
  return ag_buf_printf(b, "        <viz:color r=\"%d\" g=\"%d\" b=\"%d\"/>\n", rgb[0],
                       rgb[1], rgb[2]);
}

/* The timeline interval, from the element's first and last article date. */
static int write_interval(ag_buf *b, const char *first, const char *last) {
  int rc = write_opt_attr(b, "start", first);
  if (!rc) rc = write_opt_attr(b, "end", last);
  return rc;
}

static int write_node(ag_buf *b, const igraph_t *g, igraph_integer_t v) {
  int rc = ag_buf_puts(b, "      <node");
  if (!rc) rc = write_attr(b, "id", VAS(g, "id", v));
  if (!rc) rc = write_opt_attr(b, "label", VAS(g, "label", v));
  if (!rc) rc = write_interval(b, VAS(g, "first_seen", v), VAS(g, "last_seen", v));
  if (!rc) rc = ag_buf_puts(b, ">\n");
  if (!rc) rc = write_attvalues(b, g, ag_node_keys, ag_n_node_keys, v, 1);
  if (!rc) rc = write_color(b, VAS(g, "color", v));
  double size = VAN(g, "size", v);
  if (!rc && isfinite(size)) rc = ag_buf_printf(b, "        <viz:size value=\"%.15g\"/>\n", size);
  if (!rc) rc = ag_buf_puts(b, "      </node>\n");
  return rc;
}

static int write_edge(ag_buf *b, const igraph_t *g, igraph_integer_t e) {
  const char *relation = EAS(g, "relation", e), *label = EAS(g, "label", e);
  double weight = EAN(g, "weight", e);
  int rc = ag_buf_printf(b, "      <edge id=\"e%ld\"", (long)e);
  if (!rc) rc = write_attr(b, "source", VAS(g, "id", IGRAPH_FROM(g, e)));
  if (!rc) rc = write_attr(b, "target", VAS(g, "id", IGRAPH_TO(g, e)));
  if (!rc) rc = write_opt_attr(b, "kind", relation);
  if (!rc) rc = write_opt_attr(b, "label", label && *label ? label : relation);
  if (!rc && isfinite(weight)) rc = ag_buf_printf(b, " weight=\"%.15g\"", weight);
  if (!rc) rc = write_interval(b, EAS(g, "first_seen", e), EAS(g, "last_seen", e));
  if (!rc) rc = ag_buf_puts(b, ">\n");
  if (!rc) rc = write_attvalues(b, g, ag_edge_keys, ag_n_edge_keys, e, 0);
  if (!rc) rc = write_color(b, EAS(g, "color", e));
  if (!rc) rc = ag_buf_puts(b, "      </edge>\n");
  return rc;
}

int ag_write_gexf(const ag_graph *graph, ag_buf *b) {
  const igraph_t *g = ag_graph_igraph(graph);
  igraph_integer_t nv = igraph_vcount(g), ne = igraph_ecount(g);
  /* no lastmodifieddate: two runs on the same input give the same bytes */
  int rc = ag_buf_puts(
      b,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" "
      "version=\"1.3\">\n"
      "  <meta>\n    <creator>actorgraph</creator>\n  </meta>\n"
      "  <graph defaultedgetype=\"directed\" mode=\"dynamic\" timeformat=\"date\">\n");
  if (!rc) rc = write_declarations(b, ag_node_keys, ag_n_node_keys, 1);
  if (!rc) rc = write_declarations(b, ag_edge_keys, ag_n_edge_keys, 0);
  if (!rc) rc = ag_buf_puts(b, "    <nodes>\n");
  for (igraph_integer_t v = 0; v < nv && !rc; v++) rc = write_node(b, g, v);
  if (!rc) rc = ag_buf_puts(b, "    </nodes>\n    <edges>\n");
  for (igraph_integer_t e = 0; e < ne && !rc; e++) rc = write_edge(b, g, e);
  if (!rc) rc = ag_buf_puts(b, "    </edges>\n  </graph>\n</gexf>\n");
  return rc ? AG_ENOMEM : 0;
}
