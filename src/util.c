/* Small shared helpers: errors, growable buffers, a string map, UTF-8
 * cleaning and atomic file writes. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ag_error_clear(ag_error *err) {
  if (err) memset(err, 0, sizeof *err);
}

int ag_err_set(ag_error *err, int code, const char *file, int line, int col,
               const char *fmt, ...) {
  if (!err) return code;
  va_list ap;
  err->code = code;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  ag_copy_str(err->file, sizeof err->file, file ? file : "");
  err->line = line;
  err->col = col;
  return code;
}

const char *ag_error_format(const ag_error *err, char *buf, size_t size) {
  if (!err->file[0])
    ag_copy_str(buf, size, err->message);
  else if (err->line <= 0)
    snprintf(buf, size, "%s: %s", err->file, err->message);
  else if (err->col <= 0)
    snprintf(buf, size, "%s:%d: %s", err->file, err->line, err->message);
  else
    snprintf(buf, size, "%s:%d:%d: %s", err->file, err->line, err->col,
             err->message);
  return buf;
}

const char *ag_version(void) { return AG_VERSION_STRING; }

void *ag_xrealloc_array(void *ptr, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) return NULL;
  return realloc(ptr, n * size > 0 ? n * size : 1);
}

int ag_grow(void **arr, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return 0;
  size_t ncap = *cap ? *cap : 8;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2) return AG_ENOMEM;
    ncap *= 2;
  }
  void *p = ag_xrealloc_array(*arr, ncap, size);
  if (!p) return AG_ENOMEM;
  *arr = p;
  *cap = ncap;
  return 0;
}

char *ag_strndup(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

/* ---- arena --------------------------------------------------------------- */

#define ARENA_BLOCK ((size_t)64 << 10)

struct ag_arena_block {
  struct ag_arena_block *next;
  max_align_t data[];
};

void *ag_arena_alloc(ag_arena *a, size_t n) {
  const size_t align = _Alignof(max_align_t);
  if (n > SIZE_MAX - sizeof(struct ag_arena_block) - align) return NULL;
  n = n ? (n + align - 1) / align * align : align;
  struct ag_arena_block *b;
  if (n > ARENA_BLOCK / 4) {
    /* a big request gets a block of its own, kept behind the one in use */
    if (!(b = malloc(sizeof *b + n))) return NULL;
    if (a->head) {
      b->next = a->head->next;
      a->head->next = b;
    } else {
      b->next = NULL;
      a->head = b;
      a->left = 0; /* full: the next small request starts a block */
    }
    return b->data;
  }
  if (n > a->left) {
    if (!(b = malloc(sizeof *b + ARENA_BLOCK))) return NULL;
    b->next = a->head;
    a->head = b;
    a->left = ARENA_BLOCK;
  }
  char *p = (char *)a->head->data + (ARENA_BLOCK - a->left);
  a->left -= n;
  return p;
}

