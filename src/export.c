/* Export stage, shared part: choosing a format, escaping, writing a file
 * atomically.  One file per format holds its writer. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Node and edge attributes, in the order every exporter writes them. */
const ag_attr_key ag_node_keys[] = {
    {"label", AG_ATTR_STRING},      {"actor_type", AG_ATTR_STRING},
    {"color", AG_ATTR_STRING},      {"size", AG_ATTR_DOUBLE},
    {"mentions", AG_ATTR_INT},      {"articles", AG_ATTR_INT},
    {"first_seen", AG_ATTR_STRING}, {"last_seen", AG_ATTR_STRING},
    {"aliases", AG_ATTR_STRING},    {"country", AG_ATTR_STRING},
    {"affiliation", AG_ATTR_STRING}, {"known", AG_ATTR_BOOL},
    {"code", AG_ATTR_STRING},       {"sanctioned", AG_ATTR_BOOL},
    {"sanction_programs", AG_ATTR_STRING},
    {"in_degree", AG_ATTR_INT},     {"out_degree", AG_ATTR_INT},
    {"degree", AG_ATTR_INT},        {"pagerank", AG_ATTR_DOUBLE},
    {"betweenness", AG_ATTR_DOUBLE}, {"community", AG_ATTR_INT}};
const size_t ag_n_node_keys = sizeof ag_node_keys / sizeof ag_node_keys[0];

const ag_attr_key ag_edge_keys[] = {
    {"relation", AG_ATTR_STRING},   {"label", AG_ATTR_STRING},
    {"weight", AG_ATTR_DOUBLE},     {"mentions", AG_ATTR_INT},
    {"articles", AG_ATTR_INT},      {"first_seen", AG_ATTR_STRING},
    {"last_seen", AG_ATTR_STRING},  {"evidence", AG_ATTR_STRING},
    {"sources", AG_ATTR_STRING},    {"color", AG_ATTR_STRING},
    {"modality", AG_ATTR_STRING},   {"confidence", AG_ATTR_DOUBLE},
    {"amount", AG_ATTR_DOUBLE},     {"currency", AG_ATTR_STRING},
    {"amounts", AG_ATTR_STRING},    {"attributed_by", AG_ATTR_STRING},
    {"source_role", AG_ATTR_STRING}, {"target_role", AG_ATTR_STRING},
    {"cameo", AG_ATTR_STRING},      {"plover", AG_ATTR_STRING}};
const size_t ag_n_edge_keys = sizeof ag_edge_keys / sizeof ag_edge_keys[0];

static const struct {
  const char *name;
  ag_format format;
} FORMAT_NAMES[] = {
    {"graphml", AG_FORMAT_GRAPHML}, {"dot", AG_FORMAT_DOT}, {"gv", AG_FORMAT_DOT},
    {"jsonl", AG_FORMAT_JSONL},     {"gexf", AG_FORMAT_GEXF}, {"csv", AG_FORMAT_CSV},
    {"json", AG_FORMAT_JSON},       {"html", AG_FORMAT_HTML}, {"htm", AG_FORMAT_HTML},
    {"svg", AG_FORMAT_SVG},         {"png", AG_FORMAT_PNG},   {"pdf", AG_FORMAT_PDF}};

ag_format ag_format_from_name(const char *name) {
  for (size_t i = 0; i < sizeof FORMAT_NAMES / sizeof FORMAT_NAMES[0]; i++)
    if (strcmp(name, FORMAT_NAMES[i].name) == 0) return FORMAT_NAMES[i].format;
  return AG_FORMAT_UNKNOWN;
}

ag_format ag_format_from_path(const char *path) {
  const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
  if (!dot || (slash && dot < slash)) return AG_FORMAT_UNKNOWN;
  return ag_format_from_name(dot + 1);
}

/* Control characters other than tab, newline and CR never reach an output;
 * text was cleaned when read, this is the second line of defence. */
static int is_dropped(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
}

/* The bytes each escaper must look at; runs of the others are copied
 * whole.  NUL ends the text for all three. */
