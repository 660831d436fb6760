/* Input stage: which files are articles, reading them, the date marker. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static int is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

size_t ag_article_date(const char *text, size_t len, char date[11]) {
  size_t i = 0;
  date[0] = '\0';
  while (i < len && is_ws(text[i])) i++;
  if (len - i < 15 || strncmp(text + i, "date", 4) != 0 ||
      (text[i + 4] != ' ' && text[i + 4] != '\t'))
    return 0;
  size_t j = i + 4;
  while (j < len && (text[j] == ' ' || text[j] == '\t')) j++;
  const char *d = text + j;
  if (len - j < 10 || !digits(d, 4) || d[4] != '-' || !digits(d + 5, 2) ||
      d[7] != '-' || !digits(d + 8, 2))
    return 0;
  if (len - j > 10 && !is_ws(d[10])) return 0;
  int month = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return 0;
  memcpy(date, d, 10);
  date[10] = '\0';
  return j + 10;
}

/* ---- collecting article paths ------------------------------------------ */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* What a directory walk reads: articles (.txt), record files and JSON
 * lines, plain or gzip-compressed. */
static int is_article_file(const char *path) {
  static const char *const EXT[] = {".txt", ".txt.gz", ".jsonl", ".jsonl.gz",
                                    ".ndjson", ".ndjson.gz"};
  for (size_t i = 0; i < sizeof EXT / sizeof EXT[0]; i++)
    if (ends_with(path, EXT[i])) return 1;
  return 0;
}

static int push_path(ag_paths *p, const char *path) {
  if (AG_GROW(p->items, p->cap, p->n + 1)) return AG_ENOMEM;
  if (!(p->items[p->n] = ag_strdup(path))) return AG_ENOMEM;
  p->n++;
  return 0;
}

static int walk(ag_paths *p, const char *dir, int depth, ag_error *err) {
  if (depth > 64)
    return ag_err_set(err, AG_EINPUT, dir, 0, 0, "directories nested too deep");
  DIR *dp = opendir(dir);
  if (!dp)
    return ag_err_set(err, AG_EIO, dir, 0, 0, "cannot open directory: %s",
                      strerror(errno));
  ag_paths found = {0};
  ag_buf path;
  ag_buf_init(&path);
  int rc = 0;
  struct dirent *de;
  while ((de = readdir(dp)) != NULL) {
    if (de->d_name[0] == '.') continue; /* ., .., hidden files */
    ag_buf_clear(&path);
    if (ag_buf_printf(&path, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/",
                      de->d_name) ||
        push_path(&found, path.data)) {
      rc = ag_err_set(err, AG_ENOMEM, dir, 0, 0, "out of memory");
      goto done;
    }
  }
  qsort(found.items, found.n, sizeof(char *), cmp_str);
  for (size_t i = 0; i < found.n && !rc; i++) {
    struct stat st;
    if (stat(found.items[i], &st) != 0) continue; /* dangling link */
    if (S_ISDIR(st.st_mode))
      rc = walk(p, found.items[i], depth + 1, err);
    else if (S_ISREG(st.st_mode) && is_article_file(found.items[i]) &&
             push_path(p, found.items[i]))
      rc = ag_err_set(err, AG_ENOMEM, dir, 0, 0, "out of memory");
  }
done:
  closedir(dp);
  ag_paths_destroy(&found);
  ag_buf_destroy(&path);
  return rc;
}

int ag_paths_add(ag_paths *p, const char *path, ag_error *err) {
  struct stat st;
  if (strcmp(path, "-") == 0) {
    if (push_path(p, path))
      return ag_err_set(err, AG_ENOMEM, path, 0, 0, "out of memory");
    return 0;
  }
  if (stat(path, &st) != 0)
    return ag_err_set(err, AG_EIO, path, 0, 0, "cannot open: %s",
                      strerror(errno));
  if (S_ISDIR(st.st_mode)) return walk(p, path, 0, err);
  if (push_path(p, path))
    return ag_err_set(err, AG_ENOMEM, path, 0, 0, "out of memory");
  return 0;
}

void ag_paths_destroy(ag_paths *p) {
  for (size_t i = 0; p && i < p->n; i++) free(p->items[i]);
  if (p) {
    free(p->items);
    memset(p, 0, sizeof *p);
  }
}

/* ---- reading articles: plain, gzip, records, JSON lines ----------------- */

#define READ_CHUNK (1u << 20)

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return strcmp(path, "-") == 0 ? "stdin" : slash ? slash + 1 : path;
}

