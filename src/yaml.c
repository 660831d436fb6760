/* YAML stage of the rules: a rules file's text -> a tree of nodes.
 *
 * Two readers build the same tree.  libyaml reads any YAML.  The fast
 * reader reads the plain subset rule files are written in (block mappings
 * and sequences, plain and double-quoted scalars, flow lists and mappings,
 * comments) five times faster (the Phoenix import: 0.034 s, libyaml's
 * events 0.17 s), and leaves every other text to libyaml untouched:
 * anything it is not sure of (tabs, anchors, tags, single quotes, block
 * scalars, scalars over several lines, escapes other than \" and \\,
 * document markers, a syntax error) makes it give up before the tree is
 * used.  Both readers feed one builder, so for a text the fast reader
 * accepts, the tree is the one libyaml's events would have built;
 * tests/unit/test_rules.c compares the two on the bundled rules and on
 * texts at the subset's edges, and tests/fuzz/fuzz_yaml.c on any input. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- nesting -------------------------------------------------------------- */

/* Flow collections ([...], {...}) nested deeper than most are refused
 * before libyaml reads them: its scanner slows down with every level
 * (100,000 levels took minutes), and no rule needs more than a few. */
int ag_yaml_check_nesting(const char *text, size_t len, int most, const char *file,
                          ag_error *err) {
  /* the bytes that matter; the rest are skipped in a tight loop */
  static const unsigned char special[256] = {['\n'] = 1, ['\\'] = 1, ['\''] = 1, ['"'] = 1,
                                             ['#'] = 1,  ['['] = 1,  [']'] = 1,  ['{'] = 1,
                                             ['}'] = 1};
  int depth = 0, line = 1;
  size_t ls = 0; /* where the line starts */
  char quote = 0;
  for (size_t i = 0; i < len; i++) {
    while (i < len && !special[(unsigned char)text[i]]) i++;
    if (i >= len) break;
    char c = text[i];
    if (c == '\n') {
      line++;
      ls = i + 1;
    }
    if (quote) {
      if (quote == '"' && c == '\\') i++;                 /* "\"" */
      else if (c == '\'' && quote == '\'' && i + 1 < len && text[i + 1] == '\'')
        i++;                                               /* 'it''s' */
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '#' && (i == 0 || strchr(" \t\n", text[i - 1]))) {
      const char *nl = memchr(text + i, '\n', len - i);
      i = nl ? (size_t)(nl - text) - 1 : len;
    } else if ((c == '"' || c == '\'') && (i == 0 || strchr(" \t\n[{,:-", text[i - 1]))) {
      quote = c;
    } else if (c == '[' || c == '{') {
      if (++depth > most)
        return ag_err_set(err, AG_ERULES, file, line, (int)(i - ls + 1),
                          "collections nested deeper than %d levels (--max-yaml-depth)", most);
    } else if ((c == ']' || c == '}') && depth > 0) {
      depth--;
    }
  }
  return 0;
}

/* ---- the tree and its builder ------------------------------------------------ */

void ag_ydoc_destroy(ag_ydoc *d) {
  free(d->nodes);
  free(d->kids);
  ag_buf_destroy(&d->text);
  memset(d, 0, sizeof *d);
}

/* Collections are open on a stack; the children of the open ones wait in
 * pending until their collection ends, then move to d->kids together. */
typedef struct ybuild {
  ag_ydoc *d;
  uint32_t *open, *pending;
  size_t nopen, cap_open, npending, cap_pending;
  size_t *marks, cap_marks;
} ybuild;

static void yb_destroy(ybuild *b) {
  free(b->open);
  free(b->pending);
  free(b->marks);
}

/* A new node of type at line, col; its id into *id. */
static int yb_node(ybuild *b, uint8_t type, size_t line, size_t col, uint32_t *id) {
  ag_ydoc *d = b->d;
  if (d->nnodes >= UINT32_MAX - 1 || line >= UINT32_MAX || col >= UINT32_MAX ||
      AG_GROW(d->nodes, d->cap_nodes, d->nnodes + 2))
    return AG_ENOMEM;
  if (!d->nnodes) d->nnodes = 1; /* ids start at 1 */
  ag_ynode *n = &d->nodes[d->nnodes];
  memset(n, 0, sizeof *n);
  n->type = type;
  n->line = (uint32_t)line;
  n->col = (uint32_t)col;
  *id = (uint32_t)d->nnodes++;
  return 0;
}

