/* Import stage: other projects' dictionaries and sanctions lists -> our
 * actor YAML.  Formats: TABARI/PETRARCH .actors, .agents and discards,
 * CountryInfo, FollowTheMoney JSON lines, the OFAC SDN CSV.
 *
 * Everything is collected into a table of actors, de-duplicated (an alias
 * already taken by another actor is dropped and counted), sorted by id and
 * written as YAML, so the same input always gives the same file. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- the table being built ---------------------------------------------- */

typedef struct imp_actor {
  char *id, *name, *type, *country, *affiliation;
  ag_buf aliases;   /* YAML flow items, ", "-joined */
  ag_buf codes;     /* YAML flow items */
  ag_buf sanctions; /* YAML flow items */
  size_t naliases;
} imp_actor;

typedef struct importer {
  imp_actor *actors;
  size_t n, cap;
  ag_map ids;        /* id -> index */
  ag_map aliases;    /* lower-case alias -> owner index + 1 */
  ag_map keys;       /* source key (code, FtM id, OFAC number) -> index */
  ag_buf roles, discards; /* class entries, YAML flow items */
  size_t nroles, ndiscards;
  ag_import_counts *counts;
  ag_error *err;
  const char *file;
} importer;

static void imp_destroy(importer *im) {
  for (size_t i = 0; i < im->n; i++) {
    imp_actor *a = &im->actors[i];
    free(a->id);
    free(a->name);
    free(a->type);
    free(a->country);
    free(a->affiliation);
    ag_buf_destroy(&a->aliases);
    ag_buf_destroy(&a->codes);
    ag_buf_destroy(&a->sanctions);
  }
  free(im->actors);
  ag_map_destroy(&im->ids);
  ag_map_destroy(&im->aliases);
  ag_map_destroy(&im->keys);
  ag_buf_destroy(&im->roles);
  ag_buf_destroy(&im->discards);
}

/* A YAML double-quoted scalar.  YAML allows no control characters, C0 or
 * C1 (U+0080..U+009F), nor U+FFFE/U+FFFF: they become spaces. */
static int yq(ag_buf *b, const char *s) {
  const unsigned char *u = (const unsigned char *)s;
  int rc = ag_buf_putc(b, '"');
  for (; *u && !rc; u++) {
    if (*u == 0xC2 && u[1] >= 0x80 && u[1] <= 0x9F) {
      rc = ag_buf_putc(b, ' ');
      u++;
      continue;
    }
    if (*u == 0xEF && u[1] == 0xBF && (u[2] == 0xBE || u[2] == 0xBF)) {
      rc = ag_buf_putc(b, ' ');
      u += 2;
      continue;
    }
    if (*u == '"' || *u == '\\') rc = ag_buf_putc(b, '\\');
    if (!rc) rc = *u < 0x20 || *u == 0x7F ? ag_buf_putc(b, ' ') : ag_buf_putc(b, (char)*u);
  }
  if (!rc) rc = ag_buf_putc(b, '"');
  return rc;
}

static int item(ag_buf *list, const char *s) {
  int rc = list->len ? ag_buf_puts(list, ", ") : 0;
  return rc ? rc : yq(list, s);
}

/* A slug of s: lower-case letters and digits, '-' between runs. */
static int slug(ag_buf *b, const char *s) {
  int dash = 0;
  ag_buf_clear(b);
  for (; *s; s++) {
    char c = *s;
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (dash && b->len && ag_buf_putc(b, '-')) return AG_ENOMEM;
      if (ag_buf_putc(b, c)) return AG_ENOMEM;
      dash = 0;
    } else {
      dash = 1;
    }
  }
  return b->len ? 0 : ag_buf_puts(b, "actor");
}

/* A new actor with a fresh slug id from name; its index in *out. */
static int new_actor(importer *im, const char *name, const char *type,
                     size_t *out) {
  ag_buf id;
  ag_buf_init(&id);
  int rc = slug(&id, name);
  size_t base = id.len;
  for (int k = 2; !rc && ag_map_get(&im->ids, id.data, id.len, NULL); k++) {
    id.len = base;
    rc = ag_buf_printf(&id, "-%d", k);
  }
  if (!rc && AG_GROW(im->actors, im->cap, im->n + 1)) rc = AG_ENOMEM;
  if (!rc) {
    imp_actor *a = &im->actors[im->n];
    memset(a, 0, sizeof *a);
    a->id = id.data;
    id.data = NULL;
    a->name = ag_strdup(name);
    a->type = ag_strdup(type);
    if (!a->name || !a->type || ag_map_put(&im->ids, a->id, strlen(a->id), im->n))
      rc = AG_ENOMEM;
    else
      *out = im->n++;
  }
  ag_buf_destroy(&id);
  if (!rc) im->counts->actors++;
  return rc;
}

/* The key the rule loader gives an alias: its lower-case tokens. */
static int alias_key(ag_buf *key, const char *text) {
  char **words;
  uint16_t *flags;
  size_t n;
  int rc = ag_phrase_tokens(text, &words, &flags, &n);
  ag_buf_clear(key);
  for (size_t i = 0; i < n; i++) {
    if (!rc && ((i && ag_buf_putc(key, ' ')) || ag_buf_puts(key, words[i]))) rc = AG_ENOMEM;
    free(words[i]);
  }
  free(words);
  free(flags);
  return rc;
}

/* The owner of an alias key + 1, or 0. */
static size_t alias_owner(importer *im, const char *text) {
  ag_buf key;
  size_t owner = 0;
  ag_buf_init(&key);
  if (!alias_key(&key, text) && key.len) ag_map_get(&im->aliases, key.data, key.len, &owner);
  ag_buf_destroy(&key);
  return owner;
}

static int add_alias(importer *im, size_t ai, const char *text);

/* The actor called name: an existing one whose alias it is (two entries of
 * one person, one name for two entities: the rules cannot tell them apart
 * either), else a new one. */
static int actor_for(importer *im, const char *name, const char *type, size_t *out) {
  size_t owner = alias_owner(im, name);
  if (owner) {
    *out = owner - 1;
    im->counts->merged++;
    return 0;
  }
  int rc = new_actor(im, name, type, out);
  return rc ? rc : add_alias(im, *out, name);
}