char *ag_arena_strndup(ag_arena *a, const char *s, size_t n) {
  char *p = ag_arena_alloc(a, n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void ag_arena_destroy(ag_arena *a) {
  for (struct ag_arena_block *b = a->head, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  a->head = NULL;
  a->left = 0;
}

void ag_copy_str(char *dst, size_t size, const char *src) {
  if (!size) return;
  size_t n = src ? strlen(src) : 0;
  if (n >= size) n = size - 1;
  memcpy(dst, src ? src : "", n);
  dst[n] = '\0';
}

char *ag_strdup(const char *s) { return s ? ag_strndup(s, strlen(s)) : NULL; }

void ag_buf_init(ag_buf *b) { memset(b, 0, sizeof *b); }

void ag_buf_destroy(ag_buf *b) {
  free(b->data);
  memset(b, 0, sizeof *b);
}

void ag_buf_clear(ag_buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

int ag_buf_drain(ag_buf *b) {
  if (b->sink && b->len) {
    if (fwrite(b->data, 1, b->len, b->sink) != b->len) b->sink_bad = 1;
    b->len = 0;
    b->data[0] = '\0';
  }
  return b->sink_bad ? -1 : 0;
}

int ag_buf_add(ag_buf *b, const char *s, size_t n) {
  if (n > SIZE_MAX - b->len - 1) return AG_ENOMEM;
  if (AG_GROW(b->data, b->cap, b->len + n + 1)) return AG_ENOMEM;
  if (n) memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
  if (b->sink && b->len >= AG_SINK_CHUNK) ag_buf_drain(b);
  return 0;
}

int ag_buf_reserve(ag_buf *b, size_t cap) {
  return AG_GROW(b->data, b->cap, cap) ? AG_ENOMEM : 0;
}

int ag_buf_puts(ag_buf *b, const char *s) { return ag_buf_add(b, s, strlen(s)); }

int ag_buf_putc(ag_buf *b, char c) { return ag_buf_add(b, &c, 1); }

int ag_buf_printf(ag_buf *b, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return AG_EUSAGE;
  if ((size_t)n < sizeof small) return ag_buf_add(b, small, (size_t)n);
  if (AG_GROW(b->data, b->cap, b->len + (size_t)n + 1)) return AG_ENOMEM;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  if (b->sink && b->len >= AG_SINK_CHUNK) ag_buf_drain(b);
  return 0;
}

/* ---- map ---------------------------------------------------------------- */

uint64_t ag_hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;  /* FNV-1a */
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ull;
  }
  return h;
}

void ag_map_init(ag_map *m) { memset(m, 0, sizeof *m); }

void ag_map_destroy(ag_map *m) {
  for (size_t i = 0; i < m->cap; i++)
    if (m->keys[i]) free(m->keys[i]);
  free(m->keys);
  free(m->vals);
  free(m->hashes);
  memset(m, 0, sizeof *m);
}

void ag_map_clear(ag_map *m) {
  for (size_t i = 0; i < m->cap && m->len; i++)
    if (m->keys[i]) {
      free(m->keys[i]);
      m->keys[i] = NULL;
      m->len--;
    }
}

static size_t map_slot(const ag_map *m, const char *key, size_t n, uint32_t h) {
  size_t i = h & (m->cap - 1);
  while (m->keys[i] && (m->hashes[i] != h || strncmp(m->keys[i], key, n) != 0 ||
                        m->keys[i][n] != '\0'))
    i = (i + 1) & (m->cap - 1);
  return i;
}

int ag_map_get(const ag_map *m, const char *key, size_t n, size_t *val) {
  if (!m->cap) return 0;
  size_t i = map_slot(m, key, n, (uint32_t)ag_hash_bytes(key, n));
  if (!m->keys[i]) return 0;
  if (val) *val = m->vals[i];
  return 1;
}

static int map_resize(ag_map *m, size_t ncap) {
  ag_map nm = {calloc(ncap, sizeof(char *)), calloc(ncap, sizeof(size_t)),
               ncap, 0, calloc(ncap, sizeof(uint32_t))};
  if (!nm.keys || !nm.vals || !nm.hashes) {
    free(nm.keys);
    free(nm.vals);
    free(nm.hashes);
    return AG_ENOMEM;
  }
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->keys[i]) continue;
    size_t j = m->hashes[i] & (ncap - 1);
    while (nm.keys[j]) j = (j + 1) & (ncap - 1);
    nm.keys[j] = m->keys[i];
    nm.vals[j] = m->vals[i];
    nm.hashes[j] = m->hashes[i];
    nm.len++;
  }
  free(m->keys);
  free(m->vals);
  free(m->hashes);
  *m = nm;
  return 0;
}

int ag_map_put(ag_map *m, const char *key, size_t n, size_t val) {
  if ((m->len + 1) * 2 > m->cap && map_resize(m, m->cap ? m->cap * 2 : 64))
    return AG_ENOMEM;
  uint32_t h = (uint32_t)ag_hash_bytes(key, n);
  size_t i = map_slot(m, key, n, h);
  if (!m->keys[i]) {
    if (!(m->keys[i] = ag_strndup(key, n))) return AG_ENOMEM;
    m->hashes[i] = h;
    m->len++;
  }
  m->vals[i] = val;
  return 0;
}

