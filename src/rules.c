/* Rules stage: YAML files -> actors, aliases, classes and relations.
 *
 * A rules file is a mapping with any of the keys `actors`, `classes` and
 * `relations` (see rules/README.md).  Every error names FILE:LINE:COL. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

typedef struct loader {
  ag_rules *r;
  ag_ydoc *doc;
  const char *file;
  ag_error *err;
  ag_doc words;  /* an alias's words, kept between aliases */
  ag_buf key;
} loader;

const char *const AG_SPECIAL_CLASSES[AG_SP_COUNT] = {
    "SKIP", "PROGRESSIVE", "ROLE", "PREFIX", "EVENT", "PREPOSITION", "NEGATION",
    "HYPOTHETICAL", "HEDGE", "REPORT", "ACCUSE", "DISCARD",
    "NOT-NAME", "TITLE", "HEAD-BANK", "HEAD-AGENCY", "HEAD-GROUP", "HEAD-COMPANY",
    "HEAD-ORGANIZATION"};

static const char *const TYPE_NAMES[AG_TYPE_COUNT] = {
    "state", "group", "agency", "organization", "bank",
    "company", "person", "sector", "other"};
/* Category10, one colour per actor type (docs/ECOSYSTEM). */
static const char *const TYPE_COLORS[AG_TYPE_COUNT] = {
    "#2ca02c", "#d62728", "#9467bd", "#9467bd", "#1f77b4",
    "#8c564b", "#ff7f0e", "#7f7f7f", "#7f7f7f"};
static const char *const TYPE_SHAPES[AG_TYPE_COUNT] = {
    "hexagon", "box", "house", "house", "cylinder",
    "component", "ellipse", "ellipse", "ellipse"};

const char *ag_type_name(int t) { return TYPE_NAMES[t]; }
const char *ag_type_color(int t) { return TYPE_COLORS[t]; }
const char *ag_type_shape(int t) { return TYPE_SHAPES[t]; }

int ag_type_from_name(const char *name) {
  for (int i = 0; i < AG_TYPE_COUNT; i++)
    if (strcmp(name, TYPE_NAMES[i]) == 0) return i;
  return -1;
}

/* ---- YAML helpers ------------------------------------------------------- */

static int at(loader *L, const ag_ynode *n, const char *fmt,
              const char *arg) {
  return ag_err_set(L->err, AG_ERULES, L->file, (int)n->line + 1,
                    (int)n->col + 1, fmt, arg);
}

static const char *scalar(const ag_ynode *n) {
  return n && n->type == YAML_SCALAR_NODE ? n->value : NULL;
}

static ag_ynode *node(loader *L, uint32_t id) { return &L->doc->nodes[id]; }

static int want_scalar(loader *L, ag_ynode *n, const char *what,
                       const char **out) {
  if (!(*out = scalar(n))) return at(L, n, "%s must be a string", what);
  return 0;
}

static int want_seq(loader *L, ag_ynode *n, const char *what) {
  if (n->type != YAML_SEQUENCE_NODE)
    return at(L, n, "%s must be a list", what);
  return 0;
}

static int unique_keys(loader *L, ag_ynode *map);

static int want_map(loader *L, ag_ynode *n, const char *what) {
  if (n->type != YAML_MAPPING_NODE)
    return at(L, n, "%s must be a mapping", what);
  return unique_keys(L, n);
}

#define AG_CAT2(a, b) a##b
#define AG_CAT(a, b) AG_CAT2(a, b)
#define IT_ AG_CAT(it_, __LINE__)

#define FOR_SEQ(L, C, ITEM)                                                \
  for (const uint32_t *IT_ = (L)->doc->kids + (C)->first;                  \
       IT_ < (L)->doc->kids + (C)->first + (C)->n && ((ITEM) = node(L, *IT_)); \
       IT_++)

#define FOR_MAP(L, C, K, V)                                                    \
  for (const uint32_t *IT_ = (L)->doc->kids + (C)->first;                      \
       IT_ < (L)->doc->kids + (C)->first + 2 * (C)->n && ((K) = node(L, IT_[0])) && \
       ((V) = node(L, IT_[1]));                                                \
       IT_ += 2)

/* 1, 0, or -1 when s is not a YAML boolean. */
static int boolean(const char *s) {
  static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "on", NULL};
  static const char *const no[] = {"false", "False", "FALSE", "no", "No", "off", NULL};
  for (int i = 0; yes[i]; i++)
    if (strcmp(s, yes[i]) == 0) return 1;
  for (int i = 0; no[i]; i++)
    if (strcmp(s, no[i]) == 0) return 0;
  return -1;
}

/* libyaml accepts a key twice in one mapping; a rules file must not. */
static int unique_keys(loader *L, ag_ynode *map) {
  const uint32_t *pairs = L->doc->kids + map->first;
  for (uint32_t a = 0; a < map->n; a++)
    for (uint32_t b = 0; b < a; b++) {
      const char *x = scalar(node(L, pairs[2 * a])), *y = scalar(node(L, pairs[2 * b]));
      if (x && y && strcmp(x, y) == 0)
        return at(L, node(L, pairs[2 * a]), "duplicate key '%s'", x);
    }
  return 0;
}

static int quoted(const ag_ynode *n) {
  return n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
         n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
}

/* ---- aliases ------------------------------------------------------------ */

/* The rest of an alias lives in ag_rules.alias_store. */
static void alias_destroy(ag_alias *a) { free(a->resolves_id); }

static int alias_has_exact(const ag_alias *a) {
  for (size_t i = 0; i < a->n; i++)
    if (a->exact[i]) return 1;
  return 0;
}

typedef struct alias_opts {
  int exact;
  const char *from, *to, *resolves;
} alias_opts;

static int add_alias(loader *L, size_t actor, const char *text,
                     const alias_opts *o, ag_ynode *pos) {
  int exact = o->exact, dated = o->from || o->to;
  ag_rules *r = L->r;
  ag_doc *d = &L->words;
  ag_buf *key = &L->key;
  ag_buf_clear(key);
  ag_alias a = {0};
  int rc = ag_doc_parse(d, text, strlen(text));
  if (rc) goto done;
  if (d->ntoks == 0) {
    rc = at(L, pos, "empty alias%s", "");
    goto done;
  }
  a.actor = actor;
  a.next = -1;
  a.resolves = -1;
  a.layer = r->layer;
  a.dated = dated;
  ag_copy_str(a.from, sizeof a.from, o->from ? o->from : "");
  ag_copy_str(a.to, sizeof a.to, o->to ? o->to : "");
  if (o->resolves && !(a.resolves_id = ag_strdup(o->resolves))) goto nomem;
  ag_arena *store = &r->alias_store;
  a.words = ag_arena_alloc(store, d->ntoks * sizeof(char *));
  a.orig = ag_arena_alloc(store, d->ntoks * sizeof(char *));
  a.exact = ag_arena_alloc(store, d->ntoks * sizeof(uint16_t));
  if (!a.words || !a.orig || !a.exact) goto nomem;
  for (size_t i = 0; i < d->ntoks; i++) {
    const ag_token *t = &d->toks[i];
    const char *w = ag_tok_norm(d, i);
    a.words[i] = ag_arena_strndup(store, w, strlen(w));
    a.orig[i] = ag_arena_strndup(store, text + t->start, t->len);
    a.n++;
    if (!a.words[i] || !a.orig[i]) goto nomem;
    a.exact[i] = exact || (t->flags & AG_TOK_ALLCAPS);
    if ((i && ag_buf_putc(key, ' ')) || ag_buf_puts(key, a.words[i]))
      goto nomem;
  }
  size_t first;
  if (ag_map_get(&r->alias_index, key->data, key->len, &first)) {
    for (long j = (long)first; j >= 0 && !dated; j = r->aliases[j].next) {
      ag_alias *b = &r->aliases[j];
      if (b->dated) continue; /* dated aliases may share a text */
      if (b->actor == actor && alias_has_exact(b) == alias_has_exact(&a) &&
          !b->disabled)
        goto done; /* the same alias twice: harmless */
      if (b->actor == actor && exact) {
        /* `case: exact` on an actor's own name overrides the name's
         * automatic case-insensitive alias ("Turkey" but not "turkey") */
        for (size_t k = 0; k < b->n; k++) {
          b->exact[k] = 1;
          b->orig[k] = a.orig[k];
        }
        goto done;
      }
      if (b->actor != actor && !alias_has_exact(b) && !alias_has_exact(&a) &&
          !b->disabled) {
        if (b->layer < r->layer) {
          /* a later rule set takes the alias over */
          b->disabled = 1;
          if (ag_buf_printf(&r->overrides,
                            "%s:%d:%d: alias '%s' now names '%s' instead of '%s'\n",
                            L->file, (int)pos->line + 1,
                            (int)pos->col + 1, text,
                            r->actors[actor].id, r->actors[b->actor].id))
            goto nomem;
          continue;
        }
        rc = ag_err_set(L->err, AG_ERULES, L->file,
                        (int)pos->line + 1,
                        (int)pos->col + 1,
                        "alias '%s' already names actor '%s'", text,
                        r->actors[b->actor].id);
        goto done;
      }
    }
    a.next = (long)first;
  }
  if (AG_GROW(r->aliases, r->cap_aliases, r->naliases + 1)) goto nomem;
  r->aliases[r->naliases] = a;
  memset(&a, 0, sizeof a);
  if (ag_map_put(&r->alias_index, key->data, key->len, r->naliases)) goto nomem;
  r->naliases++;
  goto done;
nomem:
  rc = ag_err_set(L->err, AG_ENOMEM, L->file, 0, 0, "out of memory");
done:
  alias_destroy(&a);
  return rc;
}