/* Add an alias unless another actor holds it (counted as a clash). */
static int add_alias(importer *im, size_t ai, const char *text) {
  ag_buf key;
  ag_buf_init(&key);
  size_t owner;
  int rc = alias_key(&key, text);
  if (rc || !key.len) goto done;
  if (ag_map_get(&im->aliases, key.data, key.len, &owner)) {
    if (owner != ai + 1) im->counts->clashes++;
    goto done;
  }
  if ((rc = ag_map_put(&im->aliases, key.data, key.len, ai + 1))) goto done;
  if (strcmp(text, im->actors[ai].name) == 0) goto done; /* the name is an alias */
  rc = item(&im->actors[ai].aliases, text);
  im->actors[ai].naliases++;
  im->counts->aliases++;
done:
  ag_buf_destroy(&key);
  return rc;
}

/* ---- phrases: "NORTH_KOREA_" -> "North Korea" ---------------------------- */

static int strncasecmp_ascii(const char *a, const char *b, size_t n);

static int is_small_word(const char *w, size_t n) {
  static const char *const SMALL[] = {"the", "of", "and", "for", "in", "on", "to", "at",
                                      "al", "el", "de", "la", "du", "da", "bin", "ibn",
                                      "van", "von", "der", "le", "a", "an", NULL};
  for (int i = 0; SMALL[i]; i++)
    if (strlen(SMALL[i]) == n && !strncasecmp_ascii(w, SMALL[i], n)) return 1;
  return 0;
}

/* TABARI phrases are upper case with '_' between words: words of up to
 * three letters stay in capitals (UN, USA: acronyms match capitals only),
 * small words go lower case, the rest title case. "!PERSON!" and other
 * markers between '!' are dropped. */
static int phrase_ex(ag_buf *b, const char *s, size_t n, int acronyms);

static int phrase(ag_buf *b, const char *s, size_t n) { return phrase_ex(b, s, n, 1); }

static int phrase_ex(ag_buf *b, const char *s, size_t n, int acronyms) {
  ag_buf_clear(b);
  size_t i = 0;
  while (i < n) {
    while (i < n && (s[i] == '_' || s[i] == ' ')) i++;
    size_t j = i;
    while (j < n && s[j] != '_' && s[j] != ' ') j++;
    if (j == i) break;
    if (s[i] == '!') { /* !PERSON! */
      i = j;
      continue;
    }
    if (b->len && ag_buf_putc(b, ' ')) return AG_ENOMEM;
    size_t letters = 0;
    for (size_t k = i; k < j; k++) letters += (s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= 'a' && s[k] <= 'z');
    /* acronyms keep their capitals (they then match capitals only): a
     * one-word phrase of up to three letters (UN, USA), a word with dots
     * (U.N.) or without vowels (DPR, PKK); "KIM_JONG_UN" is Kim Jong Un */
    int caps = strspn(s + i, "ABCDEFGHIJKLMNOPQRSTUVWXYZ.") >= j - i;
    int one = b->len == 0 && (j >= n || strspn(s + j, "_ ") == n - j);
    int vowels = 0, dots = 0;
    for (size_t k = i; k < j; k++) {
      vowels += strchr("AEIOU", s[k]) != NULL;
      dots += s[k] == '.';
    }
    int small = is_small_word(s + i, j - i) && b->len > 0,
        acronym = acronyms && !small && caps && letters <= 3 && (one || dots || !vowels);
    for (size_t k = i; k < j; k++) {
      char c = s[k];
      if (c == '!') break;
      /* a word starts after - . ( and after the apostrophe of O'Brien */
      int first = k == i || s[k - 1] == '-' || s[k - 1] == '.' || s[k - 1] == '(' ||
                  (s[k - 1] == '\'' && k == i + 2);
      if (!acronym && c >= 'A' && c <= 'Z' && (small || !first)) c += 'a' - 'A';
      if (!acronym && first && !small && c >= 'a' && c <= 'z') c -= 'a' - 'A';
      if (ag_buf_putc(b, c)) return AG_ENOMEM;
    }
    i = j;
  }
  return ag_buf_add(b, "", 0);
}

static int strncasecmp_ascii(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int x = (unsigned char)a[i], y = (unsigned char)b[i];
    if (x >= 'A' && x <= 'Z') x += 'a' - 'A';
    if (y >= 'A' && y <= 'Z') y += 'a' - 'A';
    if (x != y || !x) return x - y;
  }
  return 0;
}

/* ---- dates: TABARI 6-digit YYMMDD and 8-digit YYYYMMDD --------------------- */

static int tabari_date(const char *s, size_t n, char out[11]) {
  char d[9];
  if (n == 6) {
    int yy = (s[0] - '0') * 10 + (s[1] - '0');
    snprintf(d, sizeof d, "%s%.6s", yy >= 30 ? "19" : "20", s);
  } else if (n == 8) {
    memcpy(d, s, 8);
    d[8] = '\0';
  } else {
    return 0;
  }
  for (int i = 0; i < 8; i++)
    if (d[i] < '0' || d[i] > '9') return 0;
  int m = (d[4] - '0') * 10 + (d[5] - '0'), day = (d[6] - '0') * 10 + (d[7] - '0');
  if (m < 1 || m > 12 || day < 1 || day > 31) return 0;
  snprintf(out, 11, "%.4s-%.2s-%.2s", d, d + 4, d + 6);
  return 1;
}