int ag_reader_open(ag_reader *r, const char *path, ag_error *err) {
  memset(r, 0, sizeof *r);
  ag_buf_init(&r->buf);
  ag_buf_init(&r->name);
  const char *base = base_name(path);
  size_t n = strlen(base);
  if (n > 3 && strcmp(base + n - 3, ".gz") == 0) n -= 3; /* "a.txt.gz" is "a.txt" */
  r->jsonl = (n > 6 && strncmp(base + n - 6, ".jsonl", 6) == 0) ||
             (n > 7 && strncmp(base + n - 7, ".ndjson", 7) == 0);
  if (ag_buf_add(&r->name, base, n))
    return ag_err_set(err, AG_ENOMEM, path, 0, 0, "out of memory");
  r->path = path;
  int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY);
  if (fd < 0 || !(r->gz = gzdopen(fd, "rb"))) {
    int e = errno;
    if (fd >= 0) close(fd);
    ag_buf_destroy(&r->name);
    return ag_err_set(err, AG_EIO, path, 0, 0, "cannot open: %s", strerror(e));
  }
  gzbuffer(r->gz, 256 * 1024);
  r->line = 1;
  return 0;
}

void ag_reader_close(ag_reader *r) {
  if (r->gz) gzclose(r->gz);
  ag_buf_destroy(&r->buf);
  ag_buf_destroy(&r->name);
  memset(r, 0, sizeof *r);
}

/* Read more into the buffer, dropping what was consumed; 0 at end of file
 * too (r->eof says which). */
static int fill(ag_reader *r, ag_error *err) {
  if (r->pos) {
    memmove(r->buf.data, r->buf.data + r->pos, r->buf.len - r->pos);
    r->buf.len -= r->pos;
    r->scan -= r->pos < r->scan ? r->pos : r->scan;
    r->pos = 0;
  }
  if (r->max_bytes && r->buf.len >= r->max_bytes)
    return ag_err_set(err, AG_EINPUT, r->path, 0, 0,
                      "an article (or JSON line) longer than the limit of %zu MB "
                      "(--max-article-mb)",
                      r->max_bytes >> 20);
  if (ag_buf_reserve(&r->buf, r->buf.len + READ_CHUNK + 1))
    return ag_err_set(err, AG_ENOMEM, r->path, 0, 0, "out of memory");
  int got = gzread(r->gz, r->buf.data + r->buf.len, READ_CHUNK);
  if (got < 0) {
    int zerr;
    const char *msg = gzerror(r->gz, &zerr);
    return ag_err_set(err, AG_EIO, r->path, 0, 0, "cannot read: %s",
                      zerr == Z_ERRNO ? strerror(errno) : msg);
  }
  if (got == 0) r->eof = 1;
  r->buf.len += (size_t)got;
  r->buf.data[r->buf.len] = '\0';
  return 0;
}

static int set_id(ag_record *rec, const char *s, size_t n) {
  ag_buf_clear(&rec->id);
  return ag_buf_add(&rec->id, s, n);
}

/* Header lines at the start of a record ("date 2023-06-01", "url ...",
 * "source ...", "id ..."), up to a blank line; the rest is the text. */
static int record_headers(ag_record *rec, const char *s, size_t n, size_t *body) {
  size_t i = 0;
  while (i < n) {
    const char *line = s + i, *nl = memchr(line, '\n', n - i);
    size_t len = nl ? (size_t)(nl - line) : n - i, next = i + len + (nl != NULL);
    if (len && line[len - 1] == '\r') len--;
    if (len == 0) { /* the blank line ends the headers */
      i = next;
      break;
    }
    size_t k = 0;
    while (k < len && line[k] != ' ' && line[k] != '\t') k++;
    size_t v = k;
    while (v < len && (line[v] == ' ' || line[v] == '\t')) v++;
    if (k == 4 && memcmp(line, "date", 4) == 0) {
      ag_article_date(line, len, rec->date);
    } else if ((k == 3 && memcmp(line, "url", 3) == 0) || (k == 2 && memcmp(line, "id", 2) == 0)) {
      if (v < len && set_id(rec, line + v, len - v)) return AG_ENOMEM;
    } else if (!(k == 6 && memcmp(line, "source", 6) == 0)) {
      break; /* not a header: the text starts here */
    }
    i = next;
  }
  *body = i;
  return 0;
}

