/* Input stage: which files are articles, reading them, the date marker. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
    else if (S_ISREG(st.st_mode) && ends_with(found.items[i], ".txt") &&
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

int ag_extractor_add_file(ag_extractor *ex, const char *path, ag_error *err) {
  char *text = NULL;
  size_t len = 0;
  int rc = ag_read_file(path, &text, &len, err);
  if (rc) return rc;
  const char *slash = strrchr(path, '/');
  const char *id = strcmp(path, "-") == 0 ? "stdin" : slash ? slash + 1 : path;
  rc = ag_extractor_add(ex, id, text, len, err);
  free(text);
  return rc;
}