/* "[PRKGOV 200101-201201]", "[IGOUNO >20070101]", "[AFGELI]" -> a code item */
static int code_item(importer *im, size_t ai, const char *s, size_t n) {
  char code[64], from[11] = "", to[11] = "";
  size_t i = 0, k = 0;
  while (i < n && s[i] != ' ' && s[i] != '\t' && k + 1 < sizeof code) code[k++] = s[i++];
  code[k] = '\0';
  if (!k) return 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
  const char *r = s + i;
  size_t rn = n - i;
  if (rn && r[0] == '>') {
    size_t m = strspn(r + 1, "0123456789");
    if (!tabari_date(r + 1, m, from)) im->counts->bad_dates++;
  } else if (rn && r[0] == '<') {
    size_t m = strspn(r + 1, "0123456789");
    if (!tabari_date(r + 1, m, to)) im->counts->bad_dates++;
  } else if (rn) {
    size_t m = strspn(r, "0123456789");
    const char *dash = memchr(r, '-', rn);
    if (!tabari_date(r, m, from) || !dash ||
        !tabari_date(dash + 1, strspn(dash + 1, "0123456789"), to))
      im->counts->bad_dates++, from[0] = to[0] = '\0';
  }
  ag_buf *b = &im->actors[ai].codes;
  if (!from[0] && !to[0]) return item(b, code);
  int rc = ag_buf_printf(b, "%s{code: ", b->len ? ", " : "");
  if (!rc) rc = yq(b, code);
  if (!rc && from[0]) rc = ag_buf_printf(b, ", from: %s", from);
  if (!rc && to[0]) rc = ag_buf_printf(b, ", to: %s", to);
  if (!rc) rc = ag_buf_putc(b, '}');
  return rc;
}

/* The actor type a CAMEO code suggests. */
static const char *code_type(const char *code, int dated) {
  if (!strncmp(code, "IGO", 3) || !strncmp(code, "NGO", 3)) return "organization";
  if (!strncmp(code, "MNC", 3) || strstr(code, "BUS")) return "company";
  if (!strncmp(code, "IMG", 3) || strstr(code, "REB") || strstr(code, "INS") ||
      strstr(code, "SEP") || strstr(code, "UAF"))
    return "group";
  if (dated) return "person";
  if (strlen(code) == 3) return "state";
  if (strstr(code, "GOV") || strstr(code, "MIL") || strstr(code, "JUD") || strstr(code, "LEG") ||
      strstr(code, "COP") || strstr(code, "SPY"))
    return "agency";
  return "other";
}

/* ---- lines -------------------------------------------------------------- */

/* Calls fn for every line of text (without the newline). */
typedef int (*line_fn)(importer *im, char *line, size_t lineno, void *ctx);

static int each_line(importer *im, char *text, line_fn fn, void *ctx) {
  size_t lineno = 0;
  for (char *p = text; p && *p;) {
    char *nl = strchr(p, '\n');
    if (nl) *nl = '\0';
    size_t n = strlen(p);
    if (n && p[n - 1] == '\r') p[n - 1] = '\0';
    int rc = fn(im, p, ++lineno, ctx);
    if (rc) return rc;
    p = nl ? nl + 1 : NULL;
  }
  return 0;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
  return s;
}

/* ---- TABARI / PETRARCH .actors -------------------------------------------- */

/* A group: a primary phrase, its synonyms and its codes, until the next
 * primary phrase that comes after a code. */
typedef struct group {
  ag_buf phrases;  /* NUL-separated */
  size_t nphrases, nsyn;
  ag_buf codes;    /* NUL-separated "[...]" contents */
  size_t ncodes;
  int dated;
  ag_buf carry;    /* uncoded phrases waiting for the next coded group */
  size_t ncarry;
} group;

static int flush_group(importer *im, group *g) {
  int rc = 0;
  ag_buf name;
  ag_buf_init(&name);
  if (!g->nphrases) goto done;
  if (!g->ncodes) { /* no code: its phrases wait for the next coded group */
    rc = ag_buf_add(&g->carry, g->phrases.data, g->phrases.len);
    g->ncarry += g->nphrases;
    goto done;
  }
  const char *first_code = g->codes.data;
  char code3[64];
  size_t cl = strcspn(first_code, " \t");
  snprintf(code3, sizeof code3, "%.*s", (int)(cl < 60 ? cl : 60), first_code);
  size_t ai, existing;
  /* "UN_ [IGOUNO]" after "THE_UNITED_NATIONS_ [IGOUNO]": one actor */
  int merge = g->nsyn == 0 && g->ncodes == 1 && !g->dated &&
              ag_map_get(&im->keys, code3, strlen(code3), &existing);
  if ((rc = phrase(&name, g->phrases.data, strlen(g->phrases.data)))) goto done;
  if (merge) {
    ai = existing;
  } else {
    if ((rc = actor_for(im, name.data, code_type(code3, g->dated), &ai))) goto done;
    if (!ag_map_get(&im->keys, code3, strlen(code3), NULL) && !g->dated &&
        (rc = ag_map_put(&im->keys, code3, strlen(code3), ai)))
      goto done;
    for (const char *c = g->codes.data; c < g->codes.data + g->codes.len; c += strlen(c) + 1)
      if ((rc = code_item(im, ai, c, strlen(c)))) goto done;
  }
  for (const char *p = g->phrases.data; p < g->phrases.data + g->phrases.len; p += strlen(p) + 1)
    if ((rc = phrase(&name, p, strlen(p))) || (rc = add_alias(im, ai, name.data))) goto done;
  for (const char *p = g->carry.data; p && p < g->carry.data + g->carry.len; p += strlen(p) + 1)
    if ((rc = phrase(&name, p, strlen(p))) || (rc = add_alias(im, ai, name.data))) goto done;
  ag_buf_clear(&g->carry);
  g->carry.len = 0;
  g->ncarry = 0;
done:
  ag_buf_clear(&g->phrases);
  g->phrases.len = 0;
  ag_buf_clear(&g->codes);
  g->codes.len = 0;
  g->nphrases = g->nsyn = g->ncodes = 0;
  g->dated = 0;
  ag_buf_destroy(&name);
  return rc;
}

static int add_code_text(group *g, const char *s) {
  const char *open = strchr(s, '['), *close = open ? strchr(open, ']') : NULL;
  if (!open || !close) return 0;
  char *body = ag_strndup(open + 1, (size_t)(close - open - 1));
  if (!body) return AG_ENOMEM;
  char *t = trim(body);
  int rc = 0;
  if (*t) {
    if (strpbrk(t, "0123456789<>") && strchr(t, ' ')) g->dated = 1;
    rc = ag_buf_add(&g->codes, t, strlen(t) + 1);
    g->ncodes++;
  }
  free(body);
  return rc;
}