/* YYYY-MM-DD, checked as the article date marker is. */
static int is_date(const char *s) {
  char buf[16] = "date ", d[11];
  if (strlen(s) != 10) return 0;
  memcpy(buf + 5, s, 11);
  return ag_article_date(buf, 15, d) == 15;
}

static int load_alias(loader *L, size_t actor, ag_ynode *n) {
  const char *text = scalar(n);
  alias_opts o = {0, NULL, NULL, NULL};
  const ag_rules *r = L->r;
  size_t most = r->limits.max_aliases_per_actor ? r->limits.max_aliases_per_actor
                                                : AG_DEFAULT_MAX_ALIASES;
  if (++L->r->actors[actor].naliases > most)
    return ag_err_set(L->err, AG_ERULES, L->file, (int)n->line + 1,
                      (int)n->col + 1,
                      "actor '%s' has more than %zu aliases (--max-aliases)",
                      r->actors[actor].id, most);
  if (n->type == YAML_MAPPING_NODE) {
    ag_ynode *k, *v;
    FOR_MAP(L, n, k, v) {
      const char *key = scalar(k), *val = scalar(v);
      int rc;
      if (!key || !val) return at(L, k, "alias fields must be strings%s", "");
      if (strcmp(key, "text") == 0) text = val;
      else if (strcmp(key, "case") == 0) {
        if (strcmp(val, "exact") != 0 && strcmp(val, "any") != 0)
          return at(L, v, "case must be 'exact' or 'any', not '%s'", val);
        o.exact = strcmp(val, "exact") == 0;
      } else if (strcmp(key, "from") == 0 || strcmp(key, "to") == 0) {
        if (!is_date(val)) return at(L, v, "a date is YYYY-MM-DD, not '%s'", val);
        *(key[0] == 'f' ? &o.from : &o.to) = val;
      } else if (strcmp(key, "resolves-to") == 0) {
        o.resolves = val;
      } else if ((rc = at(L, k,
                          "unknown alias field '%s' (text, case, from, to, resolves-to)",
                          key)))
        return rc;
    }
    if (!text) return at(L, n, "alias needs 'text'%s", "");
  }
  if (!text) return at(L, n, "alias must be a string or a mapping%s", "");
  return add_alias(L, actor, text, &o, n);
}

/* ---- actors ------------------------------------------------------------- */

/* ---- examples -------------------------------------------------------------- */

static int set_string(loader *L, ag_ynode *v, const char *what, char **dst);
static void set_pos(loader *L, ag_ynode *n, char *file, size_t fsize,
                    int *line, int *col);

/* "SRC REL TGT" with exactly three words. */
static int load_edges(loader *L, ag_ynode *v, char ***out, size_t *n) {
  ag_ynode *item;
  const char *s;
  int rc = want_seq(L, v, "an edge list");
  if (rc) return rc;
  size_t cap = 0;
  FOR_SEQ(L, v, item) {
    char a[128], b[128], c[128], d[2];
    if ((rc = want_scalar(L, item, "an edge", &s))) return rc;
    if (sscanf(s, "%127s %127s %127s %1s", a, b, c, d) != 3)
      return at(L, item, "an example edge is 'SOURCE RELATION TARGET' ('?' for any), not '%s'", s);
    if (AG_GROW(*out, cap, *n + 1)) return AG_ENOMEM;
    (*out)[*n] = malloc(strlen(a) + strlen(b) + strlen(c) + 3);
    if (!(*out)[*n]) return AG_ENOMEM;
    sprintf((*out)[(*n)++], "%s %s %s", a, b, c);
  }
  return 0;
}

/* examples: a list of sentences, or of {text, yields, not}. */
static int load_examples(loader *L, ag_ynode *v, long relation, long actor) {
  ag_rules *r = L->r;
  ag_ynode *item, *k, *x;
  int rc = want_seq(L, v, "examples");
  if (rc) return rc;
  FOR_SEQ(L, v, item) {
    if (AG_GROW(r->examples, r->cap_examples, r->nexamples + 1)) return AG_ENOMEM;
    ag_example *e = &r->examples[r->nexamples++];
    memset(e, 0, sizeof *e);
    e->relation = relation;
    e->actor = actor;
    set_pos(L, item, e->file, sizeof e->file, &e->line, &e->col);
    if (scalar(item)) {
      e->any = 1;
      if (!(e->text = ag_strdup(scalar(item)))) return AG_ENOMEM;
      continue;
    }
    if ((rc = want_map(L, item, "an example"))) return rc;
    FOR_MAP(L, item, k, x) {
      const char *key = scalar(k);
      if (key && strcmp(key, "text") == 0) rc = set_string(L, x, "text", &e->text);
      else if (key && strcmp(key, "yields") == 0) rc = load_edges(L, x, &e->yields, &e->nyields);
      else if (key && strcmp(key, "not") == 0) rc = load_edges(L, x, &e->nots, &e->nnots);
      else rc = at(L, k, "unknown example field '%s' (text, yields, not)", key ? key : "");
      if (rc) return rc;
    }
    if (!e->text) return at(L, item, "an example needs 'text'%s", "");
  }
  return 0;
}

static int set_string(loader *L, ag_ynode *v, const char *what,
                      char **dst) {
  const char *s;
  int rc = want_scalar(L, v, what, &s);
  if (rc) return rc;
  free(*dst);
  if (!(*dst = ag_strdup(s))) return AG_ENOMEM;
  return 0;
}

/* code: PRKGOV, or code: [{code: USAGOV, from: 2017-01-20, to: 2021-01-20}, ...] */
static int add_code(ag_actor *a, const char *code, const char *from, const char *to) {
  ag_code *c = ag_xrealloc_array(a->codes, a->ncodes + 1, sizeof *c);
  if (!c) return AG_ENOMEM;
  a->codes = c;
  c = &a->codes[a->ncodes];
  memset(c, 0, sizeof *c);
  if (!(c->code = ag_strdup(code))) return AG_ENOMEM;
  ag_copy_str(c->from, sizeof c->from, from ? from : "");
  ag_copy_str(c->to, sizeof c->to, to ? to : "");
  a->ncodes++;
  return 0;
}

static int load_codes(loader *L, ag_ynode *v, ag_actor *a) {
  ag_ynode *item, *k, *x;
  if (scalar(v)) return add_code(a, scalar(v), NULL, NULL);
  int rc = want_seq(L, v, "code");
  if (rc) return rc;
  FOR_SEQ(L, v, item) {
    const char *code = scalar(item), *from = NULL, *to = NULL;
    if (!code) {
      if ((rc = want_map(L, item, "a code"))) return rc;
      FOR_MAP(L, item, k, x) {
        const char *key = scalar(k), *val = scalar(x);
        if (!key || !val) return at(L, k, "code fields must be strings%s", "");
        if (!strcmp(key, "code")) code = val;
        else if (!strcmp(key, "from") || !strcmp(key, "to")) {
          if (!is_date(val)) return at(L, x, "a date is YYYY-MM-DD, not '%s'", val);
          *(key[0] == 'f' ? &from : &to) = val;
        } else
          return at(L, k, "unknown code field '%s' (code, from, to)", key);
      }
      if (!code) return at(L, item, "a dated code needs 'code'%s", "");
    }
    if ((rc = add_code(a, code, from, to))) return rc;
  }
  return 0;
}