/* A finished node: the child of the innermost open collection, or the root. */
static int yb_done(ybuild *b, uint32_t id) {
  if (!b->nopen) b->d->root = id;
  else if (AG_GROW(b->pending, b->cap_pending, b->npending + 1)) return AG_ENOMEM;
  else b->pending[b->npending++] = id;
  return 0;
}

static int yb_scalar(ybuild *b, int style, size_t line, size_t col, const char *v, size_t n,
                     uint32_t *id) {
  ag_ydoc *d = b->d;
  size_t off = d->text.len;
  if (n >= UINT32_MAX || off >= UINT32_MAX - n - 1 || yb_node(b, YAML_SCALAR_NODE, line, col, id) ||
      ag_buf_add(&d->text, v, n) || ag_buf_putc(&d->text, '\0'))
    return AG_ENOMEM;
  ag_ynode *x = &d->nodes[*id];
  x->style = (uint8_t)style;
  x->first = (uint32_t)off;
  x->n = (uint32_t)n;
  return 0;
}

static int yb_start(ybuild *b, uint8_t type, size_t line, size_t col, uint32_t *id) {
  if (yb_node(b, type, line, col, id) || AG_GROW(b->open, b->cap_open, b->nopen + 1) ||
      AG_GROW(b->marks, b->cap_marks, b->nopen + 1))
    return AG_ENOMEM;
  b->open[b->nopen] = *id;
  b->marks[b->nopen++] = b->npending;
  return 0;
}

static int yb_end(ybuild *b, uint32_t *id) {
  ag_ydoc *d = b->d;
  *id = b->open[--b->nopen];
  size_t from = b->marks[b->nopen], k = b->npending - from;
  if (d->nkids + k >= UINT32_MAX || AG_GROW(d->kids, d->cap_kids, d->nkids + k + 1))
    return AG_ENOMEM;
  ag_ynode *x = &d->nodes[*id];
  x->first = (uint32_t)d->nkids;
  x->n = (uint32_t)(x->type == YAML_MAPPING_NODE ? k / 2 : k);
  if (k) memcpy(d->kids + d->nkids, b->pending + from, k * sizeof *b->pending);
  d->nkids += k;
  b->npending = from;
  return 0;
}

/* The text stops moving: scalars point into it. */
static void yb_finish(ybuild *b) {
  ag_ydoc *d = b->d;
  for (size_t i = 1; i < d->nnodes; i++)
    if (d->nodes[i].type == YAML_SCALAR_NODE) d->nodes[i].value = d->text.data + d->nodes[i].first;
}

/* ---- libyaml's events ------------------------------------------------------- */

/* The parser's error at its mark, as libyaml words it. */
static int parse_error(const yaml_parser_t *p, const char *file, ag_error *err) {
  if (p->error == YAML_MEMORY_ERROR) return ag_err_set(err, AG_ENOMEM, file, 0, 0, "out of memory");
  return ag_err_set(err, AG_ERULES, file, (int)p->problem_mark.line + 1,
                    (int)p->problem_mark.column + 1, "%s%s%s",
                    p->problem ? p->problem : "bad YAML", p->context ? " " : "",
                    p->context ? p->context : "");
}