static int tabari_line(importer *im, char *line, size_t lineno, void *ctx) {
  group *g = ctx;
  (void)lineno;
  char *hash = strchr(line, '#');
  if (hash) *hash = '\0';
  int indented = line[0] == ' ' || line[0] == '\t';
  char *s = trim(line);
  if (!*s) return g->ncodes ? flush_group(im, g) : 0;
  if (s[0] == '[') return add_code_text(g, s);          /* [CODE dates] */
  if (s[0] == '+') {                                     /* +SYNONYM */
    char *ph = trim(s + 1);
    size_t n = strcspn(ph, "[");
    while (n && (ph[n - 1] == ' ' || ph[n - 1] == '\t')) n--;
    if (!n) return 0;
    g->nphrases++, g->nsyn++;
    int rc = ag_buf_add(&g->phrases, ph, n) || ag_buf_add(&g->phrases, "", 1) ? AG_ENOMEM : 0;
    return rc ? rc : add_code_text(g, ph);
  }
  if (indented && !g->nphrases) return 0;
  /* a primary phrase: a new group once the current one has its codes */
  int rc = g->ncodes ? flush_group(im, g) : 0;
  if (rc) return rc;
  size_t n = strcspn(s, "[");
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  if (!n) return 0;
  g->nphrases++;
  if (ag_buf_add(&g->phrases, s, n) || ag_buf_add(&g->phrases, "", 1)) return AG_ENOMEM;
  return add_code_text(g, s);
}

static int import_tabari(importer *im, char *text) {
  group g;
  memset(&g, 0, sizeof g);
  int rc = each_line(im, text, tabari_line, &g);
  if (!rc) rc = flush_group(im, &g);
  im->counts->uncoded += g.ncarry;
  ag_buf_destroy(&g.phrases);
  ag_buf_destroy(&g.codes);
  ag_buf_destroy(&g.carry);
  return rc;
}

/* .agents: "MINISTER_ [~GOV]" -> role nouns; discards: one phrase a line */
static int agents_line(importer *im, char *line, size_t lineno, void *ctx) {
  ag_buf ph;
  int discards = ctx != NULL, rc = 0;
  (void)lineno;
  char *hash = strchr(line, '#');
  if (hash) *hash = '\0';
  char *s = trim(line);
  if (*s == '+') s = trim(s + 1);
  size_t n = strcspn(s, "[");
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  if (!n || (!discards && !strchr(s, '['))) return 0;
  ag_buf_init(&ph);
  if (!(rc = phrase(&ph, s, n)) && ph.len) {
    for (size_t i = 0; i < ph.len; i++)
      if (ph.data[i] >= 'A' && ph.data[i] <= 'Z') ph.data[i] += 'a' - 'A';
    ag_buf *list = discards ? &im->discards : &im->roles;
    /* a class entry is a pattern: escape its special characters */
    ag_buf esc;
    ag_buf_init(&esc);
    for (size_t i = 0; i < ph.len && !rc; i++) {
      if (strchr("()|{}$?~\\", ph.data[i]) && (rc = ag_buf_putc(&esc, '\\'))) break;
      rc = ag_buf_putc(&esc, ph.data[i]);
    }
    if (!rc) rc = item(list, esc.data);
    ag_buf_destroy(&esc);
    if (discards) im->ndiscards++;
    else im->nroles++;
  }
  ag_buf_destroy(&ph);
  return rc;
}

/* ---- CountryInfo ---------------------------------------------------------------- */

/* Text between <tag> and </tag> inside block, or NULL (a malloc'd copy). */
static char *tag(const char *block, const char *name) {
  char open[80], close[80];
  snprintf(open, sizeof open, "<%s>", name);
  snprintf(close, sizeof close, "</%s>", name);
  const char *a = strstr(block, open), *b = a ? strstr(a, close) : NULL;
  if (!a || !b) return NULL;
  a += strlen(open);
  return ag_strndup(a, (size_t)(b - a));
}

/* "[19331108 - 19730717]" or "[>20011222]" -> from/to */
static void term(const char *s, char from[11], char to[11]) {
  from[0] = to[0] = '\0';
  const char *o = strchr(s, '[');
  if (!o) return;
  o++;
  while (*o == ' ') o++;
  if (*o == '>') {
    tabari_date(o + 1, strspn(o + 1, "0123456789"), from);
    return;
  }
  tabari_date(o, strspn(o, "0123456789"), from);
  const char *dash = strchr(o, '-');
  if (dash && dash < strchr(o, ']')) {
    dash++;
    while (*dash == ' ') dash++;
    tabari_date(dash, strspn(dash, "0123456789"), to);
  }
}

static int singular(ag_buf *b, const char *raw) {
  /* "Prime ministers" -> "Prime minister", "Governors-General" -> "Governor-general" */
  char office[128];
  size_t n = 0;
  for (const char *p = raw; *p && n + 1 < sizeof office; p++) {
    if (*p == 's' && p[1] == '-') continue;
    char c = *p;
    if (n && c >= 'A' && c <= 'Z') c += 'a' - 'A';
    office[n++] = c;
  }
  office[n] = '\0';
  ag_buf_clear(b);
  if (n > 3 && !strcmp(office + n - 3, "ies")) return ag_buf_add(b, office, n - 3) || ag_buf_puts(b, "y");
  if (n > 2 && office[n - 1] == 's' && office[n - 2] != 's') return ag_buf_add(b, office, n - 1);
  return ag_buf_puts(b, office);
}

/* One leader: a person with a dated code, and dated aliases for the office
 * ("President of Afghanistan"). */
