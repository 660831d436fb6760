/* CSV node and edge lists with Gephi's spreadsheet headers, which Gephi,
 * Cytoscape, Neo4j LOAD CSV, Excel and pandas all read.  RFC 4180 quoting
 * (a field with a comma, quote, CR or LF is quoted, quotes doubled) with LF
 * line ends.  Gephi's own columns come first (`Id,Label` for nodes;
 * `Source,Target,Kind,Type,Id,Label,Weight` for edges: Kind is the relation,
 * which keeps parallel edges of different relations apart, and Type is
 * Gephi's directed/undirected, always "Directed"); every other attribute of
 * the shared table follows in its order, by name.  Empty strings and
 * non-finite numbers are empty fields. */
#include "internal.h"

#include <igraph.h>
#include <math.h>
#include <string.h>

/* Attributes already written in Gephi's own leading columns. */
static int is_leading(const char *name, int is_node) {
  return strcmp(name, "label") == 0 || (!is_node && strcmp(name, "weight") == 0);
}

static int csv_field(ag_buf *b, const char *s) {
  if (!s) return 0;
  if (!strpbrk(s, ",\"\r\n")) return ag_buf_puts(b, s);
  int rc = ag_buf_putc(b, '"');
  for (; *s && !rc; s++) rc = *s == '"' ? ag_buf_puts(b, "\"\"") : ag_buf_putc(b, *s);
  if (!rc) rc = ag_buf_putc(b, '"');
  return rc;
}

static int csv_number(ag_buf *b, double v, int is_int) {
  if (!isfinite(v)) return 0;
  return ag_buf_printf(b, is_int ? "%.0f" : "%.15g", v);
}

/* The remaining attributes of the table, each preceded by a comma. */
static int write_rest(ag_buf *b, const igraph_t *g, const ag_attr_key *keys, size_t n,
                      igraph_integer_t id, int is_node) {
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    const ag_attr_key *k = &keys[i];
    if (is_leading(k->name, is_node)) continue;
    rc = ag_buf_putc(b, ',');
    if (rc) break;
    if (k->type == AG_ATTR_STRING)
      rc = csv_field(b, is_node ? VAS(g, k->name, id) : EAS(g, k->name, id));
    else if (k->type == AG_ATTR_BOOL)
      rc = ag_buf_puts(b, (is_node ? VAB(g, k->name, id) : EAB(g, k->name, id)) ? "true"
                                                                                 : "false");
    else
      rc = csv_number(b, is_node ? VAN(g, k->name, id) : EAN(g, k->name, id),
                      k->type == AG_ATTR_INT);
  }
  return rc;
}

static int write_header(ag_buf *b, const char *leading, const ag_attr_key *keys,
                        size_t n, int is_node) {
  int rc = ag_buf_puts(b, leading);
  for (size_t i = 0; i < n && !rc; i++) {
    if (is_leading(keys[i].name, is_node)) continue;
    rc = ag_buf_putc(b, ',');
    if (!rc) rc = csv_field(b, keys[i].name);
  }
  if (!rc) rc = ag_buf_putc(b, '\n');
  return rc;
}

int ag_write_csv_nodes(const ag_graph *graph, ag_buf *b) {
  const igraph_t *g = ag_graph_igraph(graph);
  igraph_integer_t nv = igraph_vcount(g);
  int rc = write_header(b, "Id,Label", ag_node_keys, ag_n_node_keys, 1);
  for (igraph_integer_t v = 0; v < nv && !rc; v++) {
    rc = csv_field(b, VAS(g, "id", v));
    if (!rc) rc = ag_buf_putc(b, ',');
    if (!rc) rc = csv_field(b, VAS(g, "label", v));
    if (!rc) rc = write_rest(b, g, ag_node_keys, ag_n_node_keys, v, 1);
    if (!rc) rc = ag_buf_putc(b, '\n');
  }
  return rc ? AG_ENOMEM : 0;
}

int ag_write_csv_edges(const ag_graph *graph, ag_buf *b) {
  const igraph_t *g = ag_graph_igraph(graph);
  igraph_integer_t ne = igraph_ecount(g);
  int rc = write_header(b, "Source,Target,Kind,Type,Id,Label,Weight", ag_edge_keys,
                        ag_n_edge_keys, 0);
  for (igraph_integer_t e = 0; e < ne && !rc; e++) {
    const char *relation = EAS(g, "relation", e), *label = EAS(g, "label", e);
    rc = csv_field(b, VAS(g, "id", IGRAPH_FROM(g, e)));
    if (!rc) rc = ag_buf_putc(b, ',');
    if (!rc) rc = csv_field(b, VAS(g, "id", IGRAPH_TO(g, e)));
    if (!rc) rc = ag_buf_putc(b, ',');
    if (!rc) rc = csv_field(b, relation);
    if (!rc) rc = ag_buf_printf(b, ",Directed,e%ld,", (long)e);
    if (!rc) rc = csv_field(b, label && *label ? label : relation);
    if (!rc) rc = ag_buf_putc(b, ',');
    if (!rc) rc = csv_number(b, EAN(g, "weight", e), 0);
    if (!rc) rc = write_rest(b, g, ag_edge_keys, ag_n_edge_keys, e, 0);
    if (!rc) rc = ag_buf_putc(b, '\n');
  }
  return rc ? AG_ENOMEM : 0;
}