/* Read one document's events into d: *got 0 at the end of the stream. */
static int events_read(yaml_parser_t *p, ag_ydoc *d, int *got, const char *file, ag_error *err) {
  ybuild b = {d, NULL, NULL, 0, 0, 0, 0, NULL, 0};
  ag_map anchors;
  ag_map_init(&anchors);
  int rc = 0;
  *got = 0;
  for (;;) {
    yaml_event_t e;
    if (!yaml_parser_parse(p, &e)) {
      rc = parse_error(p, file, err);
      break;
    }
    uint32_t id = 0;
    int done = 0;
    const yaml_char_t *anchor = NULL;
    size_t line = e.start_mark.line, col = e.start_mark.column;
    switch (e.type) {
      case YAML_STREAM_START_EVENT:
        break;
      case YAML_STREAM_END_EVENT:
        done = 1;
        break;
      case YAML_DOCUMENT_START_EVENT:
        *got = 1;
        break;
      case YAML_DOCUMENT_END_EVENT:
        done = 1;
        break;
      case YAML_ALIAS_EVENT: {
        size_t target;
        const char *name = (const char *)e.data.alias.anchor;
        if (!ag_map_get(&anchors, name, strlen(name), &target)) {
          rc = ag_err_set(err, AG_ERULES, file, (int)line + 1, (int)col + 1,
                          "found undefined alias '%s'", name);
          break;
        }
        id = (uint32_t)target;
        break;
      }
      case YAML_SCALAR_EVENT:
        anchor = e.data.scalar.anchor;
        rc = yb_scalar(&b, e.data.scalar.style, line, col, (const char *)e.data.scalar.value,
                       e.data.scalar.length, &id);
        break;
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        uint32_t c;
        int seq = e.type == YAML_SEQUENCE_START_EVENT;
        const yaml_char_t *a = seq ? e.data.sequence_start.anchor : e.data.mapping_start.anchor;
        if ((rc = yb_start(&b, seq ? YAML_SEQUENCE_NODE : YAML_MAPPING_NODE, line, col, &c)))
          break;
        if (a && ag_map_put(&anchors, (const char *)a, strlen((const char *)a), c))
          rc = AG_ENOMEM;
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        rc = yb_end(&b, &id);
        break;
      case YAML_NO_EVENT:
        done = 1;
        break;
    }
    if (!rc && anchor && ag_map_put(&anchors, (const char *)anchor, strlen((const char *)anchor), id))
      rc = AG_ENOMEM;
    if (!rc && id) rc = yb_done(&b, id);
    yaml_event_delete(&e);
    if (rc || done) break;
  }
  yb_destroy(&b);
  ag_map_destroy(&anchors);
  if (!rc) yb_finish(&b);
  if (rc == AG_ENOMEM) ag_err_set(err, rc, file, 0, 0, "out of memory");
  return rc;
}

/* ---- the fast reader -------------------------------------------------------- */

#define FAST_DEPTH 64   /* deeper block or flow nesting: libyaml's */
#define FAST_KEY 1000   /* libyaml's simple keys end at 1024 characters */
#define GIVE_UP 1       /* not the subset: libyaml reads the text */

typedef struct fast {
  const char *s;
  size_t n, p;           /* the text and where the reader is */
  size_t line, ls;       /* the line (from 0) and where it starts */
  int ascii;             /* the text is ASCII: columns are byte counts */
  size_t cp, cc;         /* else: byte cp of the line is at column cc */
  ybuild b;
  ag_buf tmp;
  struct {
    int seq;
    size_t indent;
  } blocks[FAST_DEPTH];  /* the open block collections */
  int nblocks;
} fast;

/* Bytes libyaml reads as printable, one line break (\n) allowed; into
 * *ascii whether all are ASCII.  0 when any is not. */
static int printable(const unsigned char *u, size_t n, int *ascii) {
  const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  *ascii = 1;
  for (size_t i = 0; i < n;) {
    uint64_t x;
    /* eight bytes of ASCII from ' ' to '~' at once */
    if (i + 8 <= n && (memcpy(&x, u + i, 8), !(x & high)) &&
        !((x - 0x20 * ones) & ~x & high) && !(((x ^ 0x7F * ones) - ones) & ~(x ^ 0x7F * ones) & high)) {
      i += 8;
      continue;
    }
    unsigned c = u[i];
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n') || c == 0x7F) return 0;
      i++;
      continue;
    }
    *ascii = 0;
    unsigned cp, k;
    if (c >= 0xC2 && c <= 0xDF) cp = c & 0x1F, k = 1;
    else if (c >= 0xE0 && c <= 0xEF) cp = c & 0x0F, k = 2;
    else if (c >= 0xF0 && c <= 0xF4) cp = c & 0x07, k = 3;
    else return 0;
    if (i + k >= n) return 0;
    for (unsigned j = 1; j <= k; j++) {
      if ((u[i + j] & 0xC0) != 0x80) return 0;
      cp = cp << 6 | (u[i + j] & 0x3F);
    }
    if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    /* C1 controls and NEL, surrogates, the BOM, the line and paragraph
     * separators libyaml takes for line breaks, the non-characters */
    if (cp <= 0x9F || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFEFF || cp == 0x2028 ||
        cp == 0x2029 || cp == 0xFFFE || cp == 0xFFFF)
      return 0;
    i += k + 1;
  }
  return 1;
}

/* The column of byte p of the current line, in characters: counted on
 * from the last one asked for (they come in order). */