/* sanctions: [{authority: OFAC, program: DPRK3, listed: 2019-09-13}] */
static int load_sanctions(loader *L, ag_ynode *v, ag_actor *a) {
  ag_ynode *item, *k, *x;
  int rc = want_seq(L, v, "sanctions");
  if (rc) return rc;
  FOR_SEQ(L, v, item) {
    if ((rc = want_map(L, item, "a sanction"))) return rc;
    ag_sanction *sp = ag_xrealloc_array(a->sanctions, a->nsanctions + 1, sizeof *sp);
    if (!sp) return AG_ENOMEM;
    a->sanctions = sp;
    sp = &a->sanctions[a->nsanctions++];
    memset(sp, 0, sizeof *sp);
    FOR_MAP(L, item, k, x) {
      const char *key = scalar(k), *val = scalar(x);
      if (!key || !val) return at(L, k, "sanction fields must be strings%s", "");
      if (!strcmp(key, "authority")) rc = set_string(L, x, "authority", &sp->authority);
      else if (!strcmp(key, "program")) rc = set_string(L, x, "program", &sp->program);
      else if (!strcmp(key, "listed")) {
        if (!is_date(val)) return at(L, x, "a date is YYYY-MM-DD, not '%s'", val);
        ag_copy_str(sp->listed, sizeof sp->listed, val);
      } else
        rc = at(L, k, "unknown sanction field '%s' (authority, program, listed)", key);
      if (rc) return rc;
    }
    if (!sp->authority) return at(L, item, "a sanction needs an 'authority'%s", "");
  }
  return 0;
}

static void actor_destroy(ag_actor *a) {
  free(a->id);
  free(a->name);
  free(a->country);
  free(a->affiliation_id);
  for (size_t i = 0; i < a->ncodes; i++) free(a->codes[i].code);
  free(a->codes);
  for (size_t i = 0; i < a->nsanctions; i++) {
    free(a->sanctions[i].authority);
    free(a->sanctions[i].program);
  }
  free(a->sanctions);
  memset(a, 0, sizeof *a);
}

const char *ag_actor_code(const ag_actor *a, const char *date) {
  const char *undated = NULL;
  for (size_t i = 0; i < a->ncodes; i++) {
    const ag_code *c = &a->codes[i];
    if (!c->from[0] && !c->to[0]) {
      if (!undated) undated = c->code;
      continue;
    }
    if (date && date[0] && (!c->from[0] || strcmp(date, c->from) >= 0) &&
        (!c->to[0] || strcmp(date, c->to) < 0))
      return c->code;
  }
  return undated ? undated : "";
}

/* An actor of a later rule set replaces the one of the same id: the new
 * definition (just appended at index fresh) moves into slot old, and the
 * old actor's aliases stop matching. */
static int override_actor(loader *L, ag_ynode *n, size_t old, size_t fresh) {
  ag_rules *r = L->r;
  ag_actor *o = &r->actors[old];
  if (ag_buf_printf(&r->overrides, "%s:%d:%d: actor '%s' replaces an earlier definition\n",
                    L->file, (int)n->line + 1,
                    (int)n->col + 1, o->id))
    return AG_ENOMEM;
  actor_destroy(o);
  *o = r->actors[fresh];
  r->nactors--;
  for (size_t i = 0; i < r->naliases; i++)
    if (r->aliases[i].actor == old) r->aliases[i].disabled = 1;
  for (size_t i = 0; i < r->nexamples; i++)
    if (r->examples[i].actor == (long)fresh) r->examples[i].actor = (long)old;
  return 0;
}

static int load_actor(loader *L, ag_ynode *n) {
  ag_rules *r = L->r;
  int rc = want_map(L, n, "an actor");
  if (rc) return rc;
  if (AG_GROW(r->actors, r->cap_actors, r->nactors + 1)) return AG_ENOMEM;
  size_t idx = r->nactors;
  ag_actor *a = &r->actors[idx];
  memset(a, 0, sizeof *a);
  a->type = -1;
  a->affiliation = -1;
  a->layer = r->layer;
  r->nactors++;
  ag_ynode *k, *v, *aliases = NULL;
  FOR_MAP(L, n, k, v) {
    const char *key = scalar(k), *s;
    if (!key) return at(L, k, "actor keys must be strings%s", "");
    if (strcmp(key, "id") == 0) rc = set_string(L, v, "id", &a->id);
    else if (strcmp(key, "name") == 0) rc = set_string(L, v, "name", &a->name);
    else if (strcmp(key, "country") == 0)
      rc = set_string(L, v, "country", &a->country);
    else if (strcmp(key, "affiliation") == 0)
      rc = set_string(L, v, "affiliation", &a->affiliation_id);
    else if (strcmp(key, "code") == 0)
      rc = load_codes(L, v, a);
    else if (strcmp(key, "sanctions") == 0)
      rc = load_sanctions(L, v, a);
    else if (strcmp(key, "aliases") == 0)
      rc = want_seq(L, aliases = v, "aliases");
    else if (strcmp(key, "examples") == 0)
      rc = load_examples(L, v, -1, (long)idx);
    else if (strcmp(key, "type") == 0) {
      if (!(rc = want_scalar(L, v, "type", &s)) &&
          (a->type = ag_type_from_name(s)) < 0)
        rc = at(L, v,
                "unknown actor type '%s' (state, group, agency, organization, "
                "bank, company, person, sector, other)",
                s);
    } else
      rc = at(L, k, "unknown actor field '%s'", key);
    if (rc) return rc;
  }
  if (!a->id) return at(L, n, "actor needs an 'id'%s", "");
  if (!ag_is_slug(a->id))
    return at(L, n, "actor id '%s' must be a slug: a-z, 0-9 and '-'", a->id);
  if (!a->name) return at(L, n, "actor '%s' needs a 'name'", a->id);
  if (a->type < 0) return at(L, n, "actor '%s' needs a 'type'", a->id);
  size_t old;
  if (ag_map_get(&r->actor_index, a->id, strlen(a->id), &old)) {
    if (r->actors[old].layer >= r->layer)
      return at(L, n, "duplicate actor id '%s'", a->id);
    if ((rc = override_actor(L, n, old, idx))) return rc;
    idx = old;
    a = &r->actors[idx];
  } else if (ag_map_put(&r->actor_index, a->id, strlen(a->id), idx)) {
    return AG_ENOMEM;
  }
  alias_opts plain = {0, NULL, NULL, NULL};
  if ((rc = add_alias(L, idx, a->name, &plain, n))) return rc;
  ag_ynode *item;
  if (aliases) FOR_SEQ(L, aliases, item) {
      if ((rc = load_alias(L, idx, item))) return rc;
    }
  return 0;
}

/* ---- classes and relations --------------------------------------------- */

static void set_pos(loader *L, ag_ynode *n, char *file, size_t fsize,
                    int *line, int *col) {
  ag_copy_str(file, fsize, L->file);
  *line = (int)n->line + 1;
  *col = (int)n->col + 1 +
         (n->type == YAML_SCALAR_NODE && quoted(n));
}

static int load_class(loader *L, ag_ynode *k, ag_ynode *v) {
  ag_rules *r = L->r;
  const char *name = scalar(k), *s;
  int rc;
  if (!name) return at(L, k, "class names must be strings%s", "");
  size_t ci;
  ag_class *c;
  if ((rc = want_seq(L, v, "a class"))) return rc;
  if (ag_map_get(&r->class_index, name, strlen(name), &ci)) {
    c = &r->classes[ci];
    if (c->layer >= r->layer) return at(L, k, "duplicate class '%s'", name);
    /* a later rule set redefines the class */
    if (ag_buf_printf(&r->overrides, "%s:%d:%d: class '%s' replaces an earlier definition\n",
                      L->file, (int)k->line + 1,
                      (int)k->col + 1, name))
      return AG_ENOMEM;
    for (size_t j = 0; j < c->nentries; j++) free(c->entries[j]);
    free(c->entries);
    free(c->name);
    memset(c, 0, sizeof *c);
  } else {
    if (AG_GROW(r->classes, r->cap_classes, r->nclasses + 1)) return AG_ENOMEM;
    ci = r->nclasses++;
    c = &r->classes[ci];
    memset(c, 0, sizeof *c);
  }
  c->layer = r->layer;
  set_pos(L, k, c->file, sizeof c->file, &c->line, &c->col);
  if (!(c->name = ag_strdup(name))) return AG_ENOMEM;
  size_t n = v->n;
  if (!(c->entries = calloc(n ? n : 1, sizeof(char *)))) return AG_ENOMEM;
  ag_ynode *item;
  FOR_SEQ(L, v, item) {
    if ((rc = want_scalar(L, item, "a class entry", &s))) return rc;
    if (!(c->entries[c->nentries++] = ag_strdup(s))) return AG_ENOMEM;
  }
  return ag_map_put(&r->class_index, name, strlen(name), ci);
}

