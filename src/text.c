/* Text stage: UTF-8 article text -> tokens -> sentences.
 *
 * Tokens are words (letters and digits, with internal apostrophes and the
 * dots of abbreviations like "U.S."), numbers ("2.5", "81,000") and single
 * punctuation marks.  "'s" and "n't" are split off, hyphens are tokens of
 * their own, so "North Korea-linked" holds the alias "North Korea". */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SENTENCE_TOKENS 250

void ag_doc_init(ag_doc *d) { memset(d, 0, sizeof *d); }

void ag_doc_destroy(ag_doc *d) {
  free(d->toks);
  free(d->sents);
  ag_buf_destroy(&d->norm);
  memset(d, 0, sizeof *d);
}

/* Decode one UTF-8 code point (input is already valid UTF-8). */
static unsigned decode(const unsigned char *s, size_t n, size_t *len) {
  unsigned c = s[0];
  if (c < 0x80 || n < 2) return *len = 1, c;
  if (c < 0xE0) return *len = 2, ((c & 0x1F) << 6) | (s[1] & 0x3F);
  if (c < 0xF0 || n < 4) {
    if (n < 3) return *len = 1, c;
    return *len = 3, ((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
  }
  return *len = 4, ((c & 0x07) << 18) | ((s[1] & 0x3F) << 12) |
                   ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

static int is_space_cp(unsigned cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 ||
         (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x3000 ||
         cp == 0xFEFF;
}

/* Letters and digits: ASCII alnum and every non-ASCII code point outside the
 * punctuation and symbol blocks. */
static int is_word_cp(unsigned cp) {
  if (cp < 0x80)
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= '0' && cp <= '9');
  if (cp >= 0xA0 && cp <= 0xBF) return 0;
  if (cp == 0xD7 || cp == 0xF7) return 0;
  if (cp >= 0x2000 && cp <= 0x2BFF) return 0;
  if (cp >= 0x3000 && cp <= 0x303F) return 0;
  if (cp == 0xFFFD || cp == 0xFEFF) return 0;
  return 1;
}

/* ASCII byte classes, for the common case */
enum { C_ALNUM = 1, C_SPACE = 2, C_UPPER = 4, C_LOWER = 8 };
static const uint8_t ASCII_CLASS[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 2, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0, 0, 0, 0, 0,
    0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
    9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static int is_apostrophe(unsigned cp) { return cp == '\'' || cp == 0x2019; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* w is the one character c */
static int is_char(const char *w, char c) { return w[0] == c && w[1] == '\0'; }

static int is_terminal(const char *w) {
  return is_char(w, '.') || is_char(w, '!') || is_char(w, '?') ||
         (w[0] == '.' && w[1] == '.' && is_char(w + 2, '.'));
}

static int is_closing(const char *w) {
  return is_char(w, '"') || is_char(w, '\'') || is_char(w, ')') || is_char(w, ']');
}

/* The index of the lowest byte of x with its high bit set (x not 0). */
static unsigned lowest_byte(uint64_t x) {
#if defined(__GNUC__)
  return (unsigned)__builtin_ctzll(x) / 8;
#else
  unsigned n = 0;
  while (!(x & 0x80)) x >>= 8, n++;
  return n;
#endif
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LITTLE_ENDIAN_WORDS 1 /* lower8's masks take the first bytes low */
#else
#define LITTLE_ENDIAN_WORDS 0
#endif

/* Per byte of x, the high bit set when the byte is in lo..hi (ASCII, hi
 * below 0x7F): a range test on eight bytes at once. */
#define BYTES_IN(x, lo, hi)                                                  \
  ((((x) & ~0x8080808080808080ull) + 0x0101010101010101ull * (0x80 - (lo))) & \
   ~(((x) & ~0x8080808080808080ull) + 0x0101010101010101ull * (0x7F - (hi))) & \
   ~(x) & 0x8080808080808080ull)

/* Lower-case n bytes of ASCII-or-UTF-8 text, eight at a time: readable
 * bytes from in (a multiple of 8 at least n), room for as many at out.
 * Into *upper whether two or more letters are capitals, into *lower whether
 * any is a small letter; returns the ag_word_hash of the form. */
static uint32_t lower8(const char *in, char *out, size_t n, int *upper, int *lower) {
  uint64_t low_seen = 0, h = AG_HASH_START;
  int ups = 0;
  for (size_t i = 0; i < n; i += 8) {
    uint64_t x, m = n - i >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * (n - i))) - 1;
    memcpy(&x, in + i, 8);
    uint64_t up = BYTES_IN(x, 'A', 'Z') & m, low = BYTES_IN(x, 'a', 'z') & m;
    x |= up >> 2;
    memcpy(out + i, &x, 8);
    ups += (up != 0) + ((up & (up - 1)) != 0);
    low_seen |= low;
    if (n - i < 8) {
      *upper = ups >= 2;
      *lower = low_seen != 0;
      return ag_hash_end(h, x & m, n);
    }
    h = ag_hash_step(h, x);
  }
  *upper = ups >= 2;
  *lower = low_seen != 0;
  return ag_hash_end(h, 0, n);
}

/* Push a token: text[start, start + len), its form norm of nlen bytes, of
 * which readable bytes can be read (see lower8; 0: read byte by byte). */
static int push_token(ag_doc *d, size_t start, size_t len, const char *norm,
                      size_t nlen, size_t readable, uint16_t nl, uint32_t line_len) {
  /* room for the token, its form and the form's NUL, the NUL an ag_buf
   * keeps after len, and AG_NORM_SLACK (lower8 writes whole words of 8) */
  if (AG_GROW(d->toks, d->cap_toks, d->ntoks + 1) ||
      AG_GROW(d->norm.data, d->norm.cap, d->norm.len + nlen + 2 + AG_NORM_SLACK))
    return AG_ENOMEM;
  ag_token *t = &d->toks[d->ntoks];
  t->start = (uint32_t)start;
  t->len = (uint32_t)len;
  t->norm = (uint32_t)d->norm.len;
  t->newlines = nl;
  t->line_len = line_len;
  /* the lower-case form, noting capitals and small letters on the way */
  char *out = d->norm.data + d->norm.len;
  int allcaps;
  if (LITTLE_ENDIAN_WORDS && readable >= ((nlen + 7) & ~(size_t)7)) {
    int upper, lower;
    t->hash = lower8(norm, out, nlen, &upper, &lower);
    allcaps = upper && !lower;
  } else {
    size_t letters = 0, upper = 0;
    for (size_t i = 0; i < nlen; i++) {
      char c = norm[i];
      if (c >= 'A' && c <= 'Z') {
        upper++;
        c = (char)(c + ('a' - 'A'));
      }
      letters += c >= 'a' && c <= 'z';
      out[i] = c;
    }
    allcaps = letters >= 2 && upper == letters;
    t->hash = ag_word_hash(out, nlen);
  }
  out[nlen] = out[nlen + 1] = '\0';
  d->norm.len += nlen + 1;
  const unsigned char *src = (const unsigned char *)d->text + start;
  size_t k;
  unsigned cp0 = src[0] < 0x80 ? src[0] : decode(src, len, &k);
  uint16_t flags = (cp0 < 0x80 ? ASCII_CLASS[cp0] & C_ALNUM : is_word_cp(cp0)) ? AG_TOK_WORD
                                                                             : AG_TOK_PUNCT;
  if (cp0 >= 'A' && cp0 <= 'Z') flags |= AG_TOK_CAP;
  if (cp0 >= '0' && cp0 <= '9') flags |= AG_TOK_NUMBER;
  if (allcaps) flags |= AG_TOK_ALLCAPS;
  const char *w = d->norm.data + t->norm;
  if (!(flags & AG_TOK_WORD) && nlen <= 3) {
    if (is_terminal(w)) flags |= AG_TOK_TERMINAL;
    if (is_closing(w)) flags |= AG_TOK_CLOSING;
    if (is_char(w, '"') || is_char(w, '\'') || is_char(w, '(') || is_char(w, '$'))
      flags |= AG_TOK_OPENING;
  }
  t->flags = flags;
  d->ntoks++;
  return 0;
}

/* An ASCII word at i read once: its end, its lower-case form, hash and
 * capitals, eight bytes at a time, pushed as a token; *end is where it
 * ends.  Returns 1 (nothing pushed) when the word is not plain letters and
 * digits up to a mark that cannot go on with it ("U.S.", "2.5", "don't",
 * "Zürich"), or is too near the end of the text to read eight bytes; then
 * scan_word and push_token decide. */
static int push_ascii_word(ag_doc *d, size_t i, uint16_t nl, uint32_t line_len, size_t *end) {
  const uint64_t H = 0x8080808080808080ull, B6 = 0x4040404040404040ull;
  const unsigned char *u = (const unsigned char *)d->text;
  size_t n = d->len, e = i;
  uint64_t x;
  /* where it ends: the first byte that is no ASCII letter or digit (a
   * letter is a-z with bit 5 set or not) */
  for (;;) {
    if (e + 8 > n) return 1;
    memcpy(&x, u + e, 8);
    uint64_t other = ~(BYTES_IN(x | 0x2020202020202020ull, 'a', 'z') | BYTES_IN(x, '0', '9')) & H;
    if (other) {
      e += lowest_byte(other);
      break;
    }
    e += 8;
  }
  unsigned char c = u[e];
  if (c >= 0x80 || c == '\'') return 1;
  if ((c == '.' || c == ',') &&
      (e == i + 1 || (is_digit((char)u[e - 1]) && e + 1 < n && is_digit((char)u[e + 1]))))
    return 1;
  size_t nlen = e - i;
  if (AG_GROW(d->toks, d->cap_toks, d->ntoks + 1) ||
      AG_GROW(d->norm.data, d->norm.cap, d->norm.len + nlen + 16 + AG_NORM_SLACK))
    return AG_ENOMEM;
  /* the lower-case form and its hash, eight bytes at a time: among letters
   * and digits, a capital has bit 6 and not bit 5, a small letter both */
  char *out = d->norm.data + d->norm.len;
  uint64_t h = AG_HASH_START, up, low_seen = 0;
  int ups = 0;
  size_t k = 0;
  for (; k + 8 <= nlen; k += 8) {
    memcpy(&x, u + i + k, 8);
    up = x & ~(x << 1) & B6;
    low_seen |= x & (x << 1) & B6;
    x |= up >> 1;
    memcpy(out + k, &x, 8);
    ups += (up != 0) + ((up & (up - 1)) != 0);
    h = ag_hash_step(h, x);
  }
  x = 0;
  if (k < nlen) {
    /* the rest, read as whole eight bytes when the text has them */
    if (i + k + 8 <= n) memcpy(&x, u + i + k, 8);
    else memcpy(&x, u + i + k, nlen - k);
    x &= ((uint64_t)1 << (8 * (nlen - k))) - 1;
    up = x & ~(x << 1) & B6;
    low_seen |= x & (x << 1) & B6;
    x |= up >> 1;
    memcpy(out + k, &x, 8);
    ups += (up != 0) + ((up & (up - 1)) != 0);
  }
  h = ag_hash_end(h, x, nlen);
  ag_token *t = &d->toks[d->ntoks++];
  t->start = (uint32_t)i;
  t->len = (uint32_t)nlen;
  t->norm = (uint32_t)d->norm.len;
  t->newlines = nl;
  t->line_len = line_len;
  t->hash = (uint32_t)h;
  out[nlen] = out[nlen + 1] = '\0';
  d->norm.len += nlen + 1;
  t->flags = (uint16_t)(AG_TOK_WORD | (is_digit((char)u[i]) ? AG_TOK_NUMBER : 0) |
                        (u[i] >= 'A' && u[i] <= 'Z' ? AG_TOK_CAP : 0) |
                        (ups >= 2 && !low_seen ? AG_TOK_ALLCAPS : 0));
  *end = e;
  return 0;
}

/* A mark of ASCII punctuation (not an apostrophe, which may start "'s")
 * pushed as a token of its own. */
static int push_ascii_mark(ag_doc *d, size_t i, uint16_t nl, uint32_t line_len) {
  if (AG_GROW(d->toks, d->cap_toks, d->ntoks + 1) ||
      AG_GROW(d->norm.data, d->norm.cap, d->norm.len + 3 + AG_NORM_SLACK))
    return AG_ENOMEM;
  unsigned char c = (unsigned char)d->text[i];
  ag_token *t = &d->toks[d->ntoks++];
  t->start = (uint32_t)i;
  t->len = 1;
  t->norm = (uint32_t)d->norm.len;
  t->newlines = nl;
  t->line_len = line_len;
  t->hash = ag_hash_end(AG_HASH_START, c, 1);
  char *out = d->norm.data + d->norm.len;
  out[0] = (char)c;
  out[1] = out[2] = '\0';
  d->norm.len += 2;
  uint16_t flags = AG_TOK_PUNCT;
  if (c == '.' || c == '!' || c == '?') flags |= AG_TOK_TERMINAL;
  if (c == '"' || c == ')' || c == ']') flags |= AG_TOK_CLOSING;
  if (c == '"' || c == '(' || c == '$') flags |= AG_TOK_OPENING;
  t->flags = flags;
  return 0;
}

/* End of a word starting at i.  Stops before "'s" and before the "n" of a
 * trailing "n't", which then is scanned as a word of its own.  *wide is set
 * when the word has a character beyond ASCII. */
static size_t scan_word(const char *s, size_t n, size_t i, int *wide) {
  const unsigned char *u = (const unsigned char *)s;
  size_t start = i, k;
  /* Abbreviations of single letters with dots: U.S., U.K., e.g. */
  if (i + 2 < n && is_alpha(s[i]) && s[i + 1] == '.' && is_alpha(s[i + 2]) &&
      (i + 3 >= n || !is_alpha(s[i + 3]))) {
    size_t j = i;
    while (j + 1 < n && is_alpha(s[j]) && s[j + 1] == '.' &&
           (j + 2 >= n || !is_alpha(s[j + 2]) || j + 3 >= n ||
            !is_alpha(s[j + 3])))
      j += 2;
    if (j - i >= 4) return j;
  }
  while (i < n) {
    while (i < n && (ASCII_CLASS[u[i]] & C_ALNUM)) i++; /* the common case */
    if (i >= n) break;
    /* ends at ASCII other than . , ' (which may go on: 2.5, 81,000, o'clock) */
    if (u[i] < 0x80 && u[i] != '.' && u[i] != ',' && u[i] != '\'') break;
    if (u[i] >= 0x80) *wide = 1;
    unsigned cp = decode(u + i, n - i, &k);
    if (is_word_cp(cp)) {
      i += k;
      continue;
    }
    /* 2.5, 81,000 */
    if ((cp == '.' || cp == ',') && i > start && is_digit(s[i - 1]) &&
        i + 1 < n && is_digit(s[i + 1])) {
      i++;
      continue;
    }
    if (is_apostrophe(cp) && i > start && i + k < n) {
      size_t a = i + k;
      int next_alpha = is_alpha(s[a]);
      int ends_after = a + 1 >= n || !is_alpha(s[a + 1]);
      if ((s[a] == 's' || s[a] == 'S') && ends_after) break;     /* 's */
      if ((s[a] == 't' || s[a] == 'T') && ends_after &&
          (s[i - 1] == 'n' || s[i - 1] == 'N') && i - 1 > start)
        return i - 1;                                             /* n't */
      if (next_alpha) {
        i = a;
        continue;
      }
    }
    break;
  }
  return i;
}

static int normalize_punct(unsigned cp, const char **out) {
  switch (cp) {
    case 0x2018: case 0x2019: case 0x201A: case 0x2032: *out = "'"; return 1;
    case 0x201C: case 0x201D: case 0x201E: case 0x00AB: case 0x00BB:
      *out = "\""; return 1;
    case 0x2010: case 0x2011: *out = "-"; return 1;
    case 0x2013: case 0x2014: case 0x2015: *out = "--"; return 1;
    case 0x2026: *out = "..."; return 1;
    default: return 0;
  }
}

static int tokenize(ag_doc *d) {
  const char *s = d->text;
  const unsigned char *u = (const unsigned char *)s;
  size_t n = d->len, i = 0, line_start = 0, k;
  uint16_t nl = 0;
  uint32_t line_len = 0;
  ag_buf tmp;
  ag_buf_init(&tmp);
  int rc = 0;
  while (i < n) {
    unsigned cp;
    /* runs of ASCII spaces and tabs */
    while (i < n && (u[i] == ' ' || u[i] == '\t')) i++;
    if (i >= n) break;
    int space, wordc, wide = 0;
    if (u[i] < 0x80) {
      cp = u[i], k = 1;
      space = ASCII_CLASS[u[i]] & C_SPACE;
      wordc = ASCII_CLASS[u[i]] & C_ALNUM;
    } else {
      cp = decode(u + i, n - i, &k);
      space = is_space_cp(cp);
      wordc = !space && is_word_cp(cp);
      wide = 1;
    }
    if (space) {
      if (cp == '\n') {
        if (nl < 0xFFFF) nl++;
        line_len = (uint32_t)(i - line_start);
        line_start = i + 1;
      }
      i += k;
      continue;
    }
    size_t start = i;
    const char *norm = NULL;
    size_t nlen = 0;
    if (!wordc && !wide && cp != '\'') {
      if ((rc = push_ascii_mark(d, i, nl, line_len))) goto done;
      i++;
      nl = 0;
      continue;
    }
    if (wordc && LITTLE_ENDIAN_WORDS && !wide) {
      size_t e;
      if ((rc = push_ascii_word(d, i, nl, line_len, &e)) == 0) {
        i = e;
        nl = 0;
        continue;
      }
      if (rc != 1) goto done;
      rc = 0;
    }
    if (wordc) {
      i = scan_word(s, n, i, &wide);
      if (i == start) i = start + k;
      norm = s + start;
      nlen = i - start;
      /* normalise curly apostrophes inside the word (U+2019 is E2 80 99) */
      if (wide && memchr(norm, 0xE2, nlen)) {
        ag_buf_clear(&tmp);
        for (size_t j = start; j < i;) {
          size_t kk;
          unsigned c2 = decode(u + j, n - j, &kk);
          if (c2 == 0x2019) rc = ag_buf_putc(&tmp, '\'');
          else rc = ag_buf_add(&tmp, s + j, kk);
          if (rc) goto done;
          j += kk;
        }
        norm = tmp.data;
        nlen = tmp.len;
      }
    } else if (is_apostrophe(cp) && i + k < n &&
               (s[i + k] == 's' || s[i + k] == 'S') &&
               (i + k + 1 >= n || !is_alpha(s[i + k + 1])) &&
               (d->ntoks == 0 ||
                d->toks[d->ntoks - 1].start + d->toks[d->ntoks - 1].len == i)) {
      i += k + 1;
      norm = "'s";
      nlen = 2;
    } else {
      i += k;
      /* an en dash inside a compound is a hyphen: "North Korea–linked" */
      if (cp == 0x2013 && start > 0 && i < n && !is_space_cp(u[start - 1]) &&
          is_word_cp(u[start - 1]) && is_alpha(s[i])) {
        norm = "-";
        nlen = 1;
      } else if (normalize_punct(cp, &norm)) {
        nlen = strlen(norm);
      } else {
        norm = s + start;
        nlen = k;
      }
    }
    /* the form can be read eight bytes at a time up to the text's end */
    size_t readable = norm == s + start ? n - start : 0;
    if ((rc = push_token(d, start, i - start, norm, nlen, readable, nl, line_len)))
      goto done;
    nl = 0;
  }
done:
  ag_buf_destroy(&tmp);
  return rc;
}

static const char *const ABBREVIATIONS[] = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "sen",
    "rep", "gov", "st", "jr", "sr", "inc", "corp", "co", "ltd", "no", "nos",
    "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "approx", "dept", "est", "fig", "vol", "pp",
    "ft", "mt", "rev", "hon", "pres", "adm", "cmdr", NULL};

static int is_abbreviation(const char *w) {
  for (size_t i = 0; ABBREVIATIONS[i]; i++)
    if (w[0] == ABBREVIATIONS[i][0] && strcmp(w, ABBREVIATIONS[i]) == 0) return 1;
  /* a single-letter initial: "J. Smith" */
  return is_alpha(w[0]) && w[1] == '\0';
}

/* it, he, she, they, we */
static int is_pronoun(const char *w) {
  switch (w[0]) {
    case 'i': return w[1] == 't' && !w[2];
    case 'h': return w[1] == 'e' && !w[2];
    case 'w': return w[1] == 'e' && !w[2];
    case 's': return w[1] == 'h' && w[2] == 'e' && !w[3];
    case 't': return w[1] == 'h' && w[2] == 'e' && w[3] == 'y' && !w[4];
    default: return 0;
  }
}




static int starts_sentence(const ag_doc *d, size_t i) {
  const ag_token *t = &d->toks[i];
  return (t->flags & (AG_TOK_CAP | AG_TOK_NUMBER | AG_TOK_OPENING)) ||
         (t->flags & AG_TOK_WORD && !is_alpha(d->text[t->start]) &&
          !is_digit(d->text[t->start]));
}

/* Does a sentence end after token i (the next token is i + 1)? */
static int boundary_after(const ag_doc *d, size_t i) {
  if (i + 1 >= d->ntoks) return 1;
  const ag_token *next = &d->toks[i + 1];
  int terminal = (d->toks[i].flags & AG_TOK_TERMINAL) != 0;
  if (next->newlines >= 2) return 1;
  if (next->newlines == 1 && starts_sentence(d, i + 1) &&
      (terminal || next->line_len < 45))
    return 1;
  /* text glued without a full stop, as in captions and headlines: a
   * capitalised pronoun in mid-sentence starts a new one ("... meeting It
   * was the third") */
  if (!terminal && (next->flags & AG_TOK_CAP) && (d->toks[i].flags & AG_TOK_WORD) &&
      d->text[next->start + 1] != '\0' && !(next->flags & AG_TOK_ALLCAPS) &&
      !(d->toks[i].flags & AG_TOK_CAP && d->toks[i].len == 1) &&
      is_pronoun(ag_tok_norm(d, i + 1)))
    return 1;
  if (!terminal) return 0;
  const char *w = ag_tok_norm(d, i);
  if (next->start == d->toks[i].start + d->toks[i].len &&
      !(next->flags & AG_TOK_WORD))
    return 0; /* "?!" or a closing quote follows: decided on the next token */
  if (!starts_sentence(d, i + 1)) return 0;
  if (is_char(w, '.') && i > 0 &&
      d->toks[i - 1].start + d->toks[i - 1].len == d->toks[i].start &&
      is_abbreviation(ag_tok_norm(d, i - 1)))
    return 0;
  return 1;
}

static int push_sentence(ag_doc *d, size_t first, size_t end) {
  if (end <= first) return 0;
  if (AG_GROW(d->sents, d->cap_sents, d->nsents + 1)) return AG_ENOMEM;
  d->sents[d->nsents].first = first;
  d->sents[d->nsents].count = end - first;
  d->nsents++;
  return 0;
}

static int split_sentences(ag_doc *d) {
  size_t first = 0, most = d->max_sentence_tokens ? d->max_sentence_tokens : MAX_SENTENCE_TOKENS;
  for (size_t i = 0; i < d->ntoks; i++) {
    /* most tokens end nothing: no stop or closing mark, and the next token
     * on the same line in small letters */
    const ag_token *t = &d->toks[i];
    if (i + 1 < d->ntoks && !(t->flags & (AG_TOK_TERMINAL | AG_TOK_CLOSING)) &&
        t[1].newlines == 0 && !(t[1].flags & AG_TOK_CAP) && i + 1 - first < most)
      continue;
    int end = boundary_after(d, i);
    /* a closing quote right after . ? ! belongs to the sentence it closes */
    if (!end && i > 0 && (d->toks[i].flags & AG_TOK_CLOSING) &&
        (d->toks[i - 1].flags & AG_TOK_TERMINAL) && i + 1 < d->ntoks &&
        d->toks[i + 1].start > d->toks[i].start + d->toks[i].len &&
        starts_sentence(d, i + 1))
      end = 1;
    if (end || i + 1 - first >= most) {
      if (push_sentence(d, first, i + 1)) return AG_ENOMEM;
      first = i + 1;
    }
  }
  return push_sentence(d, first, d->ntoks);
}

int ag_doc_parse(ag_doc *d, const char *text, size_t len) {
  d->text = text;
  d->len = len;
  d->ntoks = d->nsents = 0;
  ag_buf_clear(&d->norm);
  int rc = tokenize(d);
  if (!rc) rc = split_sentences(d);
  return rc;
}

int ag_phrase_tokens(const char *s, char ***words, uint16_t **flags,
                     size_t *n) {
  ag_doc d;
  ag_doc_init(&d);
  int rc = ag_doc_parse(&d, s, strlen(s));
  *words = NULL;
  *flags = NULL;
  *n = 0;
  if (rc) goto done;
  if (!d.ntoks) goto done;
  *words = calloc(d.ntoks, sizeof(char *));
  *flags = calloc(d.ntoks, sizeof(uint16_t));
  if (!*words || !*flags) {
    rc = AG_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < d.ntoks; i++) {
    (*flags)[i] = d.toks[i].flags;
    if (!((*words)[i] = ag_strdup(ag_tok_norm(&d, i)))) {
      rc = AG_ENOMEM;
      goto done;
    }
    (*n)++;
  }
done:
  if (rc) {
    for (size_t i = 0; *words && i < *n; i++) free((*words)[i]);
    free(*words);
    free(*flags);
    *words = NULL;
    *flags = NULL;
    *n = 0;
  }
  ag_doc_destroy(&d);
  return rc;
}