static size_t col_of(fast *f, size_t p) {
  if (f->ascii) return p - f->ls;
  if (p < f->cp || f->cp < f->ls) f->cp = f->ls, f->cc = 0;
  for (; f->cp < p; f->cp++) f->cc += ((unsigned char)f->s[f->cp] & 0xC0) != 0x80;
  return f->cc;
}

static int at_end(const fast *f, size_t p) { return p >= f->n || f->s[p] == '\n'; }
static int blank_at(const fast *f, size_t p) { return p >= f->n || f->s[p] == ' ' || f->s[p] == '\n'; }

/* After p: only spaces, maybe a comment, then the end of the line. */
static int rest_blank(const fast *f, size_t p) {
  while (p < f->n && f->s[p] == ' ') p++;
  if (at_end(f, p)) return 1;
  return f->s[p] == '#' && f->s[p - 1] == ' ';
}

/* Can c start a plain scalar?  Not an indicator (or a space). */
static int plain_start(char c) {
  return !strchr("-?:,[]{}#&*!|>'\"%@` \n", c);
}

/* A plain scalar of one line from p (block context: flow 0; inside [ ]
 * or { }: flow 1).  Its end (spaces trimmed) into *end, where reading goes
 * on into *next.  In a block, ": " ends it only when key is set (a key),
 * and is a reason to give up otherwise; in a flow, ", [ ] { }" end it. */
static int plain(fast *f, size_t p, int flow, int key, size_t *end, size_t *next) {
  /* 1: may end a scalar in a block, 2: in a flow */
  static const unsigned char stop[256] = {['\n'] = 3, ['#'] = 3, [':'] = 3, [','] = 2,
                                          ['['] = 2,  [']'] = 2, ['{'] = 2, ['}'] = 2,
                                          ['?'] = 2};
  const char *s = f->s;
  unsigned mask = flow ? 2 : 1;
  size_t q = p;
  if (!plain_start(s[p])) return GIVE_UP;
  for (;; q++) {
    while (q < f->n && !(stop[(unsigned char)s[q]] & mask)) q++;
    if (at_end(f, q)) break;
    char c = s[q];
    if (c == '#') {
      if (s[q - 1] == ' ') break;
      continue;
    }
    /* libyaml refuses "x:" before , [ ] { } in a flow ("{a:[b]}") */
    if (c == ':' && blank_at(f, q + 1)) {
      if (!key) return GIVE_UP;
      break;
    }
    if (c == '?' || c == ':') {
      if (flow) return GIVE_UP;
      continue;
    }
    break; /* , [ ] { } in a flow */
  }
  *next = q;
  while (q > p && s[q - 1] == ' ') q--;
  if (key && (*next >= f->n || s[*next] != ':')) return GIVE_UP;
  if (key && q - p > FAST_KEY) return GIVE_UP; /* bytes: at least its characters */
  *end = q;
  return 0;
}

/* A double-quoted scalar on one line at p ("): its value into f->tmp, the
 * byte after its closing quote into *next. */
static int dquoted(fast *f, size_t p, size_t *next) {
  const char *s = f->s;
  size_t q = p + 1, from = q;
  ag_buf_clear(&f->tmp);
  for (;; q++) {
    if (at_end(f, q)) return GIVE_UP;
    if (s[q] == '"') break;
    if (s[q] == '\\') {
      if (q + 1 >= f->n || (s[q + 1] != '\\' && s[q + 1] != '"')) return GIVE_UP;
      if (ag_buf_add(&f->tmp, s + from, q - from)) return AG_ENOMEM;
      from = ++q; /* the escaped character stays */
    }
  }
  if (ag_buf_add(&f->tmp, s + from, q - from)) return AG_ENOMEM;
  *next = q + 1;
  return 0;
}

static int emit_scalar(fast *f, int style, size_t p, const char *v, size_t n) {
  uint32_t id;
  return yb_scalar(&f->b, style, f->line, col_of(f, p), v, n, &id) || yb_done(&f->b, id)
             ? AG_ENOMEM
             : 0;
}

static int emit_end(fast *f) {
  uint32_t id;
  return yb_end(&f->b, &id) || yb_done(&f->b, id) ? AG_ENOMEM : 0;
}

/* To the next line. */
static void next_line(fast *f, size_t p) {
  while (p < f->n && f->s[p] != '\n') p++;
  f->p = p < f->n ? p + 1 : p;
  f->ls = f->p;
  f->line++;
}