/* The 18 event classes of PLOVER (the successor of CAMEO's roots). */
static int is_plover(const char *s) {
  static const char *const CLASSES[] = {
      "AGREE",   "CONSULT",    "SUPPORT", "COOPERATE", "AID",      "RETREAT",
      "CONCEDE", "INVESTIGATE", "DEMAND", "DISAPPROVE", "REJECT",  "THREATEN",
      "PROTEST", "MOBILIZE",   "SANCTION", "COERCE",   "ASSAULT",  "FIGHT", NULL};
  for (int i = 0; CLASSES[i]; i++)
    if (strcmp(s, CLASSES[i]) == 0) return 1;
  return 0;
}

/* ---- verb frames ------------------------------------------------------------ */

static int add_pattern(loader *L, ag_relation *rel, const char *text,
                       ag_ynode *pos) {
  if (AG_GROW(rel->pats, rel->cap_pats, rel->npats + 1)) return AG_ENOMEM;
  ag_pattern *p = &rel->pats[rel->npats];
  memset(p, 0, sizeof *p);
  if (!(p->text = ag_strdup(text))) return AG_ENOMEM;
  set_pos(L, pos, p->file, sizeof p->file, &p->line, &p->col);
  rel->npats++;
  return 0;
}

/* A word becomes "word~" (every form); a $CLASS or a group stays as it is. */
static void as_forms(char *out, size_t size, const char *w) {
  size_t n = strlen(w);
  if (w[0] == '$' || w[0] == '(' || (n && w[n - 1] == '~'))
    ag_copy_str(out, size, w);
  else
    snprintf(out, size, "%s~", w);
}

/* frames: - {verb: steal, prep: from, noun: (theft|heist), noun-prep: from}
 * derives the active, passive, participle and nominal patterns. */
static int load_frame(loader *L, ag_ynode *n, ag_relation *rel) {
  const char *verb = NULL, *prep = NULL, *noun = NULL, *nprep = NULL;
  const char *stypes = NULL, *ttypes = NULL;
  ag_ynode *k, *v;
  int rc = want_map(L, n, "a frame");
  if (rc) return rc;
  FOR_MAP(L, n, k, v) {
    const char *key = scalar(k), *val = scalar(v);
    if (!key || !val) return at(L, k, "frame fields must be strings%s", "");
    if (strcmp(key, "verb") == 0) verb = val;
    else if (strcmp(key, "prep") == 0) prep = val;
    else if (strcmp(key, "noun") == 0) noun = val;
    else if (strcmp(key, "noun-prep") == 0) nprep = val;
    else if (strcmp(key, "source") == 0) stypes = val;
    else if (strcmp(key, "target") == 0) ttypes = val;
    else return at(L, k, "unknown frame field '%s' (verb, prep, noun, noun-prep, source, target)", key);
  }
  if (!verb) return at(L, n, "a frame needs a 'verb'%s", "");
  char V[256], N[256], P[256], NP[256], buf[1200];
  const char *be = "(is|are|was|were|be|been|being)";
  as_forms(V, sizeof V, verb);
  snprintf(P, sizeof P, "(%s)", prep ? prep : "");
  snprintf(NP, sizeof NP, "(%s)", nprep ? nprep : prep ? prep : "on|against|of");
  const char *forms[8];
  char store[8][1200];
  size_t nf = 0;
  if (!prep) {
    snprintf(store[nf], sizeof store[nf], "{source} %s {target}", V);          /* A hacked B */
    forms[nf] = store[nf], nf++;
    snprintf(store[nf], sizeof store[nf], "{target} %s %s ...3 by {source}", be, V); /* B was hacked by A */
    forms[nf] = store[nf], nf++;
    snprintf(store[nf], sizeof store[nf], "{target} , %s by {source}", V);      /* B, hacked by A, */
    forms[nf] = store[nf], nf++;
  } else {
    snprintf(store[nf], sizeof store[nf], "{source} %s ...6 %s {target}", V, P); /* A stole X from B */
    forms[nf] = store[nf], nf++;
    snprintf(store[nf], sizeof store[nf], "%s %s {target} ...4 by {source}", V, P); /* stolen from B by A */
    forms[nf] = store[nf], nf++;
  }
  if (noun) {
    as_forms(N, sizeof N, noun);
    snprintf(store[nf], sizeof store[nf], "{source} 's ...2 %s ...4 %s {target}", N, NP); /* A's attack on B */
    forms[nf] = store[nf], nf++;
    snprintf(store[nf], sizeof store[nf], "%s ...4 %s {target} ...4 by {source}", N, NP); /* the attack on B by A */
    forms[nf] = store[nf], nf++;
    snprintf(store[nf], sizeof store[nf], "%s by {source} ...4 %s {target}", N, NP); /* attacks by A on B */
    forms[nf] = store[nf], nf++;
  }
  /* type limits: {source} -> {source:state|group} */
  char S[160], T[160];
  snprintf(S, sizeof S, "{source%s%s}", stypes ? ":" : "", stypes ? stypes : "");
  snprintf(T, sizeof T, "{target%s%s}", ttypes ? ":" : "", ttypes ? ttypes : "");
  for (size_t i = 0; i < nf; i++) {
    size_t o = 0;
    for (const char *f = forms[i]; *f && o + 200 < sizeof buf;) {
      if (!strncmp(f, "{source}", 8)) o += (size_t)snprintf(buf + o, sizeof buf - o, "%s", S), f += 8;
      else if (!strncmp(f, "{target}", 8)) o += (size_t)snprintf(buf + o, sizeof buf - o, "%s", T), f += 8;
      else buf[o++] = *f++;
    }
    buf[o] = '\0';
    if ((rc = add_pattern(L, rel, buf, n))) return rc;
  }
  return 0;
}

static void relation_destroy(ag_relation *rel) {
  for (size_t j = 0; j < rel->nexclude; j++) free(rel->exclude_roles[j]);
  free(rel->exclude_roles);
  free(rel->exclude_ids);
  for (size_t j = 0; j < rel->npats; j++) {
    ag_seq_destroy(&rel->pats[j].seq);
    ag_map_destroy(&rel->pats[j].first);
    free(rel->pats[j].first_ids);
    free(rel->pats[j].text);
  }
  free(rel->pats);
  free(rel->name);
  free(rel->describe);
  free(rel->color);
  free(rel->cameo);
  free(rel->plover);
  free(rel->intent);
}

/* A relation of a later rule set replaces the one of the same name: the
 * new one (the last) moves into slot old. */
static int override_relation(loader *L, ag_ynode *n, size_t old) {
  ag_rules *r = L->r;
  size_t fresh = r->nrels - 1;
  if (ag_buf_printf(&r->overrides, "%s:%d:%d: relation '%s' replaces an earlier definition\n",
                    L->file, (int)n->line + 1,
                    (int)n->col + 1, r->rels[old].name))
    return AG_ENOMEM;
  relation_destroy(&r->rels[old]);
  r->rels[old] = r->rels[fresh];
  r->nrels--;
  for (size_t i = 0; i < r->nexamples; i++) {
    if (r->examples[i].relation == (long)old) r->examples[i].relation = -2; /* dropped */
    if (r->examples[i].relation == (long)fresh) r->examples[i].relation = (long)old;
  }
  return 0;
}