enum { ESC_XML_TEXT = 1, ESC_XML_ATTR = 2, ESC_JSON = 4 };
#define ALL (ESC_XML_TEXT | ESC_XML_ATTR | ESC_JSON)
static const unsigned char ESCAPED[256] = {
    [0] = ALL, ['\t'] = ESC_XML_ATTR | ESC_JSON, ['\n'] = ESC_XML_ATTR | ESC_JSON,
    [1] = ALL, [2] = ALL, [3] = ALL, [4] = ALL, [5] = ALL, [6] = ALL, [7] = ALL, [8] = ALL,
    [11] = ALL, [12] = ALL, [13] = ALL, [14] = ALL, [15] = ALL, [16] = ALL, [17] = ALL, [18] = ALL,
    [19] = ALL, [20] = ALL, [21] = ALL, [22] = ALL, [23] = ALL, [24] = ALL, [25] = ALL, [26] = ALL,
    [27] = ALL, [28] = ALL, [29] = ALL, [30] = ALL, [31] = ALL,
    [0x7F] = ALL, ['&'] = ESC_XML_TEXT | ESC_XML_ATTR, ['<'] = ESC_XML_TEXT | ESC_XML_ATTR,
    ['>'] = ESC_XML_TEXT | ESC_XML_ATTR, ['"'] = ESC_XML_ATTR | ESC_JSON, ['\\'] = ESC_JSON};
#undef ALL

/* Length of the run at s that needs no escape under mask. */
static size_t plain_run(const char *s, unsigned mask) {
  const unsigned char *u = (const unsigned char *)s;
  size_t n = 0;
  while (!(ESCAPED[u[n]] & mask)) n++;
  return n;
}

int ag_xml_escape(ag_buf *b, const char *s, int attribute) {
  unsigned mask = attribute ? ESC_XML_ATTR : ESC_XML_TEXT;
  int rc = 0;
  while (!rc) {
    size_t n = plain_run(s, mask);
    if (n && (rc = ag_buf_add(b, s, n))) break;
    s += n;
    switch ((unsigned char)*s++) {
      case '\0': return 0;
      case '&': rc = ag_buf_puts(b, "&amp;"); break;
      case '<': rc = ag_buf_puts(b, "&lt;"); break;
      case '>': rc = ag_buf_puts(b, "&gt;"); break;
      case '"': rc = ag_buf_puts(b, "&quot;"); break; /* attributes only */
      case '\t': rc = ag_buf_puts(b, "&#9;"); break;   /* attributes only */
      case '\n': rc = ag_buf_puts(b, "&#10;"); break;  /* attributes only */
      case '\r': rc = ag_buf_puts(b, "&#13;"); break;
      default: break; /* dropped: see is_dropped */
    }
  }
  return rc;
}

int ag_json_escape(ag_buf *b, const char *s) {
  int rc = 0;
  while (!rc) {
    size_t n = plain_run(s, ESC_JSON);
    if (n && (rc = ag_buf_add(b, s, n))) break;
    s += n;
    unsigned char c = (unsigned char)*s++;
    if (c == '\0') return 0;
    if (c == '"') rc = ag_buf_puts(b, "\\\"");
    else if (c == '\\') rc = ag_buf_puts(b, "\\\\");
    else if (c == '\n') rc = ag_buf_puts(b, "\\n");
    else if (c == '\t') rc = ag_buf_puts(b, "\\t");
    else if (c == '\r') rc = ag_buf_puts(b, "\\r");
    else rc = ag_buf_printf(b, "\\u%04x", c);
  }
  return rc;
}

int ag_dot_escape(ag_buf *b, const char *s) {
  int rc = 0;
  for (; *s && !rc; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '\\') rc = ag_buf_puts(b, "\\\\");
    else if (c == '"') rc = ag_buf_puts(b, "\\\"");
    else if (c == '\n') rc = ag_buf_puts(b, "\\n");
    else if (c == '\t' || c == '\r') rc = ag_buf_putc(b, ' ');
    else if (!is_dropped(c)) rc = ag_buf_putc(b, (char)c);
  }
  return rc;
}