/* The next form-feed separated record, or the whole file when it has none. */
static int next_text(ag_reader *r, ag_record *rec, ag_error *err) {
  for (;;) {
    char *d = r->buf.data;
    size_t sep = 0, after = 0;
    int found = 0;
    for (size_t i = r->scan > r->pos ? r->scan : r->pos; i < r->buf.len; i++) {
      const char *ff = memchr(d + i, '\f', r->buf.len - i); /* the next form feed */
      if (!ff) break;
      i = (size_t)(ff - d);
      if (i > r->pos && d[i - 1] != '\n') continue;
      size_t j = i + 1;
      if (j < r->buf.len && d[j] == '\r') j++;
      if (j < r->buf.len && d[j] == '\n') {
        sep = i, after = j + 1, found = 1;
        break;
      }
      if (j >= r->buf.len && !r->eof) break; /* decide when more is read */
      if (j >= r->buf.len) {
        sep = i, after = j, found = 1;
        break;
      }
    }
    if (!found && !r->eof) {
      r->scan = r->buf.len > 2 ? r->buf.len - 2 : 0;
      if (fill(r, err)) return -1;
      continue;
    }
    size_t start = r->pos, end = found ? sep : r->buf.len;
    r->pos = found ? after : r->buf.len;
    r->scan = r->pos;
    if (found) r->multi = 1;
    if (!r->multi) {
      /* a plain article: all of it, its date marker read by the extractor */
      if (r->records) return 0;
      r->records++;
      rec->date_in_text = 1;
      rec->date[0] = '\0';
      ag_buf_clear(&rec->text);
      if (set_id(rec, r->name.data ? r->name.data : "", r->name.len) ||
          ag_buf_add(&rec->text, d + start, end - start))
        return ag_err_set(err, AG_ENOMEM, r->path, 0, 0, "out of memory"), -1;
      return 1;
    }
    size_t k = start;
    while (k < end && strchr(" \t\r\n", d[k])) k++;
    if (k == end) { /* an empty record */
      if (!found && r->eof) return 0;
      continue;
    }
    r->records++;
    rec->date_in_text = 0;
    rec->date[0] = '\0';
    ag_buf_clear(&rec->id);
    ag_buf_clear(&rec->text);
    size_t body;
    if (record_headers(rec, d + start, end - start, &body) ||
        (!rec->id.len && ag_buf_printf(&rec->id, "%s#%zu", r->name.data, r->records)) ||
        ag_buf_add(&rec->text, d + start + body, end - start - body))
      return ag_err_set(err, AG_ENOMEM, r->path, 0, 0, "out of memory"), -1;
    return 1;
  }
}

/* ---- JSON lines: {"id": ..., "date": ..., "text": ...} per line ---------- */

static int jrecord(ag_json *p, ag_record *rec, ag_buf *key, ag_buf *date) {
  ag_json_ws(p);
  if (p->s >= p->end || *p->s != '{') return p->err = "a JSON object was expected", -1;
  p->s++;
  ag_json_ws(p);
  if (p->s < p->end && *p->s == '}') p->s++;
  else
    for (;;) {
      ag_json_ws(p);
      ag_buf_clear(key);
      if (ag_json_string(p, key)) return -1;
      ag_json_ws(p);
      if (p->s >= p->end || *p->s != ':') return p->err = "':' was expected", -1;
      p->s++;
      const char *k = key->data ? key->data : "";
      ag_buf *into = strcmp(k, "text") == 0 ? &rec->text
                     : strcmp(k, "id") == 0 ? &rec->id
                     : strcmp(k, "date") == 0 ? date
                                             : NULL;
      if (into) ag_buf_clear(into);
      if (ag_json_value(p, into, 0)) return -1;
      ag_json_ws(p);
      if (p->s < p->end && *p->s == ',') {
        p->s++;
        continue;
      }
      if (p->s < p->end && *p->s == '}') {
        p->s++;
        break;
      }
      return p->err = "',' or '}' was expected", -1;
    }
  ag_json_ws(p);
  if (p->s < p->end) return p->err = "text after the object", -1;
  return 0;
}

static int next_jsonl(ag_reader *r, ag_record *rec, ag_error *err) {
  ag_buf key, date;
  for (;;) {
    char *nl = memchr(r->buf.data ? r->buf.data + r->pos : "", '\n',
                      r->buf.len - r->pos);
    if (!nl && !r->eof) {
      if (fill(r, err)) return -1;
      continue;
    }
    if (!nl && r->pos == r->buf.len) return 0;
    const char *line = r->buf.data + r->pos;
    size_t len = nl ? (size_t)(nl - line) : r->buf.len - r->pos;
    size_t lineno = r->line++;
    r->pos += len + (nl != NULL);
    size_t k = 0;
    while (k < len && strchr(" \t\r", line[k])) k++;
    if (k == len) continue; /* blank line */
    ag_buf_init(&key);
    ag_buf_init(&date);
    ag_buf_clear(&rec->id);
    ag_buf_clear(&rec->text);
    ag_json p = {line, line + len, NULL};
    int bad = jrecord(&p, rec, &key, &date);
    r->records++;
    rec->date_in_text = 0;
    rec->date[0] = '\0';
    if (!bad && date.len >= 10) {
      char tmp[32];
      snprintf(tmp, sizeof tmp, "date %.10s", date.data);
      ag_article_date(tmp, strlen(tmp), rec->date);
    }
    if (!bad && !rec->id.len && ag_buf_printf(&rec->id, "%s#%zu", r->name.data, lineno))
      bad = 1, p.err = "out of memory";
    ag_buf_destroy(&key);
    ag_buf_destroy(&date);
    if (bad)
      return ag_err_set(err, AG_EINPUT, r->path, lineno, (size_t)(p.s - line) + 1, "%s",
                        p.err),
             -1;
    if (!rec->text.data && ag_buf_add(&rec->text, "", 0))
      return ag_err_set(err, AG_ENOMEM, r->path, 0, 0, "out of memory"), -1;
    return 1;
  }
}