static int leader(importer *im, const char *line, const char *office, const char *country,
                  const char *iso2, const char *iso3, const char *state_id) {
  ag_buf name, text, off;
  ag_buf_init(&name);
  ag_buf_init(&text);
  ag_buf_init(&off);
  char from[11], to[11];
  size_t ai, n = strcspn(line, " \t[");
  int rc = phrase(&name, line, n);
  if (rc || !name.len) goto done;
  term(line, from, to);
  /* one actor per person and country: "BABRAK_KARMAL_" appears per office */
  ag_buf key;
  ag_buf_init(&key);
  rc = ag_buf_printf(&key, "leader:%s:%s", iso3, name.data);
  if (!rc && !ag_map_get(&im->keys, key.data, key.len, &ai)) {
    rc = actor_for(im, name.data, "person", &ai);
    if (!rc) rc = ag_map_put(&im->keys, key.data, key.len, ai);
    if (!rc && iso2[0] && !(im->actors[ai].country = ag_strdup(iso2))) rc = AG_ENOMEM;
    if (!rc && !(im->actors[ai].affiliation = ag_strdup(state_id))) rc = AG_ENOMEM;
  }
  ag_buf_destroy(&key);
  if (rc) goto done;
  ag_buf *codes = &im->actors[ai].codes;
  rc = ag_buf_printf(codes, "%s{code: \"%sGOV\"", codes->len ? ", " : "", iso3);
  if (!rc && from[0]) rc = ag_buf_printf(codes, ", from: %s", from);
  if (!rc && to[0]) rc = ag_buf_printf(codes, ", to: %s", to);
  if (!rc) rc = ag_buf_putc(codes, '}');
  /* the office during the term: "President of Afghanistan" */
  if (!rc && from[0] && !(rc = singular(&off, office))) {
    ag_buf *al = &im->actors[ai].aliases;
    rc = ag_buf_printf(&text, "%s of %s", off.data, country);
    if (!rc) rc = ag_buf_printf(al, "%s{text: ", al->len ? ", " : "");
    if (!rc) rc = yq(al, text.data);
    if (!rc) rc = ag_buf_printf(al, ", from: %s", from);
    if (!rc && to[0]) rc = ag_buf_printf(al, ", to: %s", to);
    if (!rc) rc = ag_buf_putc(al, '}');
    im->counts->dated_aliases++;
  }
done:
  ag_buf_destroy(&name);
  ag_buf_destroy(&text);
  ag_buf_destroy(&off);
  return rc;
}

static int country_block(importer *im, const char *block) {
  char *code = tag(block, "CountryCode"), *cname = tag(block, "CountryName");
  char *iso2 = tag(block, "ISO3166-alpha2"), *nat = tag(block, "Nationality");
  char *cap = tag(block, "Capital"), *leaders = tag(block, "Leaders");
  ag_buf name, ph;
  ag_buf_init(&name);
  ag_buf_init(&ph);
  size_t ai;
  int rc = 0;
  if (!code || !cname) goto done;
  char *c = trim(code), *n2 = iso2 ? trim(iso2) : (char *)"";
  /* the header's documentation has <Country> blocks too: only real ones */
  if (strlen(c) != 3 || strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3 || strchr(cname, '\n'))
    goto done;
  if (strlen(n2) != 2 || strspn(n2, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 2) n2 = (char *)"";
  if (!strcmp(n2, "---")) n2 = (char *)"";
  if ((rc = phrase(&name, trim(cname), strlen(trim(cname)))) ||
      (rc = actor_for(im, name.data, "state", &ai)))
    goto done;
  if (*n2 && !(im->actors[ai].country = ag_strdup(n2))) rc = AG_ENOMEM;
  if (!rc) rc = item(&im->actors[ai].codes, c);
  if (!rc) rc = add_alias(im, ai, name.data);
  char *lists[2] = {nat, cap};
  for (int k = 0; k < 2 && !rc; k++)
    for (char *p = lists[k]; p && *p && !rc;) {
      char *nl = strchr(p, '\n');
      if (nl) *nl = '\0';
      char *t = trim(p);
      char *hash = strchr(t, '#');
      if (hash) *hash = '\0';
      t = trim(t);
      if (*t && !(rc = phrase(&ph, t, strlen(t)))) rc = add_alias(im, ai, ph.data);
      p = nl ? nl + 1 : NULL;
    }
  /* leaders: <Office> NAME [from - to] ... </Office> */
  char office[128] = "";
  const char *state_id = im->actors[ai].id;
  char *sid = ag_strdup(state_id);
  for (char *p = leaders; p && *p && !rc && sid;) {
    char *nl = strchr(p, '\n');
    if (nl) *nl = '\0';
    char *t = trim(p);
    if (t[0] == '<' && t[1] != '/') {
      snprintf(office, sizeof office, "%.*s", (int)strcspn(t + 1, ">"), t + 1);
    } else if (t[0] == '<') {
      office[0] = '\0';
    } else if (*t && *t != '#' && office[0]) {
      rc = leader(im, t, office, name.data, n2, c, sid);
    }
    p = nl ? nl + 1 : NULL;
  }
  free(sid);
done:
  free(code);
  free(cname);
  free(iso2);
  free(nat);
  free(cap);
  free(leaders);
  ag_buf_destroy(&name);
  ag_buf_destroy(&ph);
  return rc;
}

static int import_countryinfo(importer *im, const char *text) {
  int rc = 0;
  for (const char *p = strstr(text, "<Country>"); p && !rc;) {
    const char *e = strstr(p, "</Country>");
    if (!e) break;
    char *block = ag_strndup(p, (size_t)(e - p));
    if (!block) return AG_ENOMEM;
    rc = country_block(im, block);
    free(block);
    p = strstr(e, "<Country>");
  }
  return rc;
}

/* ---- a small JSON reader for FollowTheMoney lines -------------------------------- */

typedef struct jv {
  char kind;          /* 'o' object, 'a' array, 's' string, 'x' other */
  char *str;          /* 's': the string; 'o': NULL */
  struct jv *items;   /* 'o': key, value, key, value...; 'a': values */
  size_t n;
} jv;

static void jv_free(jv *v) {
  for (size_t i = 0; i < v->n; i++) jv_free(&v->items[i]);
  free(v->items);
  free(v->str);
  memset(v, 0, sizeof *v);
}

static void ws(const char **p) {
  while (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n') (*p)++;
}

static int put_utf8(ag_buf *b, unsigned cp) {
  char u[4];
  size_t n;
  if (cp < 0x80) u[0] = (char)cp, n = 1;
  else if (cp < 0x800) u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  else u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 0x3F)),
       u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  return ag_buf_add(b, u, n);
}

