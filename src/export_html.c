/* Self-contained HTML viewer: the page template, its CSS and script and the
 * vendored Cytoscape.js are embedded at build time (cmake/EmbedViewer.cmake,
 * tools/ag_embed.c) as the text before and after the graph; this writer puts
 * the node-link JSON between the two, made safe for a <script> element. */
#include "internal.h"

/* Generated into the build tree from web/. */
extern const int ag_viewer_built;
extern const size_t ag_viewer_head_len, ag_viewer_tail_len;
extern const unsigned char ag_viewer_head[], ag_viewer_tail[];

int ag_html_available(void) { return ag_viewer_built; }

/* Copy JSON into a <script type="application/json"> element.  '<', '>' and
 * '&' become \u escapes, so no "</script" or "<!--" can end or bend the
 * element, and U+2028/U+2029 are escaped too.  JSON has these characters
 * only inside strings, where the escapes mean the same thing. */
static int put_script_safe(ag_buf *b, const char *s, size_t n) {
  int rc = 0;
  size_t done = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    const unsigned char c = (unsigned char)s[i];
    const char *esc = NULL;
    size_t skip = 1;
    if (c == '<') esc = "\\u003c";
    else if (c == '>') esc = "\\u003e";
    else if (c == '&') esc = "\\u0026";
    else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
             ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
      esc = (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
      skip = 3;
    }
    if (!esc) continue;
    rc = ag_buf_add(b, s + done, i - done);
    if (!rc) rc = ag_buf_puts(b, esc);
    done = i + skip;
    i += skip - 1;
  }
  if (!rc) rc = ag_buf_add(b, s + done, n - done);
  return rc;
}

int ag_write_html(const ag_graph *g, ag_buf *out) {
  ag_buf json;
  ag_buf_init(&json);
  int rc = ag_viewer_built ? 0 : AG_EUSAGE;
  if (!rc) rc = ag_write_json(g, &json);
  if (!rc) rc = ag_buf_add(out, (const char *)ag_viewer_head, ag_viewer_head_len);
  if (!rc) rc = put_script_safe(out, json.data ? json.data : "", json.len);
  if (!rc) rc = ag_buf_add(out, (const char *)ag_viewer_tail, ag_viewer_tail_len);
  ag_buf_destroy(&json);
  return rc;
}
