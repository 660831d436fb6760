/* Export stage, shared part: choosing a format, escaping, writing a file
 * atomically.  One file per format holds its writer. */
#include "internal.h"

#include <string.h>

ag_format ag_format_from_name(const char *name) {
  if (strcmp(name, "graphml") == 0) return AG_FORMAT_GRAPHML;
  if (strcmp(name, "dot") == 0 || strcmp(name, "gv") == 0) return AG_FORMAT_DOT;
  if (strcmp(name, "jsonl") == 0) return AG_FORMAT_JSONL;
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

int ag_xml_escape(ag_buf *b, const char *s, int attribute) {
  int rc = 0;
  for (; *s && !rc; s++) {
    unsigned char c = (unsigned char)*s;
    switch (c) {
      case '&': rc = ag_buf_puts(b, "&amp;"); break;
      case '<': rc = ag_buf_puts(b, "&lt;"); break;
      case '>': rc = ag_buf_puts(b, "&gt;"); break;
      case '"': rc = attribute ? ag_buf_puts(b, "&quot;") : ag_buf_putc(b, '"'); break;
      case '\t': rc = attribute ? ag_buf_puts(b, "&#9;") : ag_buf_putc(b, '\t'); break;
      case '\n': rc = attribute ? ag_buf_puts(b, "&#10;") : ag_buf_putc(b, '\n'); break;
      case '\r': rc = ag_buf_puts(b, "&#13;"); break;
      default:
        if (!is_dropped(c)) rc = ag_buf_putc(b, (char)c);
    }
  }
  return rc;
}

int ag_json_escape(ag_buf *b, const char *s) {
  int rc = 0;
  for (; *s && !rc; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"') rc = ag_buf_puts(b, "\\\"");
    else if (c == '\\') rc = ag_buf_puts(b, "\\\\");
    else if (c == '\n') rc = ag_buf_puts(b, "\\n");
    else if (c == '\t') rc = ag_buf_puts(b, "\\t");
    else if (c == '\r') rc = ag_buf_puts(b, "\\r");
    else if (c < 0x20 || c == 0x7F) rc = ag_buf_printf(b, "\\u%04x", c);
    else rc = ag_buf_putc(b, (char)c);
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

int ag_graph_write(const ag_graph *g, const char *path, ag_format format,
                   ag_error *err) {
  ag_buf out;
  ag_buf_init(&out);
  if (format == AG_FORMAT_UNKNOWN) format = ag_format_from_path(path);
  int rc = render(g, format, &out, err);
  if (rc == AG_EUSAGE && err) snprintf(err->file, sizeof err->file, "%s", path);
  if (!rc) rc = ag_write_atomic(path, out.data ? out.data : "", out.len, err);
  ag_buf_destroy(&out);
  return rc;
}

int ag_graph_write_stream(const ag_graph *g, FILE *f, ag_format format,
                          ag_error *err) {
  ag_buf out;
  ag_buf_init(&out);
  int rc = render(g, format, &out, err);
  if (!rc && (fwrite(out.data, 1, out.len, f) != out.len || fflush(f) != 0))
    rc = ag_err_set(err, AG_EIO, NULL, 0, 0, "cannot write output");
  ag_buf_destroy(&out);
  return rc;
}

int ag_write_file(const char *path, const char *data, size_t n, ag_error *err) {
  return ag_write_atomic(path, data, n, err);
}