static int jstring(const char **p, char **out) {
  ag_buf b;
  ag_buf_init(&b);
  (*p)++;
  while (**p && **p != '"') {
    int rc;
    if (**p == '\\') {
      (*p)++;
      char c = **p;
      if (c == 'u') {
        unsigned cp = 0;
        for (int i = 1; i <= 4; i++) {
          char h = (*p)[i];
          cp = cp * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                   : h >= 'A' && h <= 'F' ? h - 'A' + 10 : 0);
          if (!h) break;
        }
        if (strlen(*p) < 5) break;
        *p += 4;
        rc = put_utf8(&b, cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp);
      } else {
        rc = ag_buf_putc(&b, c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'b' ? ' ' : c == 'f' ? ' ' : c);
      }
    } else {
      rc = ag_buf_putc(&b, **p);
    }
    if (rc) {
      ag_buf_destroy(&b);
      return AG_ENOMEM;
    }
    if (**p) (*p)++;
  }
  if (**p != '"') {
    ag_buf_destroy(&b);
    return AG_EINPUT;
  }
  (*p)++;
  if (ag_buf_add(&b, "", 0)) return AG_ENOMEM;
  *out = b.data;
  return 0;
}

static int jvalue(const char **p, jv *v, int depth) {
  memset(v, 0, sizeof *v);
  ws(p);
  if (depth > 32) return AG_EINPUT;
  if (**p == '"') {
    v->kind = 's';
    return jstring(p, &v->str);
  }
  if (**p == '{' || **p == '[') {
    char close = **p == '{' ? '}' : ']';
    size_t cap = 0;
    v->kind = **p == '{' ? 'o' : 'a';
    (*p)++;
    ws(p);
    if (**p == close) {
      (*p)++;
      return 0;
    }
    for (;;) {
      if (AG_GROW(v->items, cap, v->n + 2)) return AG_ENOMEM;
      int rc;
      if (v->kind == 'o') {
        ws(p);
        if (**p != '"') return AG_EINPUT;
        if ((rc = jvalue(p, &v->items[v->n++], depth + 1))) return rc;
        ws(p);
        if (**p != ':') return AG_EINPUT;
        (*p)++;
      }
      if ((rc = jvalue(p, &v->items[v->n++], depth + 1))) return rc;
      ws(p);
      if (**p == ',') {
        (*p)++;
        continue;
      }
      if (**p == close) {
        (*p)++;
        return 0;
      }
      return AG_EINPUT;
    }
  }
  /* numbers, true, false, null */
  v->kind = 'x';
  size_t n = strspn(*p, "0123456789+-.eEtrufalsn");
  if (!n) return AG_EINPUT;
  *p += n;
  return 0;
}

static const jv *jget(const jv *o, const char *key) {
  if (!o || o->kind != 'o') return NULL;
  for (size_t i = 0; i + 1 < o->n; i += 2)
    if (o->items[i].str && !strcmp(o->items[i].str, key)) return &o->items[i + 1];
  return NULL;
}

static const char *jfirst(const jv *props, const char *key) {
  const jv *a = jget(props, key);
  if (a && a->kind == 'a' && a->n && a->items[0].kind == 's') return a->items[0].str;
  if (a && a->kind == 's') return a->str;
  return NULL;
}

/* ---- FollowTheMoney / OpenSanctions ---------------------------------------------- */

static const char *ftm_type(const char *schema) {
  if (!strcmp(schema, "Person")) return "person";
  if (!strcmp(schema, "Company")) return "company";
  if (!strcmp(schema, "Organization")) return "organization";
  if (!strcmp(schema, "PublicBody")) return "agency";
  if (!strcmp(schema, "LegalEntity")) return "other";
  return NULL; /* vessels, addresses, sanctions... are no actors */
}

static int ftm_sanction(importer *im, const char *entity, const char *authority,
                        const char *program, const char *date) {
  size_t ai;
  if (!entity || !ag_map_get(&im->keys, entity, strlen(entity), &ai)) return 0;
  ag_buf *b = &im->actors[ai].sanctions;
  int rc = ag_buf_printf(b, "%s{authority: ", b->len ? ", " : "");
  if (!rc) rc = yq(b, authority ? authority : "unknown");
  if (!rc && program) {
    rc = ag_buf_puts(b, ", program: ");
    if (!rc) rc = yq(b, program);
  }
  char d[32];
  if (!rc && date && strlen(date) >= 10 &&
      snprintf(d, sizeof d, "%.10s", date) && d[4] == '-' && d[7] == '-')
    rc = ag_buf_printf(b, ", listed: %s", d);
  if (!rc) rc = ag_buf_putc(b, '}');
  im->counts->sanctions++;
  return rc;
}

static int ftm_entity(importer *im, const jv *e, int pass) {
  const char *schema = jget(e, "schema") ? jget(e, "schema")->str : NULL;
  const char *id = jget(e, "id") ? jget(e, "id")->str : NULL;
  const jv *props = jget(e, "properties");
  if (!schema || !id || !props) return 0;
  if (pass == 1) { /* Sanction records point at their entity */
    if (strcmp(schema, "Sanction") != 0) return 0;
    return ftm_sanction(im, jfirst(props, "entity"), jfirst(props, "authority"),
                        jfirst(props, "program"), jfirst(props, "startDate"));
  }
  const char *type = ftm_type(schema), *name = jfirst(props, "name");
  if (!type || !name) return 0;
  size_t ai;
  int rc = actor_for(im, name, type, &ai);
  if (!rc) rc = ag_map_put(&im->keys, id, strlen(id), ai);
  if (!rc) rc = item(&im->actors[ai].codes, id);
  const char *country = jfirst(props, "country");
  if (!rc && country && strlen(country) == 2) {
    char up[3] = {(char)(country[0] & ~0x20), (char)(country[1] & ~0x20), 0};
    if (!(im->actors[ai].country = ag_strdup(up))) rc = AG_ENOMEM;
  }
  const char *keys[] = {"name", "alias", "weakAlias", "previousName", NULL};
  for (int k = 0; keys[k] && !rc; k++) {
    const jv *a = jget(props, keys[k]);
    for (size_t i = 0; a && a->kind == 'a' && i < a->n && !rc; i++)
      if (a->items[i].kind == 's') rc = add_alias(im, ai, a->items[i].str);
  }
  /* topics: ["sanction"] without a Sanction record */
  const jv *topics = jget(props, "topics");
  for (size_t i = 0; topics && topics->kind == 'a' && i < topics->n && !rc; i++)
    if (topics->items[i].str && !strcmp(topics->items[i].str, "sanction") &&
        !im->actors[ai].sanctions.len) {
      const jv *ds = jget(e, "datasets");
      const char *by = ds && ds->kind == 'a' && ds->n ? ds->items[0].str : "OpenSanctions";
      rc = ftm_sanction(im, id, by, jfirst(props, "program"), NULL);
    }
  return rc;
}