static int load_relation(loader *L, ag_ynode *n) {
  ag_rules *r = L->r;
  int rc = want_map(L, n, "a relation");
  const char *s;
  if (rc) return rc;
  if (AG_GROW(r->rels, r->cap_rels, r->nrels + 1)) return AG_ENOMEM;
  ag_relation *rel = &r->rels[r->nrels];
  memset(rel, 0, sizeof *rel);
  rel->layer = r->layer;
  r->nrels++;
  ag_ynode *k, *v, *item;
  FOR_MAP(L, n, k, v) {
    const char *key = scalar(k);
    if (!key) return at(L, k, "relation keys must be strings%s", "");
    if (strcmp(key, "name") == 0) rc = set_string(L, v, "name", &rel->name);
    else if (strcmp(key, "describe") == 0)
      rc = set_string(L, v, "describe", &rel->describe);
    else if (strcmp(key, "color") == 0) rc = set_string(L, v, "color", &rel->color);
    else if (strcmp(key, "cameo") == 0) {
      if (!(rc = set_string(L, v, "cameo", &rel->cameo)) &&
          (strspn(rel->cameo, "0123456789") != strlen(rel->cameo) || strlen(rel->cameo) < 2 ||
           strlen(rel->cameo) > 4))
        rc = at(L, v, "a CAMEO code is 2 to 4 digits, not '%s'", rel->cameo);
    } else if (strcmp(key, "intent") == 0) {
      if (!(rc = set_string(L, v, "intent", &rel->intent)) && !is_plover(rel->intent))
        rc = at(L, v, "unknown PLOVER class '%s'", rel->intent);
    } else if (strcmp(key, "plover") == 0) {
      if (!(rc = set_string(L, v, "plover", &rel->plover)) && !is_plover(rel->plover))
        rc = at(L, v,
                "unknown PLOVER class '%s' (AGREE, CONSULT, SUPPORT, COOPERATE, AID, "
                "RETREAT, CONCEDE, INVESTIGATE, DEMAND, DISAPPROVE, REJECT, THREATEN, "
                "PROTEST, MOBILIZE, SANCTION, COERCE, ASSAULT, FIGHT)",
                rel->plover);
    }
    else if (strcmp(key, "blame") == 0) {
      if (!(rc = want_scalar(L, v, "blame", &s)) && (rel->blame = boolean(s)) < 0)
        rc = at(L, v, "blame must be true or false, not '%s'", s);
    } else if (strcmp(key, "symmetric") == 0) {
      if (!(rc = want_scalar(L, v, "symmetric", &s)) &&
          (rel->symmetric = boolean(s)) < 0)
        rc = at(L, v, "symmetric must be true or false, not '%s'", s);
    } else if (strcmp(key, "patterns") == 0) {
      if ((rc = want_seq(L, v, "patterns"))) return rc;
      FOR_SEQ(L, v, item) {
        if ((rc = want_scalar(L, item, "a pattern", &s))) return rc;
        if (AG_GROW(rel->pats, rel->cap_pats, rel->npats + 1)) return AG_ENOMEM;
        ag_pattern *p = &rel->pats[rel->npats];
        memset(p, 0, sizeof *p);
        rel->npats++;
        if (!(p->text = ag_strdup(s))) return AG_ENOMEM;
        set_pos(L, item, p->file, sizeof p->file, &p->line, &p->col);
      }
    } else if (strcmp(key, "examples") == 0) {
      rc = load_examples(L, v, (long)(r->nrels - 1), -1);
    } else if (strcmp(key, "exclude-roles") == 0) {
      if ((rc = want_seq(L, v, "exclude-roles"))) return rc;
      FOR_SEQ(L, v, item) {
        if ((rc = want_scalar(L, item, "a role word", &s))) return rc;
        char **p = ag_xrealloc_array(rel->exclude_roles, rel->nexclude + 1, sizeof *p);
        if (!p) return AG_ENOMEM;
        rel->exclude_roles = p;
        if (!(p[rel->nexclude] = ag_strdup(s))) return AG_ENOMEM;
        for (char *c = p[rel->nexclude]; *c; c++)
          if (*c >= 'A' && *c <= 'Z') *c += 'a' - 'A';
        rel->nexclude++;
      }
    } else if (strcmp(key, "frames") == 0) {
      if ((rc = want_seq(L, v, "frames"))) return rc;
      FOR_SEQ(L, v, item) if ((rc = load_frame(L, item, rel))) return rc;
    } else
      rc = at(L, k, "unknown relation field '%s'", key);
    if (rc) return rc;
  }
  if (!rel->name) return at(L, n, "relation needs a 'name'%s", "");
  if (!ag_is_slug(rel->name))
    return at(L, n, "relation name '%s' must be a slug: a-z, 0-9 and '-'",
              rel->name);
  for (size_t i = 0; i + 1 < r->nrels; i++)
    if (strcmp(r->rels[i].name, rel->name) == 0) {
      if (r->rels[i].layer >= r->layer)
        return at(L, n, "duplicate relation '%s'", rel->name);
      if ((rc = override_relation(L, n, i))) return rc;
      rel = &r->rels[i];
      break;
    }
  if (rel->color && (rel->color[0] != '#' || strlen(rel->color) != 7))
    return at(L, n, "relation color must look like #rrggbb, not '%s'",
              rel->color);
  return 0;
}

/* anaphora: - {words: [it, its], types: [state, group]} */
static int load_anaphora(loader *L, ag_ynode *n) {
  ag_rules *r = L->r;
  ag_ynode *k, *v, *item, *words = NULL;
  uint32_t types = 0;
  int possessive = 0;
  const char *s;
  int rc = want_map(L, n, "an anaphora entry");
  if (rc) return rc;
  FOR_MAP(L, n, k, v) {
    const char *key = scalar(k);
    if (key && strcmp(key, "words") == 0) {
      if ((rc = want_seq(L, words = v, "words"))) return rc;
    } else if (key && strcmp(key, "possessive") == 0) {
      if ((rc = want_scalar(L, v, "possessive", &s))) return rc;
      if ((possessive = boolean(s)) < 0)
        return at(L, v, "possessive must be true or false, not '%s'", s);
    } else if (key && strcmp(key, "types") == 0) {
      if ((rc = want_seq(L, v, "types"))) return rc;
      FOR_SEQ(L, v, item) {
        int t;
        if ((rc = want_scalar(L, item, "a type", &s))) return rc;
        if ((t = ag_type_from_name(s)) < 0)
          return at(L, item, "unknown actor type '%s'", s);
        types |= 1u << t;
      }
    } else {
      return at(L, k, "unknown anaphora field '%s' (words, types, possessive)",
                key ? key : "");
    }
  }
  if (!words || !types) return at(L, n, "anaphora entry needs words and types%s", "");
  FOR_SEQ(L, words, item) {
    if ((rc = want_scalar(L, item, "an anaphor", &s))) return rc;
    if (AG_GROW(r->anaphora, r->cap_anaphora, r->nanaphora + 1)) return AG_ENOMEM;
    ag_anaphor *a = &r->anaphora[r->nanaphora];
    uint16_t *flags = NULL;
    memset(a, 0, sizeof *a);
    if ((rc = ag_phrase_tokens(s, &a->words, &flags, &a->n))) return rc;
    free(flags);
    a->types = types;
    a->possessive = possessive;
    r->nanaphora++;
    if (!a->n) return at(L, item, "empty anaphor%s", "");
  }
  return 0;
}

static int load_document(loader *L) {
  ag_ynode *root = L->doc->root ? node(L, L->doc->root) : NULL, *k, *v, *item;
  int rc;
  if (!root) return 0; /* empty file */
  if (root->type == YAML_SCALAR_NODE && !*scalar(root)) return 0;
  if ((rc = want_map(L, root, "a rules file"))) return rc;
  FOR_MAP(L, root, k, v) {
    const char *key = scalar(k);
    if (!key) return at(L, k, "top-level keys must be strings%s", "");
    if (strcmp(key, "actors") == 0) {
      if ((rc = want_seq(L, v, "actors"))) return rc;
      FOR_SEQ(L, v, item) if ((rc = load_actor(L, item))) return rc;
    } else if (strcmp(key, "relations") == 0) {
      if ((rc = want_seq(L, v, "relations"))) return rc;
      FOR_SEQ(L, v, item) if ((rc = load_relation(L, item))) return rc;
    } else if (strcmp(key, "classes") == 0) {
      if ((rc = want_map(L, v, "classes"))) return rc;
      FOR_MAP(L, v, k, item) if ((rc = load_class(L, k, item))) return rc;
    } else if (strcmp(key, "anaphora") == 0) {
      if ((rc = want_seq(L, v, "anaphora"))) return rc;
      FOR_SEQ(L, v, item) if ((rc = load_anaphora(L, item))) return rc;
    } else {
      return at(L, k,
                "unknown top-level key '%s' (actors, classes, relations, anaphora)",
                key);
    }
  }
  return 0;
}