/* Inside a flow collection: past spaces, comments and line breaks.  A
 * line it goes on to must be indented more than indent. */
static int flow_space(fast *f, size_t indent) {
  const char *s = f->s;
  for (;;) {
    while (f->p < f->n && s[f->p] == ' ') f->p++;
    if (f->p < f->n && s[f->p] == '#' && (f->p == f->ls || s[f->p - 1] == ' '))
      while (f->p < f->n && s[f->p] != '\n') f->p++;
    if (f->p >= f->n) return GIVE_UP; /* an open collection at the end */
    if (s[f->p] != '\n') return 0;
    next_line(f, f->p);
    size_t q = f->p;
    while (q < f->n && s[q] == ' ') q++;
    if (!at_end(f, q) && s[q] != '#' && q - f->ls <= indent) return GIVE_UP;
  }
}

static int flow_node(fast *f, size_t indent, int depth);

/* [ ... ] or { ... } at f->p, maybe over several lines. */
static int flow_collection(fast *f, size_t indent, int depth) {
  int map = f->s[f->p] == '{', rc;
  char close = map ? '}' : ']';
  uint32_t id;
  if (depth >= FAST_DEPTH) return GIVE_UP;
  if (yb_start(&f->b, map ? YAML_MAPPING_NODE : YAML_SEQUENCE_NODE, f->line,
               col_of(f, f->p), &id))
    return AG_ENOMEM;
  f->p++;
  if ((rc = flow_space(f, indent))) return rc;
  if (f->s[f->p] == close) {
    f->p++;
    return emit_end(f);
  }
  for (;;) {
    if (map) { /* key: value, both on one line */
      size_t end, next;
      if ((rc = plain(f, f->p, 1, 1, &end, &next))) return rc;
      if (emit_scalar(f, YAML_PLAIN_SCALAR_STYLE, f->p, f->s + f->p, end - f->p)) return AG_ENOMEM;
      f->p = next + 1; /* past ':' */
      while (f->p < f->n && f->s[f->p] == ' ') f->p++;
      if (at_end(f, f->p) || strchr(",]}#", f->s[f->p])) return GIVE_UP;
    }
    if ((rc = flow_node(f, indent, depth))) return rc;
    if ((rc = flow_space(f, indent))) return rc;
    if (f->s[f->p] == close) {
      f->p++;
      return emit_end(f);
    }
    if (f->s[f->p] != ',') return GIVE_UP;
    f->p++;
    if ((rc = flow_space(f, indent))) return rc;
    if (strchr(",]}", f->s[f->p])) return GIVE_UP; /* "[a, ]", "[a,,b]" */
  }
}

/* A node inside a flow collection. */
static int flow_node(fast *f, size_t indent, int depth) {
  size_t next, end;
  int rc;
  char c = f->s[f->p];
  if (c == '[' || c == '{') return flow_collection(f, indent, depth + 1);
  if (c == '"') {
    if ((rc = dquoted(f, f->p, &next))) return rc;
    if (emit_scalar(f, YAML_DOUBLE_QUOTED_SCALAR_STYLE, f->p, f->tmp.data ? f->tmp.data : "",
                    f->tmp.len))
      return AG_ENOMEM;
    f->p = next;
    return 0;
  }
  if ((rc = plain(f, f->p, 1, 0, &end, &next))) return rc;
  /* a plain scalar over two lines is libyaml's */
  if (at_end(f, next) && next < f->n) {
    size_t q = next + 1;
    while (q < f->n && (f->s[q] == ' ' || f->s[q] == '\n')) q++;
    if (q < f->n && !strchr(",]}#", f->s[q])) return GIVE_UP;
  }
  if (emit_scalar(f, YAML_PLAIN_SCALAR_STYLE, f->p, f->s + f->p, end - f->p)) return AG_ENOMEM;
  f->p = next;
  return 0;
}

/* A value in a block at p on the current line: a flow collection, a
 * double-quoted or a plain scalar; nothing else may follow on its line. */