static int render(const ag_graph *g, ag_format format, ag_buf *out,
                  ag_error *err) {
  int rc;
  switch (format) {
    case AG_FORMAT_GRAPHML: rc = ag_write_graphml(g, out); break;
    case AG_FORMAT_DOT: rc = ag_write_dot(g, out); break;
    case AG_FORMAT_GEXF: rc = ag_write_gexf(g, out); break;
    case AG_FORMAT_JSON: rc = ag_write_json(g, out); break;
    case AG_FORMAT_HTML:
      if (!ag_html_available())
        return ag_err_set(err, AG_EUSAGE, NULL, 0, 0,
                          "this build has no HTML viewer: run scripts/vendor-js, "
                          "then rebuild");
      rc = ag_write_html(g, out);
      break;
    case AG_FORMAT_SVG:
    case AG_FORMAT_PNG:
    case AG_FORMAT_PDF: return ag_render_graphviz(g, format, out, err);
    case AG_FORMAT_CSV:
      return ag_err_set(err, AG_EUSAGE, NULL, 0, 0,
                        "CSV is two files: give -o NAME.csv (writes "
                        "NAME-nodes.csv and NAME-edges.csv)");
    case AG_FORMAT_JSONL: {
      size_t n;
      const char *p = ag_graph_provenance(g, &n);
      rc = ag_buf_add(out, p, n);
      break;
    }
    default:
      return ag_err_set(err, AG_EUSAGE, NULL, 0, 0, "unknown output format");
  }
  if (rc) ag_err_set(err, rc, NULL, 0, 0, "out of memory");
  return rc;
}

/* One file of a CSV pair (edges or nodes) into o, as render_to does. */
static int render_csv(const ag_graph *g, int edges, ag_out *o, ag_error *err) {
  ag_buf out;
  ag_buf_init(&out);
  out.sink = o->f;
  int rc = edges ? ag_write_csv_edges(g, &out) : ag_write_csv_nodes(g, &out);
  if (rc) rc = ag_err_set(err, AG_ENOMEM, o->path, 0, 0, "out of memory");
  else if (ag_buf_drain(&out))
    rc = ag_err_set(err, AG_EIO, o->path, 0, 0, "cannot write: %s", strerror(errno));
  ag_buf_destroy(&out);
  if (!rc) rc = ag_out_close(o, err);
  else ag_out_abort(o);
  return rc;
}

/* Render into o's file as it goes: the buffer drains every AG_SINK_CHUNK
 * bytes, so a big graph is never held whole as text.  On success o is
 * closed (not yet renamed); on failure it is discarded. */
static int render_to(const ag_graph *g, ag_format format, ag_out *o, ag_error *err) {
  ag_buf out;
  ag_buf_init(&out);
  out.sink = o->f;
  int rc = render(g, format, &out, err);
  if (!rc && ag_buf_drain(&out))
    rc = ag_err_set(err, AG_EIO, o->f == stdout ? "<stdout>" : o->path, 0, 0,
                    "cannot write: %s", strerror(errno));
  ag_buf_destroy(&out);
  if (!rc) rc = ag_out_close(o, err);
  else ag_out_abort(o);
  return rc;
}

/* NAME.csv becomes NAME-nodes.csv and NAME-edges.csv; both are written to
 * temporary files before either is renamed, and the edges file is renamed
 * first, so a failure leaves no nodes file that claims a complete pair. */
static int write_csv_pair(const ag_graph *g, const char *path, ag_error *err) {
  ag_buf name;
  ag_buf_init(&name);
  ag_out edges, nodes;
  int rc = 0, have_edges = 0;
  size_t stem = strlen(path);
  const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
  if (dot && (!slash || dot > slash) && strcmp(dot, ".csv") == 0) stem = (size_t)(dot - path);
  if (strcmp(path, "-") == 0) {
    rc = ag_err_set(err, AG_EUSAGE, "-", 0, 0,
                    "CSV is two files: give -o NAME.csv (writes NAME-nodes.csv "
                    "and NAME-edges.csv)");
    goto done;
  }
  if (ag_buf_printf(&name, "%.*s-edges.csv", (int)stem, path)) goto nomem;
  if ((rc = ag_out_open(&edges, name.data, err))) goto done;
  have_edges = 1;
  if ((rc = render_csv(g, 1, &edges, err))) {
    have_edges = 0;
    goto done;
  }
  ag_buf_clear(&name);
  if (ag_buf_printf(&name, "%.*s-nodes.csv", (int)stem, path)) goto nomem;
  if ((rc = ag_out_open(&nodes, name.data, err))) goto done;
  if ((rc = render_csv(g, 0, &nodes, err))) goto done;
  if ((rc = ag_out_commit(&edges, err))) {
    have_edges = 0;
    ag_out_abort(&nodes);
    goto done;
  }
  have_edges = 0;
  rc = ag_out_commit(&nodes, err);
  goto done;
nomem:
  rc = ag_err_set(err, AG_ENOMEM, path, 0, 0, "out of memory");
done:
  if (have_edges) ag_out_abort(&edges);
  ag_buf_destroy(&name);
  return rc;
}