static int import_ftm(importer *im, char *text) {
  int rc = 0;
  for (int pass = 0; pass < 2 && !rc; pass++) {
    size_t lineno = 0;
    for (char *p = text; p && *p && !rc;) {
      char *nl = strchr(p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen(p);
      lineno++;
      const char *q = p;
      ws(&q);
      if (*q && q < p + len) {
        char save = p[len];
        p[len] = '\0';
        jv v;
        int r = jvalue(&q, &v, 0);
        if (r == AG_ENOMEM) rc = r;
        else if (r || v.kind != 'o')
          rc = ag_err_set(im->err, AG_EINPUT, im->file, (int)lineno, (int)(q - p) + 1,
                          "not a JSON object");
        else
          rc = ftm_entity(im, &v, pass);
        jv_free(&v);
        p[len] = save;
      }
      p = nl ? nl + 1 : NULL;
    }
  }
  return rc;
}

/* ---- OFAC SDN ------------------------------------------------------------------ */

/* Split one CSV record (quotes, doubled quotes) into fields; returns count. */
static size_t csv_fields(char *line, char **f, size_t max) {
  size_t n = 0;
  char *p = line;
  while (n < max) {
    char *out = p, *start = p;
    if (*p == '"') {
      start = out = ++p;
      while (*p) {
        if (*p == '"' && p[1] == '"') *out++ = '"', p += 2;
        else if (*p == '"') break;
        else *out++ = *p++;
      }
      if (*p == '"') p++;
      while (*p && *p != ',') p++;
    } else {
      while (*p && *p != ',') p++;
      out = p;
    }
    char *next = *p == ',' ? p + 1 : NULL;
    *out = '\0';
    f[n++] = trim(start);
    if (!next) break;
    p = next;
  }
  return n;
}

static int null_field(const char *s) { return !*s || !strcmp(s, "-0-"); }

static const char *entity_type(const char *name) {
  size_t n = strlen(name);
  const char *end = name + n;
#define ENDS(w) (n >= strlen(w) && !strncasecmp_ascii(end - strlen(w), w, strlen(w)))
  if (ENDS("GROUP") || ENDS("ARMY") || ENDS("BRIGADE") || ENDS("FRONT")) return "group";
  if (ENDS("BANK") || strstr(name, "BANK ")) return "bank";
  if (ENDS("LTD") || ENDS("LTD.") || ENDS("LLC") || ENDS("CO.") || ENDS("CORP") ||
      ENDS("CORPORATION") || ENDS("COMPANY") || ENDS("INC") || ENDS("INC.") || ENDS("LIMITED"))
    return "company";
#undef ENDS
  return "organization";
}

/* "PARK, Jin Hyok" -> "Jin Hyok Park"; "LAZARUS GROUP" -> "Lazarus Group" */
static int ofac_name(ag_buf *out, const char *name, int person) {
  ag_buf a, b;
  ag_buf_init(&a);
  ag_buf_init(&b);
  const char *comma = person ? strchr(name, ',') : NULL;
  int rc;
  if (comma) {
    rc = phrase_ex(&a, name, (size_t)(comma - name), 0);
    const char *rest = comma + 1;
    if (!rc) rc = phrase_ex(&b, rest, strlen(rest), 0);
    ag_buf_clear(out);
    if (!rc) rc = ag_buf_printf(out, "%s %s", b.data, a.data);
  } else {
    rc = phrase(out, name, strlen(name));
  }
  ag_buf_destroy(&a);
  ag_buf_destroy(&b);
  return rc;
}

static int ofac_line(importer *im, char *line, size_t lineno, void *ctx) {
  char *f[16];
  ag_buf name;
  int pass = *(int *)ctx, rc = 0;
  (void)lineno;
  if (!*trim(line)) return 0;
  size_t n = csv_fields(line, f, 16);
  ag_buf_init(&name);
  if (pass == 0 && n >= 4 && strspn(f[0], "0123456789") == strlen(f[0]) && n >= 6) {
    /* sdn.csv: ent_num, name, type, programs, title, ... */
    const char *type = f[2];
    int person = !strcmp(type, "individual");
    if (!strcmp(type, "vessel") || !strcmp(type, "aircraft")) goto done;
    if ((rc = ofac_name(&name, f[1], person))) goto done;
    size_t ai;
    char key[64];
    snprintf(key, sizeof key, "OFAC-%s", f[0]);
    if ((rc = actor_for(im, name.data, person ? "person" : entity_type(f[1]), &ai)) ||
        (rc = ag_map_put(&im->keys, key, strlen(key), ai)) ||
        (rc = item(&im->actors[ai].codes, key)))
      goto done;
    for (char *p = f[3]; p && *p && !rc;) {
      char *e = strstr(p, "] [");
      if (e) *e = '\0';
      char *prog = trim(p);
      while (*prog == '[') prog++;
      size_t pl = strlen(prog);
      while (pl && prog[pl - 1] == ']') prog[--pl] = '\0';
      if (*prog && !null_field(prog)) rc = ftm_sanction(im, key, "OFAC", prog, NULL);
      p = e ? e + 3 : NULL;
    }
  } else if (pass == 1 && n == 5 && strspn(f[0], "0123456789") == strlen(f[0])) {
    /* alt.csv: ent_num, alt_num, alt_type, alt_name, remarks */
    char key[64];
    size_t ai;
    snprintf(key, sizeof key, "OFAC-%s", f[0]);
    if (null_field(f[3]) || !ag_map_get(&im->keys, key, strlen(key), &ai)) goto done;
    int person = !strcmp(im->actors[ai].type, "person");
    if (!(rc = ofac_name(&name, f[3], person))) rc = add_alias(im, ai, name.data);
  }
done:
  ag_buf_destroy(&name);
  return rc;
}

/* ---- writing the YAML ----------------------------------------------------------- */

static const importer *g_sort;
static int cmp_actor(const void *a, const void *b) {
  return strcmp(g_sort->actors[*(const size_t *)a].id, g_sort->actors[*(const size_t *)b].id);
}

static int write_yaml(importer *im, ag_buf *out, const char *format) {
  size_t *order = calloc(im->n ? im->n : 1, sizeof *order);
  int rc = 0;
  if (!order) return AG_ENOMEM;
  for (size_t i = 0; i < im->n; i++) order[i] = i;
  g_sort = im;
  qsort(order, im->n, sizeof *order, cmp_actor);
  rc = ag_buf_printf(out, "# Imported by actorgraph import --from %s: %zu actors, %zu aliases.\n"
                          "# Load it as its own rule set: actorgraph extract -r THIS.yaml -r rules ...\n",
                     format, im->counts->actors, im->counts->aliases);
  if (!rc && im->n) rc = ag_buf_puts(out, "actors:\n");
  for (size_t k = 0; k < im->n && !rc; k++) {
    imp_actor *a = &im->actors[order[k]];
    rc = ag_buf_printf(out, "  - id: %s\n    name: ", a->id);
    if (!rc) rc = yq(out, a->name);
    if (!rc) rc = ag_buf_printf(out, "\n    type: %s\n", a->type);
    if (!rc && a->country) rc = ag_buf_puts(out, "    country: ") || yq(out, a->country) || ag_buf_putc(out, '\n');
    if (!rc && a->affiliation) rc = ag_buf_printf(out, "    affiliation: %s\n", a->affiliation);
    if (!rc && a->codes.len) rc = ag_buf_printf(out, "    code: [%s]\n", a->codes.data);
    if (!rc && a->aliases.len) rc = ag_buf_printf(out, "    aliases: [%s]\n", a->aliases.data);
    if (!rc && a->sanctions.len) rc = ag_buf_printf(out, "    sanctions: [%s]\n", a->sanctions.data);
  }
  if (!rc && (im->nroles || im->ndiscards)) rc = ag_buf_puts(out, "classes:\n");
  if (!rc && im->nroles)
    rc = ag_buf_printf(out, "  # role nouns: add $IMPORTED-ROLES to ROLE to use them\n"
                            "  IMPORTED-ROLES: [%s]\n", im->roles.data);
  if (!rc && im->ndiscards)
    rc = ag_buf_printf(out, "  # add $IMPORTED-DISCARDS to DISCARD to use them\n"
                            "  IMPORTED-DISCARDS: [%s]\n", im->discards.data);
  free(order);
  return rc;
}

/* ---- entry point ------------------------------------------------------------------ */

static int contains(const char *path, const char *word) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  for (const char *p = base; *p; p++)
    if (!strncasecmp_ascii(p, word, strlen(word))) return 1;
  return 0;
}

