/* A small JSON reader: a cursor over one line of text, for JSON lines input
 * (articles) and for merging shards.  Strings are decoded (escapes,
 * surrogate pairs; lone surrogates become U+FFFD); everything else can be
 * read or skipped.  Errors leave a message in p->err. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void ag_json_ws(ag_json *p) {
  while (p->s < p->end && strchr(" \t\r\n", *p->s)) p->s++;
}

static int hex4(const char *s, unsigned *v) {
  *v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (h < 0) return -1;
    *v = *v * 16 + (unsigned)h;
  }
  return 0;
}

int ag_utf8_put(ag_buf *b, unsigned c) {
  char u[4];
  size_t n;
  if (c < 0x80) u[0] = (char)c, n = 1;
  else if (c < 0x800) u[0] = (char)(0xC0 | c >> 6), u[1] = (char)(0x80 | (c & 0x3F)), n = 2;
  else if (c < 0x10000)
    u[0] = (char)(0xE0 | c >> 12), u[1] = (char)(0x80 | ((c >> 6) & 0x3F)),
    u[2] = (char)(0x80 | (c & 0x3F)), n = 3;
  else
    u[0] = (char)(0xF0 | c >> 18), u[1] = (char)(0x80 | ((c >> 12) & 0x3F)),
    u[2] = (char)(0x80 | ((c >> 6) & 0x3F)), u[3] = (char)(0x80 | (c & 0x3F)), n = 4;
  return ag_buf_add(b, u, n);
}

/* A JSON string at p->s, decoded into out (NULL: skipped). */
int ag_json_string(ag_json *p, ag_buf *out) {
  if (p->s >= p->end || *p->s != '"') return p->err = "a string was expected", -1;
  p->s++;
  while (p->s < p->end && *p->s != '"') {
    const char *run = p->s;
    while (p->s < p->end && *p->s != '"' && *p->s != '\\') p->s++;
    if (out && ag_buf_add(out, run, (size_t)(p->s - run))) return p->err = "out of memory", -1;
    if (p->s >= p->end || *p->s == '"') break;
    if (p->end - p->s < 2) break;
    char e = p->s[1];
    unsigned c;
    p->s += 2;
    switch (e) {
      case 'n': c = '\n'; break;
      case 't': c = '\t'; break;
      case 'r': c = '\r'; break;
      case 'b': c = '\b'; break;
      case 'f': c = '\f'; break;
      case '/': case '\\': case '"': c = (unsigned)e; break;
      case 'u':
        if (p->end - p->s < 4 || hex4(p->s, &c)) return p->err = "bad \\u escape", -1;
        p->s += 4;
        if (c >= 0xD800 && c < 0xDC00 && p->end - p->s >= 6 && p->s[0] == '\\' &&
            p->s[1] == 'u') {
          unsigned lo;
          if (!hex4(p->s + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
            c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
            p->s += 6;
          }
        }
        if (c >= 0xD800 && c < 0xE000) c = 0xFFFD; /* a lone surrogate */
        break;
      default: return p->err = "bad escape in a string", -1;
    }
    if (out && ag_utf8_put(out, c)) return p->err = "out of memory", -1;
  }
  if (p->s >= p->end) return p->err = "unterminated string", -1;
  p->s++;
  return 0;
}

/* Any JSON value, skipped; numbers and literals are copied to out if given. */
int ag_json_value(ag_json *p, ag_buf *out, int depth) {
  ag_json_ws(p);
  if (p->s >= p->end) return p->err = "a value was expected", -1;
  if (depth > 64) return p->err = "nested too deep", -1;
  char c = *p->s;
  if (c == '"') return ag_json_string(p, out);
  if (c == '{' || c == '[') {
    char close = c == '{' ? '}' : ']';
    p->s++;
    ag_json_ws(p);
    if (p->s < p->end && *p->s == close) return p->s++, 0;
    for (;;) {
      if (c == '{') {
        ag_json_ws(p);
        if (ag_json_string(p, NULL)) return -1;
        ag_json_ws(p);
        if (p->s >= p->end || *p->s != ':') return p->err = "':' was expected", -1;
        p->s++;
      }
      if (ag_json_value(p, NULL, depth + 1)) return -1;
      ag_json_ws(p);
      if (p->s < p->end && *p->s == ',') {
        p->s++;
        continue;
      }
      if (p->s < p->end && *p->s == close) return p->s++, 0;
      return p->err = "',' or the end of the object was expected", -1;
    }
  }
  const char *v = p->s;
  while (p->s < p->end && !strchr(",}] \t\r\n", *p->s)) p->s++;
  if (p->s == v) return p->err = "a value was expected", -1;
  if (out && ag_buf_add(out, v, (size_t)(p->s - v))) return p->err = "out of memory", -1;
  return 0;
}

int ag_json_char(ag_json *p, char c) {
  ag_json_ws(p);
  if (p->s < p->end && *p->s == c) {
    p->s++;
    return 1;
  }
  return 0;
}

int ag_json_number(ag_json *p, double *v) {
  ag_json_ws(p);
  char tmp[64];
  size_t n = 0;
  while (p->s + n < p->end && n < sizeof tmp - 1 && strchr("+-0123456789.eE", p->s[n])) n++;
  if (!n) return p->err = "a number was expected", -1;
  memcpy(tmp, p->s, n);
  tmp[n] = '\0';
  char *end;
  *v = strtod(tmp, &end);
  if (*end) return p->err = "a number was expected", -1;
  p->s += n;
  return 0;
}

int ag_json_null(ag_json *p) {
  ag_json_ws(p);
  if (p->end - p->s >= 4 && memcmp(p->s, "null", 4) == 0) {
    p->s += 4;
    return 1;
  }
  return 0;
}