/* ---- strings ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t len;
  unsigned min;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000;
  else return 0;
  if (n < len) return 0;
  unsigned cp = c & (0xFF >> (len + 1));
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

char *ag_utf8_clean(const char *s, size_t n, size_t *out_len) {
  ag_buf b;
  ag_buf_init(&b);
  if (ag_utf8_clean_into(&b, s, n)) {
    ag_buf_destroy(&b);
    return NULL;
  }
  if (out_len) *out_len = b.len;
  return b.data;
}

int ag_utf8_clean_into(ag_buf *out, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  ag_buf b = *out;
  size_t i = 0, done;
  ag_buf_clear(&b);
  if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) i = 3;
  /* valid runs are copied whole; only a bad byte or a control breaks one */
  if (ag_buf_reserve(&b, n - i + 1) || ag_buf_add(&b, "", 0)) goto fail;
  for (done = i; i < n;) {
    /* eight printable ASCII bytes at a time: no high bit, none below 0x20,
     * no DEL */
    while (i + 8 <= n) {
      uint64_t x;
      memcpy(&x, u + i, 8);
      const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
      if ((x | ((x - ones * 0x20) & ~x) | ((x ^ ones * 0x7F) - ones)) & high) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned c = u[i];
    size_t k = (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n' || c == '\r'
                   ? 1 : utf8_seq(u + i, n - i);
    if (k > 1 || (k == 1 && c >= 0x20 && c != 0x7F) || c == '\t' || c == '\n' ||
        c == '\r') {
      i += k;
      continue;
    }
    /* invalid: U+FFFD; a control: a space */
    if (ag_buf_add(&b, s + done, i - done) ||
        (k == 0 ? ag_buf_add(&b, "\xEF\xBF\xBD", 3) : ag_buf_putc(&b, ' ')))
      goto fail;
    done = ++i;
  }
  if (ag_buf_add(&b, s + done, i - done)) goto fail;
  *out = b;
  return 0;
fail:
  *out = b;
  return AG_ENOMEM;
}

int ag_is_slug(const char *s) {
  if (!s || !*s || *s == '-') return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
      return 0;
  return s[-1] != '-';
}

int ag_lower(ag_buf *b, const char *s, size_t n) {
  ag_buf_clear(b);
  if (ag_buf_add(b, s, n)) return AG_ENOMEM;
  for (size_t i = 0; i < b->len; i++)
    if (b->data[i] >= 'A' && b->data[i] <= 'Z') b->data[i] += 'a' - 'A';
  return 0;
}

int ag_squeeze(ag_buf *b, const char *s, size_t n, size_t max) {
  ag_buf_clear(b);
  return ag_squeeze_add(b, s, n, max);
}

int ag_squeeze_add(ag_buf *b, const char *s, size_t n, size_t max) {
  /* the text, at most n bytes, then "..." and the NUL */
  if (ag_buf_reserve(b, b->len + n + 5)) return AG_ENOMEM;
  char *out = b->data + b->len;
  size_t len = 0;
  int space = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = len > 0;
      continue;
    }
    if (space) out[len++] = ' ';
    space = 0;
    out[len++] = c;
  }
  if (len > max) {
    size_t cut = max;
    while (cut > 0 && ((unsigned char)out[cut] & 0xC0) == 0x80) cut--;
    memcpy(out + cut, "...", 3);
    len = cut + 3;
  }
  out[len] = '\0';
  b->len += len;
  return 0;
}

/* ---- files -------------------------------------------------------------- */

/* mkstemp creates files 0600; give the output the mode a plain fopen would. */
static int chmod_like_umask(const char *path) {
  mode_t mask = umask(0);
  umask(mask);
  return chmod(path, 0666 & ~mask);
}

/* /dev/null, a FIFO, a terminal: renaming over them would replace the
 * device with a file, so write to them directly. */