static int block_value(fast *f, size_t p, size_t indent) {
  int rc;
  size_t end, next;
  char c = f->s[p];
  f->p = p;
  if (c == '[' || c == '{') {
    if ((rc = flow_collection(f, indent, 0))) return rc;
    next = f->p;
  } else if (c == '"') {
    if ((rc = dquoted(f, p, &next))) return rc;
    if (emit_scalar(f, YAML_DOUBLE_QUOTED_SCALAR_STYLE, p, f->tmp.data ? f->tmp.data : "",
                    f->tmp.len))
      return AG_ENOMEM;
  } else {
    if ((rc = plain(f, p, 0, 0, &end, &next))) return rc;
    if (emit_scalar(f, YAML_PLAIN_SCALAR_STYLE, p, f->s + p, end - p)) return AG_ENOMEM;
  }
  if (!rest_blank(f, next)) return GIVE_UP;
  next_line(f, next);
  return 0;
}

static int open_block(fast *f, int seq, size_t p) {
  uint32_t id;
  if (f->nblocks >= FAST_DEPTH) return GIVE_UP;
  if (yb_start(&f->b, seq ? YAML_SEQUENCE_NODE : YAML_MAPPING_NODE, f->line, col_of(f, p), &id))
    return AG_ENOMEM;
  f->blocks[f->nblocks].seq = seq;
  f->blocks[f->nblocks].indent = col_of(f, p);
  f->nblocks++;
  return 0;
}

static int close_block(fast *f) {
  f->nblocks--;
  return emit_end(f);
}

/* "key: value" or "key:" at p (the key ends at end, its colon is at
 * next), in the mapping on top; *pending set when the value is on the
 * lines below. */
static int block_pair(fast *f, size_t p, size_t end, size_t next, int *pending) {
  if (emit_scalar(f, YAML_PLAIN_SCALAR_STYLE, p, f->s + p, end - p)) return AG_ENOMEM;
  size_t q = next + 1;
  while (q < f->n && f->s[q] == ' ') q++;
  if (at_end(f, q) || (f->s[q] == '#' && f->s[q - 1] == ' ')) {
    *pending = 1;
    next_line(f, q);
    return 0;
  }
  *pending = 0;
  return block_value(f, q, f->blocks[f->nblocks - 1].indent);
}

/* Is there a key ("word: ...", "word:") at p?  Its end and the colon's
 * place into *end and *next. */
static int is_key(fast *f, size_t p, size_t *end, size_t *next) {
  return plain_start(f->s[p]) && plain(f, p, 0, 1, end, next) == 0;
}

static int fast_read(fast *f) {
  int rc, pending = 0; /* a key whose value is on the lines below */
  while (f->p < f->n) {
    size_t p = f->p;
    while (p < f->n && f->s[p] == ' ') p++;
    if (at_end(f, p) || f->s[p] == '#') { /* a blank or comment line */
      next_line(f, p);
      continue;
    }
    size_t c = p - f->ls; /* indentation is spaces: ASCII */
    if (c == 0 && (f->s[p] == '%' || (f->n - p >= 3 && (memcmp(f->s + p, "---", 3) == 0 ||
                                                        memcmp(f->s + p, "...", 3) == 0))))
      return GIVE_UP; /* directives and document markers */
    int dash = f->s[p] == '-' && p + 1 < f->n && f->s[p + 1] == ' ';
    if (!f->b.d->root && !f->nblocks && !pending && c != 0) return GIVE_UP;
    if (pending) {
      size_t top = f->blocks[f->nblocks - 1].indent;
      pending = 0;
      if (dash && c >= top) {
        if ((rc = open_block(f, 1, p))) return rc;
      } else if (!dash && c > top) {
        if ((rc = open_block(f, 0, p))) return rc;
      } else {
        return GIVE_UP; /* an empty value */
      }
    } else if (f->nblocks) {
      while (f->nblocks && (f->blocks[f->nblocks - 1].indent > c ||
                            (f->blocks[f->nblocks - 1].indent == c &&
                             f->blocks[f->nblocks - 1].seq && !dash &&
                             f->nblocks >= 2 && !f->blocks[f->nblocks - 2].seq &&
                             f->blocks[f->nblocks - 2].indent == c)))
        if ((rc = close_block(f))) return rc;
      if (!f->nblocks || f->blocks[f->nblocks - 1].indent != c ||
          f->blocks[f->nblocks - 1].seq != dash)
        return GIVE_UP;
    } else {
      if (f->b.d->root) return GIVE_UP; /* a second root */
      if ((rc = open_block(f, dash, p))) return rc;
    }
    size_t end, next;
    if (!dash) {
      if (!is_key(f, p, &end, &next)) return GIVE_UP;
      if ((rc = block_pair(f, p, end, next, &pending))) return rc;
      continue;
    }
    /* "- item": a scalar, a flow collection or a mapping's first pair */
    size_t q = p + 1;
    while (q < f->n && f->s[q] == ' ') q++;
    if (at_end(f, q) || f->s[q] == '#' || f->s[q] == '-') return GIVE_UP;
    if (is_key(f, q, &end, &next)) {
      if ((rc = open_block(f, 0, q)) || (rc = block_pair(f, q, end, next, &pending))) return rc;
      continue;
    }
    if ((rc = block_value(f, q, c))) return rc;
  }
  if (pending) return GIVE_UP;
  while (f->nblocks)
    if ((rc = close_block(f))) return rc;
  return f->b.d->root ? 0 : GIVE_UP;
}