int ag_graph_write(const ag_graph *g, const char *path, ag_format format,
                   ag_error *err) {
  if (format == AG_FORMAT_UNKNOWN) format = ag_format_from_path(path);
  if (format == AG_FORMAT_CSV) return write_csv_pair(g, path, err);
  /* a format this build cannot write is an error before any file is made */
  if (format == AG_FORMAT_UNKNOWN || (format == AG_FORMAT_HTML && !ag_html_available())) {
    ag_buf none;
    ag_buf_init(&none);
    int rc = render(g, format, &none, err);
    ag_buf_destroy(&none);
    if (rc == AG_EUSAGE && err) ag_copy_str(err->file, sizeof err->file, path);
    return rc;
  }
  ag_out o;
  int rc = ag_out_open(&o, path, err);
  if (rc) return rc;
  if ((rc = render_to(g, format, &o, err))) {
    if (rc == AG_EUSAGE && err) ag_copy_str(err->file, sizeof err->file, path);
    return rc;
  }
  return ag_out_commit(&o, err);
}

int ag_graph_write_stream(const ag_graph *g, FILE *f, ag_format format,
                          ag_error *err) {
  ag_buf out;
  ag_buf_init(&out);
  out.sink = f;
  int rc = render(g, format, &out, err);
  if (!rc && (ag_buf_drain(&out) || fflush(f) != 0))
    rc = ag_err_set(err, AG_EIO, NULL, 0, 0, "cannot write output");
  ag_buf_destroy(&out);
  return rc;
}

struct ag_output {
  ag_out out;    /* path's temporary file, or a FIFO or device */
  FILE *spool;   /* for stdout: the bytes until the commit */
};

/* An unnamed temporary file in $TMPDIR (else /tmp), removed when closed. */
static FILE *spool_file(void) {
  const char *dir = getenv("TMPDIR");
  ag_buf name;
  ag_buf_init(&name);
  if (ag_buf_printf(&name, "%s/actorgraph-XXXXXX", dir && *dir ? dir : "/tmp")) return NULL;
  int fd = mkstemp(name.data);
  FILE *f = NULL;
  if (fd >= 0) {
    unlink(name.data);
    if (!(f = fdopen(fd, "w+b"))) close(fd);
  }
  ag_buf_destroy(&name);
  return f;
}

int ag_output_open(ag_output **out, const char *path, ag_error *err) {
  ag_output *o = calloc(1, sizeof *o);
  int rc;
  if (!(*out = o)) return ag_err_set(err, AG_ENOMEM, path, 0, 0, "out of memory");
  if (strcmp(path, "-") == 0) {
    if ((o->spool = spool_file())) return 0;
    rc = ag_err_set(err, AG_EIO, "<stdout>", 0, 0,
                    "cannot make a temporary file in $TMPDIR or /tmp: %s", strerror(errno));
  } else if (!(rc = ag_out_open(&o->out, path, err))) {
    return 0;
  }
  free(o);
  *out = NULL;
  return rc;
}

FILE *ag_output_file(ag_output *o) { return o->spool ? o->spool : o->out.f; }

int ag_output_commit(ag_output *o, ag_error *err) {
  int rc = 0;
  if (o->spool) { /* now to stdout, whole */
    char buf[1 << 16];
    size_t n;
    int bad = fflush(o->spool) != 0 || ferror(o->spool) || fseek(o->spool, 0, SEEK_SET) != 0;
    while (!bad && (n = fread(buf, 1, sizeof buf, o->spool)) > 0)
      bad = fwrite(buf, 1, n, stdout) != n;
    bad |= ferror(o->spool) != 0 || fflush(stdout) != 0;
    if (bad) rc = ag_err_set(err, AG_EIO, "<stdout>", 0, 0, "cannot write: %s", strerror(errno));
    fclose(o->spool);
  } else {
    rc = ag_out_commit(&o->out, err);
  }
  free(o);
  return rc;
}

void ag_output_abort(ag_output *o) {
  if (!o) return;
  if (o->spool) fclose(o->spool);
  else ag_out_abort(&o->out);
  free(o);
}

int ag_write_file(const char *path, const char *data, size_t n, ag_error *err) {
  return ag_write_atomic(path, data, n, err);
}
