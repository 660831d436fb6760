/* DOT writer for Graphviz: shape and colour by actor type, the relation as
 * edge label and colour, and a legend as an HTML-table graph label.  Every ID
 * and value is quoted and escaped; no layout engine is pinned. */
#include "internal.h"

#include <igraph.h>
#include <math.h>
#include <string.h>

static int quoted(ag_buf *b, const char *s) {
  int rc = ag_buf_putc(b, '"');
  if (!rc) rc = ag_dot_escape(b, s ? s : "");
  if (!rc) rc = ag_buf_putc(b, '"');
  return rc;
}

static int attr(ag_buf *b, const char *name, const char *value, int first) {
  int rc = ag_buf_printf(b, "%s%s=", first ? "" : ", ", name);
  if (!rc) rc = quoted(b, value);
  return rc;
}

static const char *shape_of(const char *type) {
  int t = ag_type_from_name(type);
  return ag_type_shape(t < 0 ? AG_TYPE_OTHER : t);
}

/* The legend lists the actor types present, in the order of the type table. */
static int write_legend(ag_buf *b, const igraph_t *g) {
  int present[AG_TYPE_COUNT] = {0}, any = 0, unknown = 0, sanctioned = 0, rc;
  for (igraph_integer_t v = 0; v < igraph_vcount(g); v++) {
    int t = ag_type_from_name(VAS(g, "actor_type", v));
    present[t < 0 ? AG_TYPE_OTHER : t] = any = 1;
    unknown |= !VAB(g, "known", v);
    sanctioned |= VAB(g, "sanctioned", v);
  }
  if (!any) return 0;
  rc = ag_buf_puts(b,
                   "  label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" "
                   "CELLSPACING=\"0\" CELLPADDING=\"3\">"
                   "<TR><TD COLSPAN=\"2\"><B>actor types</B></TD></TR>");
  for (int t = 0; t < AG_TYPE_COUNT && !rc; t++) {
    if (!present[t]) continue;
    rc = ag_buf_printf(b,
                       "<TR><TD BGCOLOR=\"%s\" WIDTH=\"14\"></TD>"
                       "<TD ALIGN=\"LEFT\">%s (%s)</TD></TR>",
                       ag_type_color(t), ag_type_name(t), ag_type_shape(t));
  }
  if (!rc && sanctioned)
    rc = ag_buf_puts(b, "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\">double red border: "
                        "sanctioned</TD></TR>");
  if (!rc && unknown)
    rc = ag_buf_puts(b, "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\">dashed: not in the "
                        "dictionary</TD></TR>");
  if (!rc) rc = ag_buf_puts(b, "</TABLE>>;\n  labelloc=\"b\";\n  labeljust=\"l\";\n");
  return rc;
}

static int write_nodes(ag_buf *b, const igraph_t *g) {
  int rc = 0;
  for (igraph_integer_t v = 0; v < igraph_vcount(g) && !rc; v++) {
    const char *type = VAS(g, "actor_type", v);
    rc = ag_buf_puts(b, "  ");
    if (!rc) rc = quoted(b, VAS(g, "id", v));
    if (!rc) rc = ag_buf_puts(b, " [");
    if (!rc) rc = attr(b, "label", VAS(g, "label", v), 1);
    if (!rc) rc = attr(b, "shape", shape_of(type), 0);
    if (!rc) rc = attr(b, "fillcolor", VAS(g, "color", v), 0);
    if (!rc) rc = attr(b, "tooltip", type, 0);
    /* actors found in text but missing from the dictionary: dashed */
    if (!rc && !VAB(g, "known", v)) rc = attr(b, "style", "filled,dashed", 0);
    /* sanctioned actors: a double red border, and the programs on hover */
    if (!rc && VAB(g, "sanctioned", v)) {
      rc = attr(b, "peripheries", "2", 0);
      if (!rc) rc = attr(b, "color", "#d62728", 0);
      if (!rc) rc = attr(b, "penwidth", "2", 0);
    }
    if (!rc) rc = ag_buf_puts(b, "];\n");
  }
  return rc;
}

static int write_edges(ag_buf *b, const igraph_t *g) {
  int rc = 0;
  char width[32];
  for (igraph_integer_t e = 0; e < igraph_ecount(g) && !rc; e++) {
    double w = EAN(g, "weight", e);
    snprintf(width, sizeof width, "%.2f",
             1.0 + log2(isfinite(w) && w > 1.0 ? w : 1.0));
    rc = ag_buf_puts(b, "  ");
    if (!rc) rc = quoted(b, VAS(g, "id", IGRAPH_FROM(g, e)));
    if (!rc) rc = ag_buf_puts(b, " -> ");
    if (!rc) rc = quoted(b, VAS(g, "id", IGRAPH_TO(g, e)));
    if (!rc) rc = ag_buf_puts(b, " [");
    if (!rc) rc = attr(b, "label", EAS(g, "relation", e), 1);
    if (!rc) rc = attr(b, "color", EAS(g, "color", e), 0);
    if (!rc) rc = attr(b, "fontcolor", EAS(g, "color", e), 0);
    if (!rc) rc = attr(b, "penwidth", width, 0);
    if (!rc) rc = attr(b, "tooltip", EAS(g, "evidence", e), 0);
    if (!rc && EAN(g, "symmetric", e) == 1.0) rc = attr(b, "dir", "none", 0);
    /* kept negated or hypothetical statements: dashed or dotted */
    if (!rc && strcmp(EAS(g, "modality", e), "asserted") != 0)
      rc = attr(b, "style",
                strcmp(EAS(g, "modality", e), "negated") == 0 ? "dotted" : "dashed", 0);
    if (!rc) rc = ag_buf_puts(b, "];\n");
  }
  return rc;
}

int ag_write_dot(const ag_graph *graph, ag_buf *b) {
  const igraph_t *g = ag_graph_igraph(graph);
  int rc = ag_buf_puts(
      b,
      "digraph \"actorgraph\" {\n"
      "  graph [rankdir=\"LR\", fontname=\"Helvetica\", fontsize=\"10\", "
      "nodesep=\"0.3\", ranksep=\"0.6\"];\n"
      "  node [fontname=\"Helvetica\", fontsize=\"10\", style=\"filled\", "
      "fontcolor=\"white\", color=\"#333333\"];\n"
      "  edge [fontname=\"Helvetica\", fontsize=\"9\", arrowsize=\"0.7\"];\n");
  if (!rc) rc = write_legend(b, g);
  if (!rc) rc = write_nodes(b, g);
  if (!rc) rc = write_edges(b, g);
  if (!rc) rc = ag_buf_puts(b, "}\n");
  return rc;
}