static int load_yaml(ag_rules *r, const char *text, size_t len,
                     const char *file, ag_error *err) {
  ag_ystream *ys;
  int rc = ag_yaml_check_nesting(text, len,
                                 r->limits.max_yaml_depth > 0 ? r->limits.max_yaml_depth
                                                              : AG_DEFAULT_MAX_YAML_DEPTH,
                                 file, err);
  if (rc) return rc;
  if (ag_ystream_open(&ys, text, len, AG_YAML_AUTO))
    return ag_err_set(err, AG_ENOMEM, file, 0, 0, "out of memory");
  for (int first = 1;; first = 0) {
    ag_ydoc doc;
    int got;
    if ((rc = ag_ystream_next(ys, &doc, &got, file, err)) || !got) {
      ag_ydoc_destroy(&doc);
      break; /* an error, or the end of the stream */
    }
    if (!first) {
      const ag_ynode *n = doc.root ? &doc.nodes[doc.root] : NULL;
      rc = ag_err_set(err, AG_ERULES, file, n ? (int)n->line + 1 : 0, n ? (int)n->col + 1 : 0,
                      "one YAML document per rules file");
      ag_ydoc_destroy(&doc);
      break;
    }
    loader L = {r, &doc, file, err, {0}, {0}};
    ag_doc_init(&L.words);
    ag_buf_init(&L.key);
    rc = load_document(&L);
    ag_doc_destroy(&L.words);
    ag_buf_destroy(&L.key);
    if (rc == AG_ENOMEM) ag_err_set(err, rc, file, 0, 0, "out of memory");
    ag_ydoc_destroy(&doc);
    if (rc) break;
  }
  ag_ystream_close(ys);
  r->nfiles++;
  return rc;
}

/* ---- after all files: resolve references, compile patterns -------------- */

static long find_class(const ag_rules *r, const char *name) {
  size_t i;
  return ag_map_get(&r->class_index, name, strlen(name), &i) ? (long)i : -1;
}

/* Each actor's country_state: the state actor with the same country code. */
static int link_countries(ag_rules *r) {
  ag_map states;
  ag_map_init(&states);
  for (size_t i = 0; i < r->nactors; i++) {
    const ag_actor *a = &r->actors[i];
    if (a->type == AG_TYPE_STATE && a->country &&
        ag_map_put(&states, a->country, strlen(a->country), i)) {
      ag_map_destroy(&states);
      return AG_ENOMEM;
    }
  }
  for (size_t i = 0; i < r->nactors; i++) {
    ag_actor *a = &r->actors[i];
    size_t s;
    a->country_state = -1;
    a->unknown = 0;
    if (a->country && ag_map_get(&states, a->country, strlen(a->country), &s) &&
        s != i)
      a->country_state = (long)s;
  }
  ag_map_destroy(&states);
  return 0;
}

/* Remember every literal word of seq, and of the classes it uses, in
 * r->pattern_words: the words relations are made of. */
static int collect_words(ag_rules *r, const ag_seq *seq) {
  for (size_t i = 0; i < seq->n; i++) {
    const ag_el *e = &seq->els[i];
    for (size_t f = 0; f < e->nforms; f++)
      if (ag_map_put(&r->pattern_words, e->forms[f], strlen(e->forms[f]), 1))
        return AG_ENOMEM;
    for (size_t a = 0; a < e->nalts; a++) {
      int rc = collect_words(r, &e->alts[a]);
      if (rc) return rc;
    }
  }
  return 0;
}

/* Can seq match zero tokens (every element optional or an empty-able
 * group)? Such a class entry or alternative matches everywhere. */
static int can_be_empty(const ag_seq *seq) {
  for (size_t i = 0; i < seq->n; i++) {
    const ag_el *e = &seq->els[i];
    if (e->optional || e->kind == AG_EL_GAP) continue;
    if (e->kind != AG_EL_ALT) return 0;
    int any = 0;
    for (size_t a = 0; a < e->nalts && !any; a++) any = can_be_empty(&e->alts[a]);
    if (!any) return 0;
  }
  return 1;
}

/* Duplicate patterns and class entries that match no words. */
static int warn(ag_rules *r) {
  for (size_t i = 0; i < r->nrels; i++)
    for (size_t j = 0; j < r->rels[i].npats; j++) {
      const ag_pattern *p = &r->rels[i].pats[j];
      for (size_t i2 = 0; i2 <= i; i2++)
        for (size_t j2 = 0; j2 < (i2 == i ? j : r->rels[i2].npats); j2++) {
          const ag_pattern *q = &r->rels[i2].pats[j2];
          if (strcmp(p->text, q->text) != 0) continue;
          if (ag_buf_printf(&r->warnings,
                            "%s:%d:%d: pattern of '%s' repeats the one of '%s' at %s:%d\n",
                            p->file, p->line, p->col, r->rels[i].name, r->rels[i2].name,
                            q->file, q->line))
            return AG_ENOMEM;
          i2 = i + 1; /* one warning per pattern */
          break;
        }
    }
  for (size_t i = 0; i < r->nclasses; i++)
    for (size_t j = 0; j < r->classes[i].nalts; j++)
      if (can_be_empty(&r->classes[i].alts[j]) &&
          ag_buf_printf(&r->warnings,
                        "%s:%d:%d: entry '%s' of class '%s' can match no words at all\n",
                        r->classes[i].file, r->classes[i].line, r->classes[i].col,
                        r->classes[i].entries[j], r->classes[i].name))
        return AG_ENOMEM;
  return 0;
}

/* ---- word ids ------------------------------------------------------------ */

/* In the order of AG_W_*. */
static const char *const WORDS[AG_W_COUNT] = {
    "", ",", "and", "or", "as", "well", "(", ")", "'s", "of", "for", "according",
    "to", "that", ".", ";", ":", "--", "but", "while", "although", "though",
    "\"", "de", "del", "&", "the"};

uint32_t ag_word_id(const ag_rules *r, const char *w, size_t n) {
  size_t id;
  if (!r->vocab_cap) /* still loading */
    return ag_map_get(&r->vocab, w, n, &id) ? (uint32_t)id : AG_W_NONE;
  uint32_t h = ag_word_hash(w, n);
  for (size_t i = h & (r->vocab_cap - 1); r->vocab_slots[i].id; i = (i + 1) & (r->vocab_cap - 1)) {
    const ag_vocab_slot *x = &r->vocab_slots[i];
    if (x->hash == h && x->len == n && memcmp(r->vocab_text + x->off, w, n) == 0) return x->id;
  }
  return AG_W_NONE;
}

/* r->vocab packed: one array of slots, one block of text. */
static int vocab_pack(ag_rules *r) {
  const ag_map *m = &r->vocab;
  size_t cap = 16, text = 0, off = 0;
  while (cap < 2 * m->len + 2) cap *= 2;
  for (size_t k = 0; k < m->cap; k++)
    if (m->keys[k]) text += strlen(m->keys[k]) + 1;
  if (text > UINT32_MAX || !(r->vocab_slots = calloc(cap, sizeof *r->vocab_slots)) ||
      !(r->vocab_text = calloc(text + AG_NORM_SLACK, 1))) /* read 8 bytes at a time */
    return AG_ENOMEM;
  for (size_t k = 0; k < m->cap; k++) {
    if (!m->keys[k]) continue;
    size_t n = strlen(m->keys[k]);
    uint32_t h = ag_word_hash(m->keys[k], n);
    size_t i = h & (cap - 1);
    while (r->vocab_slots[i].id) i = (i + 1) & (cap - 1);
    memcpy(r->vocab_text + off, m->keys[k], n + 1);
    r->vocab_slots[i] = (ag_vocab_slot){h, (uint32_t)m->vals[k], (uint32_t)n, (uint32_t)off};
    off += n + 1;
  }
  r->vocab_cap = cap;
  return 0;
}

static uint32_t ids_hash(const uint32_t *ids, size_t n) {
  uint64_t h = 1469598103934665603ull ^ n;
  for (size_t k = 0; k < n; k++) h = (h ^ ids[k]) * 1099511628211ull;
  h ^= h >> 32;
  h *= 0x9E3779B97F4A7C15ull;
  return (uint32_t)(h >> 32);
}

static int alias_is(const ag_alias *a, const uint32_t *ids, size_t n) {
  if (a->n != n) return 0;
  for (size_t k = 0; k < n; k++)
    if (a->ids[k] != ids[k]) return 0;
  return 1;
}

long ag_alias_lookup(const ag_rules *r, const uint32_t *ids, size_t n) {
  if (!r->alias_cap) return -1;
  uint32_t h = ids_hash(ids, n);
  /* the hash beside each slot: most probes end without reading an alias */
  for (size_t i = h & (r->alias_cap - 1); r->alias_slots[2 * i];
       i = (i + 1) & (r->alias_cap - 1))
    if (r->alias_slots[2 * i + 1] == h && alias_is(&r->aliases[r->alias_slots[2 * i] - 1], ids, n))
      return (long)r->alias_slots[2 * i] - 1;
  return -1;
}