int ag_out_open(ag_out *o, const char *path, ag_error *err) {
  memset(o, 0, sizeof *o);
  if (!(o->path = ag_strdup(path))) return ag_err_set(err, AG_ENOMEM, path, 0, 0, "out of memory");
  if (strcmp(path, "-") == 0) {
    o->f = stdout;
    return 0;
  }
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
    /* a FIFO or a device: written directly */
    if (!(o->f = fopen(path, "wb"))) {
      int rc = ag_err_set(err, AG_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
      ag_out_abort(o);
      return rc;
    }
    return 0;
  }
  ag_buf tmp;
  ag_buf_init(&tmp);
  if (ag_buf_printf(&tmp, "%s.tmp.XXXXXX", path)) {
    ag_out_abort(o);
    return ag_err_set(err, AG_ENOMEM, path, 0, 0, "out of memory");
  }
  int fd = mkstemp(tmp.data);
  if (fd < 0) {
    int rc = ag_err_set(err, AG_EIO, path, 0, 0, "cannot create: %s", strerror(errno));
    ag_buf_destroy(&tmp);
    ag_out_abort(o);
    return rc;
  }
  o->tmp = tmp.data;
  if (!(o->f = fdopen(fd, "wb"))) {
    int rc = ag_err_set(err, AG_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    close(fd);
    ag_out_abort(o);
    return rc;
  }
  return 0;
}

int ag_out_close(ag_out *o, ag_error *err) {
  if (o->closed) return 0;
  int to_stdout = o->f == stdout;
  int bad = fflush(o->f) != 0;
  bad |= ferror(o->f) != 0;
  if (!to_stdout) bad |= fclose(o->f) != 0;
  o->f = NULL;
  o->closed = 1;
  if (!bad && o->tmp && chmod_like_umask(o->tmp)) bad = 1;
  if (bad) {
    int rc = ag_err_set(err, AG_EIO, to_stdout ? "<stdout>" : o->path, 0, 0,
                        "cannot write: %s", strerror(errno));
    ag_out_abort(o);
    return rc;
  }
  return 0;
}

int ag_out_commit(ag_out *o, ag_error *err) {
  int rc = ag_out_close(o, err);
  if (rc) return rc;
  if (o->tmp && rename(o->tmp, o->path) != 0) {
    rc = ag_err_set(err, AG_EIO, o->path, 0, 0, "cannot write: %s", strerror(errno));
    ag_out_abort(o);
    return rc;
  }
  free(o->tmp);
  o->tmp = NULL;
  ag_out_abort(o);
  return 0;
}

void ag_out_abort(ag_out *o) {
  if (o->f && !o->closed && o->f != stdout) fclose(o->f);
  o->f = NULL;
  o->closed = 1;
  if (o->tmp) unlink(o->tmp);
  free(o->tmp);
  free(o->path);
  o->tmp = o->path = NULL;
}

int ag_write_atomic(const char *path, const char *data, size_t n,
                    ag_error *err) {
  ag_out o;
  int rc = ag_out_open(&o, path, err);
  if (rc) return rc;
  if (fwrite(data, 1, n, o.f) != n) {
    rc = ag_err_set(err, AG_EIO, o.f == stdout ? "<stdout>" : path, 0, 0,
                    "cannot write: %s", strerror(errno));
    ag_out_abort(&o);
    return rc;
  }
  return ag_out_commit(&o, err);
}

int ag_read_file(const char *path, char **out, size_t *len, ag_error *err) {
  int is_stdin = strcmp(path, "-") == 0;
  FILE *f = is_stdin ? stdin : fopen(path, "rb");
  const char *name = is_stdin ? "<stdin>" : path;
  ag_buf b;
  ag_buf_init(&b);
  int rc = 0;
  *out = NULL;
  if (!f)
    return ag_err_set(err, AG_EIO, name, 0, 0, "cannot open: %s",
                      strerror(errno));
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (ag_buf_add(&b, chunk, n)) {
      rc = ag_err_set(err, AG_ENOMEM, name, 0, 0, "out of memory");
      goto done;
    }
  }
  if (ferror(f)) {
    rc = ag_err_set(err, AG_EIO, name, 0, 0, "cannot read: %s",
                    strerror(errno));
    goto done;
  }
  if (ag_buf_add(&b, "", 0)) {
    rc = ag_err_set(err, AG_ENOMEM, name, 0, 0, "out of memory");
    goto done;
  }
  *out = b.data;
  *len = b.len;
  b.data = NULL;
done:
  if (!is_stdin) fclose(f);
  ag_buf_destroy(&b);
  return rc;
}