/* The whole text as one document, or GIVE_UP (d emptied). */
static int fast_document(const char *text, size_t len, ag_ydoc *d) {
  fast f;
  memset(&f, 0, sizeof f);
  f.s = text;
  f.n = len;
  f.b.d = d;
  int rc = printable((const unsigned char *)text, len, &f.ascii) ? fast_read(&f) : GIVE_UP;
  yb_destroy(&f.b);
  ag_buf_destroy(&f.tmp);
  if (rc) ag_ydoc_destroy(d);
  else yb_finish(&f.b);
  return rc;
}

/* ---- streams ------------------------------------------------------------------ */

struct ag_ystream {
  const char *text;
  size_t len;
  int mode;
  int fast_state;    /* 0 not tried, 1 gave its document, 2 gave up */
  int started;       /* the libyaml parser is initialised */
  yaml_parser_t parser;
};

int ag_ystream_open(ag_ystream **out, const char *text, size_t len, int mode) {
  ag_ystream *s = calloc(1, sizeof *s);
  if (!(*out = s)) return AG_ENOMEM;
  s->text = text;
  s->len = len;
  s->mode = mode;
  return 0;
}

int ag_ystream_next(ag_ystream *s, ag_ydoc *d, int *got, const char *file, ag_error *err) {
  memset(d, 0, sizeof *d);
  *got = 0;
  if (s->mode != AG_YAML_LIBYAML && s->fast_state == 0) {
    int rc = fast_document(s->text, s->len, d);
    if (rc == AG_ENOMEM) return ag_err_set(err, rc, file, 0, 0, "out of memory");
    s->fast_state = rc ? 2 : 1;
    if (!rc) {
      *got = 1;
      return 0;
    }
  }
  if (s->fast_state == 1) return 0; /* one document, read */
  if (s->mode == AG_YAML_FAST) return AG_EUSAGE;
  if (!s->started) {
    if (!yaml_parser_initialize(&s->parser))
      return ag_err_set(err, AG_ENOMEM, file, 0, 0, "out of memory");
    yaml_parser_set_input_string(&s->parser, (const unsigned char *)s->text, s->len);
    s->started = 1;
  }
  return events_read(&s->parser, d, got, file, err);
}

void ag_ystream_close(ag_ystream *s) {
  if (!s) return;
  if (s->started) yaml_parser_delete(&s->parser);
  free(s);
}

int ag_ydoc_dump(const ag_ydoc *d, ag_buf *out) {
  static const char *const styles[] = {"any", "plain", "single", "double", "literal", "folded"};
  if (ag_buf_printf(out, "root %u\n", d->root)) return AG_ENOMEM;
  for (size_t i = 1; i < d->nnodes; i++) {
    const ag_ynode *n = &d->nodes[i];
    int rc;
    if (n->type == YAML_SCALAR_NODE)
      rc = ag_buf_printf(out, "%zu %u:%u scalar %s [%s]\n", i, n->line, n->col,
                         n->style < 6 ? styles[n->style] : "?", n->value);
    else {
      rc = ag_buf_printf(out, "%zu %u:%u %s", i, n->line, n->col,
                         n->type == YAML_MAPPING_NODE ? "map" : "seq");
      uint32_t k = n->type == YAML_MAPPING_NODE ? 2 * n->n : n->n;
      for (uint32_t j = 0; !rc && j < k; j++) rc = ag_buf_printf(out, " %u", d->kids[n->first + j]);
      if (!rc) rc = ag_buf_putc(out, '\n');
    }
    if (rc) return AG_ENOMEM;
  }
  return 0;
}