static size_t pair_hash(uint64_t key) {
  key *= 0x9E3779B97F4A7C15ull;
  return (size_t)(key >> 32);
}

int ag_alias_pair(const ag_rules *r, uint32_t first, uint32_t second) {
  uint64_t key = (uint64_t)first << 32 | second;
  if (!r->pair_cap) return 1;
  for (size_t i = pair_hash(key) & (r->pair_cap - 1); r->pair_slots[i]; i = (i + 1) & (r->pair_cap - 1))
    if (r->pair_slots[i] == key) return 1;
  return 0;
}

/* The set of first word pairs of the aliases of two or more words. */
static int pair_table_build(ag_rules *r) {
  size_t cap = 16, n = 0;
  for (size_t i = 0; i < r->naliases; i++) n += r->aliases[i].n >= 2;
  while (cap < 2 * n + 2) cap *= 2;
  if (!(r->pair_slots = calloc(cap, sizeof *r->pair_slots))) return AG_ENOMEM;
  for (size_t i = 0; i < r->naliases; i++) {
    const ag_alias *a = &r->aliases[i];
    if (a->n < 2) continue;
    uint64_t key = (uint64_t)a->ids[0] << 32 | a->ids[1];
    size_t k = pair_hash(key) & (cap - 1);
    while (r->pair_slots[k] && r->pair_slots[k] != key) k = (k + 1) & (cap - 1);
    r->pair_slots[k] = key;
  }
  r->pair_cap = cap;
  return 0;
}

/* alias_index by word ids: each alias text's first alias */
static int alias_table_build(ag_rules *r) {
  const ag_map *m = &r->alias_index;
  size_t cap = 16;
  while (cap < 2 * m->len + 2) cap *= 2;
  if (!(r->alias_slots = calloc(2 * cap, sizeof *r->alias_slots))) return AG_ENOMEM;
  r->alias_cap = cap;
  for (size_t k = 0; k < m->cap; k++) {
    if (!m->keys[k]) continue;
    const ag_alias *a = &r->aliases[m->vals[k]];
    uint32_t h = ids_hash(a->ids, a->n);
    size_t i = h & (cap - 1);
    while (r->alias_slots[2 * i]) i = (i + 1) & (cap - 1);
    r->alias_slots[2 * i] = (uint32_t)m->vals[k] + 1;
    r->alias_slots[2 * i + 1] = h;
  }
  return 0;
}

static int build_word_ids(ag_rules *r) {
  int rc;
  for (uint32_t i = 1; i < AG_W_COUNT; i++)
    if (ag_vocab_add(r, WORDS[i]) != i) return AG_ENOMEM;
  if ((rc = ag_pattern_ids_build(r))) return rc;
  for (size_t i = 0; i < r->naliases; i++) {
    ag_alias *a = &r->aliases[i];
    if (!(a->ids = ag_arena_alloc(&r->alias_store, (a->n ? a->n : 1) * sizeof *a->ids)))
      return AG_ENOMEM;
    for (size_t k = 0; k < a->n; k++)
      if (!(a->ids[k] = ag_vocab_add(r, a->words[k]))) return AG_ENOMEM;
  }
  if (!(r->word_flags = calloc(r->nwords, 1)) ||
      !(r->alias_longest = calloc(r->nwords, sizeof *r->alias_longest)) ||
      !(r->alias_lens = calloc(r->nwords, sizeof *r->alias_lens)))
    return AG_ENOMEM;
  for (size_t k = 0; k < r->pattern_words.cap; k++) {
    const char *w = r->pattern_words.keys[k];
    if (w) r->word_flags[ag_word_id(r, w, strlen(w))] |= AG_WF_PATTERN;
  }
  for (size_t i = 0; i < r->nanaphora; i++) {
    const ag_anaphor *a = &r->anaphora[i];
    r->word_flags[a->ids[0]] |= AG_WF_ANAPHOR;
    if (a->n == 1) r->word_flags[a->ids[0]] |= AG_WF_ANAPHOR_ALONE;
    else r->word_flags[a->ids[1]] |= AG_WF_ANAPHOR_SECOND;
  }
  /* the anaphora by first word, in rule order (counting sort) */
  if (!(r->anaphora_off = calloc(r->nwords + 1, sizeof *r->anaphora_off)) ||
      !(r->anaphora_by_first = calloc(2 * r->nanaphora + 1, sizeof *r->anaphora_by_first)))
    return AG_ENOMEM;
  for (size_t i = 0; i < r->nanaphora; i++) r->anaphora_off[r->anaphora[i].ids[0] + 1]++;
  for (size_t id = 0; id < r->nwords; id++) r->anaphora_off[id + 1] += r->anaphora_off[id];
  for (size_t i = 0; i < r->nanaphora; i++) {
    uint32_t first = r->anaphora[i].ids[0];
    size_t k = r->anaphora_off[first];
    while (r->anaphora_by_first[2 * k]) k++; /* slots fill in order; 0 is free */
    r->anaphora_by_first[2 * k] = (uint32_t)i + 1;
    r->anaphora_by_first[2 * k + 1] = r->anaphora[i].n > 1 ? r->anaphora[i].ids[1] : 0;
  }
  for (size_t i = 0; i < r->naliases; i++) {
    const ag_alias *a = &r->aliases[i];
    if (a->n > r->alias_longest[a->ids[0]]) r->alias_longest[a->ids[0]] = (uint32_t)a->n;
    r->alias_lens[a->ids[0]] |= (uint32_t)1 << (a->n < 32 ? a->n - 1 : 31);
  }
  if ((rc = alias_table_build(r)) || (rc = pair_table_build(r))) return rc;
  /* per word id, what may start at it: most words nothing */
  if (!(r->word_kind = calloc(r->nwords, 1))) return AG_ENOMEM;
  int discard_anywhere = (int)(r->sp_any >> AG_SP_DISCARD & 1);
  for (size_t id = 0; id < r->nwords; id++) {
    uint8_t k = 0;
    if (r->alias_longest[id]) k |= AG_K_ALIAS;
    if (discard_anywhere || (id < r->nlow && (r->sp_first[id] >> AG_SP_DISCARD & 1)))
      k |= AG_K_DISCARD;
    if (r->word_flags[id] & AG_WF_ANAPHOR) k |= AG_K_ANAPHOR;
    if (id < r->starts.nby_id && r->starts.by_id[id]) k |= AG_K_START;
    if (id < r->anchors.nby_id && r->anchors.by_id[id]) k |= AG_K_ANCHOR;
    r->word_kind[id] = k;
  }
  return vocab_pack(r);
}

static int finish(ag_rules *r, ag_error *err) {
  int rc;
  for (size_t i = 0; i < r->nactors; i++) {
    ag_actor *a = &r->actors[i];
    size_t j;
    if (!a->affiliation_id) continue;
    if (!ag_map_get(&r->actor_index, a->affiliation_id,
                    strlen(a->affiliation_id), &j))
      return ag_err_set(err, AG_ERULES, NULL, 0, 0,
                        "actor '%s': affiliation '%s' is not an actor id",
                        a->id, a->affiliation_id);
    if (j == i)
      return ag_err_set(err, AG_ERULES, NULL, 0, 0,
                        "actor '%s' is affiliated with itself", a->id);
    a->affiliation = (long)j;
  }
  for (size_t i = 0; i < r->naliases; i++) {
    ag_alias *al = &r->aliases[i];
    size_t j;
    if (!al->resolves_id) continue;
    if (!ag_map_get(&r->actor_index, al->resolves_id, strlen(al->resolves_id), &j))
      return ag_err_set(err, AG_ERULES, NULL, 0, 0,
                        "actor '%s': alias resolves-to '%s', which is not an actor id",
                        r->actors[al->actor].id, al->resolves_id);
    al->resolves = (long)j;
  }
  if ((rc = link_countries(r))) return rc;
  for (size_t i = 0; i < r->nclasses; i++)
    if ((rc = ag_class_compile(r, i, err))) return rc;
  for (size_t i = 0; i < r->nclasses; i++)
    if ((rc = ag_start_index_build(&r->classes[i].index, r->classes[i].alts,
                                   r->classes[i].nalts)))
      return rc;
  r->rel_affiliated = r->rel_blamed = -1;
  for (size_t i = 0; i < r->nrels; i++) {
    ag_relation *rel = &r->rels[i];
    if (strcmp(rel->name, "affiliated-with") == 0) r->rel_affiliated = (long)i;
    if (strcmp(rel->name, "blamed-by") == 0) r->rel_blamed = (long)i;
    for (size_t j = 0; j < rel->npats; j++) {
      ag_pattern *p = &rel->pats[j];
      if ((rc = ag_pattern_compile(r, p->text, &p->seq, rel->symmetric ? 2 : 0, err,
                                   p->file, p->line, p->col)) ||
          (rc = ag_seq_first_words(&p->seq, &p->first, &p->first_any)))
        return rc;
    }
  }
  if ((rc = ag_anchor_index_build(r))) return rc;
  for (int i = 0; i < AG_SP_COUNT; i++)
    r->special[i] = find_class(r, AG_SPECIAL_CLASSES[i]);
  if ((rc = warn(r))) return rc;
  for (size_t i = 0; i < r->nrels; i++)
    for (size_t j = 0; j < r->rels[i].npats; j++)
      if ((rc = collect_words(r, &r->rels[i].pats[j].seq))) return rc;
  return build_word_ids(r);
}