int ag_import(const char *format, const char *const *files, size_t nfiles, char **yaml,
              size_t *len, ag_import_counts *counts, ag_error *err) {
  importer im;
  ag_buf out;
  memset(&im, 0, sizeof im);
  memset(counts, 0, sizeof *counts);
  ag_buf_init(&out);
  im.counts = counts;
  im.err = err;
  *yaml = NULL;
  int rc = 0, tabari = !strcmp(format, "tabari") || !strcmp(format, "petrarch");
  if (!tabari && strcmp(format, "countryinfo") && strcmp(format, "ftm") && strcmp(format, "ofac")) {
    rc = ag_err_set(err, AG_EUSAGE, NULL, 0, 0,
                    "unknown import format '%s' (tabari, petrarch, countryinfo, ftm, ofac)", format);
    goto done;
  }
  /* OFAC: every sdn.csv before any alt.csv, whatever their order */
  for (int pass = 0; pass < (strcmp(format, "ofac") ? 1 : 2) && !rc; pass++)
    for (size_t i = 0; i < nfiles && !rc; i++) {
      char *text = NULL;
      size_t n;
      if ((rc = ag_read_file(files[i], &text, &n, err))) break;
      char *clean = ag_utf8_clean(text, n, &n);
      free(text);
      if (!clean) {
        rc = ag_err_set(err, AG_ENOMEM, files[i], 0, 0, "out of memory");
        break;
      }
      im.file = files[i];
      if (pass == 0) counts->files++;
      if (tabari && contains(files[i], "agents")) rc = each_line(&im, clean, agents_line, NULL);
      else if (tabari && contains(files[i], "discard"))
        rc = each_line(&im, clean, agents_line, &im);
      else if (tabari) rc = import_tabari(&im, clean);
      else if (!strcmp(format, "countryinfo")) rc = import_countryinfo(&im, clean);
      else if (!strcmp(format, "ftm")) rc = import_ftm(&im, clean);
      else rc = each_line(&im, clean, ofac_line, &pass);
      free(clean);
      if (rc == AG_ENOMEM) ag_err_set(err, rc, files[i], 0, 0, "out of memory");
    }
  counts->roles = im.nroles;
  counts->discards = im.ndiscards;
  if (!rc && (rc = write_yaml(&im, &out, format)))
    ag_err_set(err, rc, NULL, 0, 0, "out of memory");
  if (!rc) {
    *yaml = out.data;
    *len = out.len;
    out.data = NULL;
  }
done:
  ag_buf_destroy(&out);
  imp_destroy(&im);
  return rc;
}