int ag_reader_line(ag_reader *r, const char **line, size_t *len, ag_error *err) {
  for (;;) {
    char *nl = r->buf.data ? memchr(r->buf.data + r->pos, '\n', r->buf.len - r->pos) : NULL;
    if (!nl && !r->eof) {
      if (fill(r, err)) return -1;
      continue;
    }
    if (!nl && r->pos == r->buf.len) return 0;
    *line = r->buf.data + r->pos;
    *len = nl ? (size_t)(nl - *line) : r->buf.len - r->pos;
    r->pos += *len + (nl != NULL);
    r->line++;
    return 1;
  }
}

/* UTF-16 (known by its byte order mark) becomes UTF-8: all of it is read
 * first, as such files are small; unpaired surrogates become U+FFFD. */
static int from_utf16(ag_reader *r, ag_error *err) {
  int be = (unsigned char)r->buf.data[0] == 0xFE;
  while (!r->eof)
    if (fill(r, err)) return -1;
  ag_buf out;
  ag_buf_init(&out);
  const unsigned char *d = (const unsigned char *)r->buf.data;
  size_t n = r->buf.len;
  for (size_t i = 2; i + 1 < n; i += 2) {
    unsigned c = be ? (unsigned)d[i] << 8 | d[i + 1] : (unsigned)d[i + 1] << 8 | d[i];
    if (c >= 0xD800 && c < 0xDC00 && i + 3 < n) {
      unsigned lo = be ? (unsigned)d[i + 2] << 8 | d[i + 3] : (unsigned)d[i + 3] << 8 | d[i + 2];
      if (lo >= 0xDC00 && lo < 0xE000) {
        c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      }
    }
    if (c >= 0xD800 && c < 0xE000) c = 0xFFFD;
    if (ag_utf8_put(&out, c)) {
      ag_buf_destroy(&out);
      return ag_err_set(err, AG_ENOMEM, r->path, 0, 0, "out of memory");
    }
  }
  ag_buf_destroy(&r->buf);
  r->buf = out;
  if (!r->buf.data && ag_buf_add(&r->buf, "", 0))
    return ag_err_set(err, AG_ENOMEM, r->path, 0, 0, "out of memory");
  r->pos = r->scan = 0;
  return 0;
}

/* Not text: a NUL byte in the first 8 KB, and more than one byte in ten of
 * them control characters (a stray NUL in an article is cleaned instead). */
static int looks_binary(const ag_reader *r) {
  size_t n = r->buf.len < 8192 ? r->buf.len : 8192, ctl = 0;
  if (!n || !memchr(r->buf.data, '\0', n)) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)r->buf.data[i];
    ctl += (c < 0x20 && !strchr("\t\n\r\f", c)) || c == 0x7F;
  }
  return ctl * 10 > n;
}

int ag_reader_next(ag_reader *r, ag_record *rec, ag_error *err) {
  if (!r->started) {
    r->started = 1;
    if (fill(r, err)) return -1;
    const unsigned char *d = (const unsigned char *)r->buf.data;
    if (r->buf.len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF))) {
      if (from_utf16(r, err)) return -1;
    } else if (r->buf.len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
      r->pos = r->scan = 3; /* a UTF-8 byte order mark says nothing */
    } else if (looks_binary(r)) {
      r->binary = 1;
      return 0;
    }
    /* standard input holding JSON lines is known by its first character */
    if (strcmp(r->path, "-") == 0) {
      size_t i = 0;
      while (i < r->buf.len && strchr(" \t\r\n", r->buf.data[i])) i++;
      r->jsonl = i < r->buf.len && r->buf.data[i] == '{';
    }
  }
  return r->jsonl ? next_jsonl(r, rec, err) : next_text(r, rec, err);
}

void ag_record_init(ag_record *rec) {
  memset(rec, 0, sizeof *rec);
  ag_buf_init(&rec->id);
  ag_buf_init(&rec->text);
}

void ag_record_destroy(ag_record *rec) {
  ag_buf_destroy(&rec->id);
  ag_buf_destroy(&rec->text);
}

int ag_extractor_add_file(ag_extractor *ex, const char *path, ag_error *err) {
  ag_paths one = {(char *[]){(char *)path}, 1, 1};
  return ag_extractor_add_paths(ex, &one, NULL, NULL, err);
}