static ag_rules *rules_new(void) {
  ag_rules *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->rel_affiliated = r->rel_blamed = -1;
  for (int i = 0; i < AG_SP_COUNT; i++) r->special[i] = -1;
  return r;
}

void ag_rules_free(ag_rules *r) {
  if (!r) return;
  for (size_t i = 0; i < r->nactors; i++) actor_destroy(&r->actors[i]);
  free(r->actors);
  for (size_t i = 0; i < r->naliases; i++) alias_destroy(&r->aliases[i]);
  ag_arena_destroy(&r->alias_store);
  free(r->aliases);
  for (size_t i = 0; i < r->nrels; i++) relation_destroy(&r->rels[i]);
  free(r->rels);
  for (size_t i = 0; i < r->nclasses; i++) {
    ag_class *c = &r->classes[i];
    for (size_t j = 0; j < c->nalts; j++) ag_seq_destroy(&c->alts[j]);
    free(c->alts);
    ag_start_index_destroy(&c->index);
    for (size_t j = 0; j < c->nentries; j++) free(c->entries[j]);
    free(c->entries);
    free(c->name);
  }
  free(r->classes);
  for (size_t i = 0; i < r->nanaphora; i++) {
    for (size_t j = 0; j < r->anaphora[i].n; j++) free(r->anaphora[i].words[j]);
    free(r->anaphora[i].words);
    free(r->anaphora[i].ids);
  }
  free(r->anaphora);
  for (size_t i = 0; i < r->nexamples; i++) {
    ag_example *e = &r->examples[i];
    for (size_t j = 0; j < e->nyields; j++) free(e->yields[j]);
    for (size_t j = 0; j < e->nnots; j++) free(e->nots[j]);
    free(e->yields);
    free(e->nots);
    free(e->text);
  }
  free(r->examples);
  ag_map_destroy(&r->alias_index);
  ag_map_destroy(&r->actor_index);
  ag_map_destroy(&r->class_index);
  ag_map_destroy(&r->pattern_words);
  ag_start_index_destroy(&r->anchors);
  for (int k = 0; k < AG_NEED_LEVELS; k++) ag_start_index_destroy(&r->anchors_level[k]);
  free(r->anchor_of);
  free(r->sp_first);
  free(r->word_kind);
  free(r->anaphora_off);
  free(r->anaphora_by_first);
  free(r->anywhere_bits);
  free(r->unanchored_bits);
  free(r->first_of_off);
  free(r->first_of);
  free(r->need_bits);
  ag_map_destroy(&r->vocab);
  free(r->vocab_slots);
  free(r->vocab_text);
  free(r->prefs);
  ag_start_index_destroy(&r->starts);
  free(r->class_off);
  free(r->word_classes);
  free(r->word_flags);
  free(r->alias_longest);
  free(r->alias_lens);
  free(r->alias_slots);
  free(r->pair_slots);
  ag_buf_destroy(&r->overrides);
  ag_buf_destroy(&r->warnings);
  free(r);
}

int ag_rules_load_string(ag_rules **out, const char *yaml, size_t len,
                         const char *name, ag_error *err) {
  ag_rules *r = rules_new();
  *out = NULL;
  if (!r) return ag_err_set(err, AG_ENOMEM, name, 0, 0, "out of memory");
  int rc = load_yaml(r, yaml, len, name, err);
  if (!rc) rc = finish(r, err);
  if (rc) {
    ag_rules_free(r);
    return rc;
  }
  *out = r;
  return 0;
}

static int is_yaml_name(const char *s) {
  size_t n = strlen(s);
  return s[0] != '.' && ((n > 5 && strcmp(s + n - 5, ".yaml") == 0) ||
                         (n > 4 && strcmp(s + n - 4, ".yml") == 0));
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_path(ag_rules *r, const char *path, ag_error *err) {
  char *text = NULL;
  size_t len;
  int rc = ag_read_file(path, &text, &len, err);
  if (!rc) rc = load_yaml(r, text, len, path, err);
  free(text);
  return rc;
}

/* Load one rule set (a directory or a file) into r. */
static int load_set(ag_rules *r, const char *path, ag_error *err) {
  struct stat st;
  ag_paths files = {0};
  ag_buf full;
  int rc = 0;
  ag_buf_init(&full);
  if (stat(path, &st) != 0) {
    rc = ag_err_set(err, AG_EIO, path, 0, 0, "cannot open rules: %s",
                    strerror(errno));
    goto done;
  }
  if (!S_ISDIR(st.st_mode)) {
    rc = load_path(r, path, err);
    goto done;
  }
  DIR *dp = opendir(path);
  struct dirent *de;
  if (!dp) {
    rc = ag_err_set(err, AG_EIO, path, 0, 0, "cannot open rules: %s",
                    strerror(errno));
    goto done;
  }
  while ((de = readdir(dp)) != NULL && !rc) {
    if (!is_yaml_name(de->d_name)) continue;
    ag_buf_clear(&full);
    if (ag_buf_printf(&full, "%s/%s", path, de->d_name) ||
        AG_GROW(files.items, files.cap, files.n + 1) ||
        !(files.items[files.n++] = ag_strdup(full.data)))
      rc = ag_err_set(err, AG_ENOMEM, path, 0, 0, "out of memory");
  }
  closedir(dp);
  if (rc) goto done;
  if (files.n == 0) {
    rc = ag_err_set(err, AG_ERULES, path, 0, 0,
                    "no *.yaml or *.yml rules files in this directory");
    goto done;
  }
  qsort(files.items, files.n, sizeof(char *), cmp_str);
  for (size_t i = 0; i < files.n && !rc; i++) rc = load_path(r, files.items[i], err);
done:
  ag_paths_destroy(&files);
  ag_buf_destroy(&full);
  return rc;
}

int ag_rules_load_layers(ag_rules **out, const char *const *paths, size_t n,
                         ag_error *err) {
  return ag_rules_load_layers_with(out, paths, n, NULL, err);
}

int ag_rules_load_layers_with(ag_rules **out, const char *const *paths, size_t n,
                              const ag_rules_limits *limits, ag_error *err) {
  ag_rules *r = rules_new();
  int rc = 0;
  *out = NULL;
  if (!r) return ag_err_set(err, AG_ENOMEM, NULL, 0, 0, "out of memory");
  if (limits) r->limits = *limits;
  if (n == 0) rc = ag_err_set(err, AG_EUSAGE, NULL, 0, 0, "no rules given");
  for (size_t i = 0; i < n && !rc; i++) {
    r->layer = (int)i;
    rc = load_set(r, paths[i], err);
  }
  if (!rc) rc = finish(r, err);
  if (rc) {
    ag_rules_free(r);
    return rc;
  }
  *out = r;
  return 0;
}

int ag_rules_load(ag_rules **out, const char *path, ag_error *err) {
  return ag_rules_load_layers(out, &path, 1, err);
}

const char *ag_rules_overrides(const ag_rules *r) {
  return r->overrides.data ? r->overrides.data : "";
}

const char *ag_rules_warnings(const ag_rules *r) {
  return r->warnings.data ? r->warnings.data : "";
}

void ag_rules_get_counts(const ag_rules *r, ag_rules_counts *c) {
  memset(c, 0, sizeof *c);
  c->files = r->nfiles;
  c->actors = r->nactors;
  c->aliases = r->naliases;
  c->relations = r->nrels;
  c->classes = r->nclasses;
  c->examples = r->nexamples;
  for (size_t i = 0; i < r->nrels; i++) c->patterns += r->rels[i].npats;
}
