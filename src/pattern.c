/* Pattern stage of the rules: phrase patterns -> element sequences.
 *
 *   word      a literal token, any case          attacked
 *   word~     any form of a verb or noun         attack~ (attacks, attacked...)
 *   $NAME     any entry of the class NAME        $HACK
 *   (a|b c)   alternatives, each a sequence      (launched|carried out)
 *   x?        optional item                      (has|have)?  also?
 *   ...  ...N a gap of up to 4 (or N) tokens     stole ... from
 *   {source} {target}, optionally {source:state|group}
 *   {amount}  money: "$81 million", "1.3 billion dollars"
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_GAP 4
#define MAX_GAP 12
#define MAX_DEPTH 16

/* ---- word forms ---------------------------------------------------------- */

static const char *const IRREGULAR[][3] = {
    {"steal", "stole", "stolen"},   {"meet", "met", "met"},
    {"pay", "paid", "paid"},        {"hit", "hit", "hit"},
    {"strike", "struck", "struck"}, {"take", "took", "taken"},
    {"send", "sent", "sent"},       {"break", "broke", "broken"},
    {"buy", "bought", "bought"},    {"sell", "sold", "sold"},
    {"hold", "held", "held"},       {"lead", "led", "led"},
    {"bring", "brought", "brought"},{"give", "gave", "given"},
    {"say", "said", "said"},        {"tell", "told", "told"},
    {"fight", "fought", "fought"},  {"shoot", "shot", "shot"},
    {"slay", "slew", "slain"},      {"spend", "spent", "spent"},
    {"see", "saw", "seen"},         {"go", "went", "gone"},
    {"come", "came", "come"},       {"get", "got", "gotten"},
    {"make", "made", "made"},       {"put", "put", "put"},
    {"set", "set", "set"},          {"keep", "kept", "kept"},
    {"leave", "left", "left"},      {"hide", "hid", "hidden"},
    {"win", "won", "won"},          {"lose", "lost", "lost"},
    {"find", "found", "found"},     {"run", "ran", "run"},
    {"begin", "began", "begun"},    {"speak", "spoke", "spoken"},
    {"know", "knew", "known"},      {"fly", "flew", "flown"},
    {"freeze", "froze", "frozen"},  {"seek", "sought", "sought"},
    {"bind", "bound", "bound"},     {"blow", "blew", "blown"},
    {"drive", "drove", "driven"},   {"throw", "threw", "thrown"},
    {"undertake", "undertook", "undertaken"},
    {"overthrow", "overthrew", "overthrown"},
    {"withdraw", "withdrew", "withdrawn"},
    {"forbid", "forbade", "forbidden"}, {"shut", "shut", "shut"},
    {"cut", "cut", "cut"},          {"bid", "bid", "bid"},
    {"lay", "laid", "laid"},        {"build", "built", "built"},
    {"deal", "dealt", "dealt"},     {"mean", "meant", "meant"},
    {"wage", "waged", "waged"},     {"be", "was", "been"},
    {NULL, NULL, NULL}};

static int is_vowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static int add_form(char ***forms, size_t *n, size_t *cap, const char *stem,
                    size_t stem_len, const char *suffix) {
  for (size_t i = 0; i < *n; i++) {
    size_t m = strlen((*forms)[i]);
    if (m == stem_len + strlen(suffix) &&
        strncmp((*forms)[i], stem, stem_len) == 0 &&
        strcmp((*forms)[i] + stem_len, suffix) == 0)
      return 0;
  }
  if (AG_GROW(*forms, *cap, *n + 1)) return AG_ENOMEM;
  size_t sl = strlen(suffix);
  char *f = malloc(stem_len + sl + 1);
  if (!f) return AG_ENOMEM;
  memcpy(f, stem, stem_len);
  memcpy(f + stem_len, suffix, sl + 1);
  (*forms)[(*n)++] = f;
  return 0;
}

int ag_word_forms(const char *w, char ***forms, size_t *n) {
  size_t cap = 0, len = strlen(w);
  int rc = 0;
  *forms = NULL;
  *n = 0;
  rc |= add_form(forms, n, &cap, w, len, "");
  for (size_t i = 0; IRREGULAR[i][0]; i++) {
    if (strcmp(IRREGULAR[i][0], w) == 0) {
      rc |= add_form(forms, n, &cap, IRREGULAR[i][1], strlen(IRREGULAR[i][1]), "");
      rc |= add_form(forms, n, &cap, IRREGULAR[i][2], strlen(IRREGULAR[i][2]), "");
    }
  }
  char last = len ? w[len - 1] : 0, prev = len > 1 ? w[len - 2] : 0;
  if (len < 2) {
    rc |= add_form(forms, n, &cap, w, len, "s");
  } else if (last == 'e') {
    rc |= add_form(forms, n, &cap, w, len, "s");
    rc |= add_form(forms, n, &cap, w, len, "d");
    rc |= add_form(forms, n, &cap, w, len - 1, "ing");
  } else if (last == 'y' && !is_vowel(prev)) {
    rc |= add_form(forms, n, &cap, w, len - 1, "ies");
    rc |= add_form(forms, n, &cap, w, len - 1, "ied");
    rc |= add_form(forms, n, &cap, w, len, "ing");
  } else {
    int sibilant = last == 's' || last == 'x' || last == 'z' ||
                   (last == 'h' && (prev == 'c' || prev == 's'));
    rc |= add_form(forms, n, &cap, w, len, sibilant ? "es" : "s");
    rc |= add_form(forms, n, &cap, w, len, "ed");
    rc |= add_form(forms, n, &cap, w, len, "ing");
    /* consonant-vowel-consonant: ban -> banned, admit -> admitted; the
     * undoubled forms are kept too since stress decides (target -> targeted) */
    if (len >= 3 && !is_vowel(last) && last != 'w' && last != 'x' &&
        last != 'y' && is_vowel(prev) && !is_vowel(w[len - 3])) {
      char stem[64];
      if (len + 1 < sizeof stem) {
        memcpy(stem, w, len);
        stem[len] = last;
        rc |= add_form(forms, n, &cap, stem, len + 1, "ed");
        rc |= add_form(forms, n, &cap, stem, len + 1, "ing");
      }
    }
  }
  if (rc) {
    for (size_t i = 0; i < *n; i++) free((*forms)[i]);
    free(*forms);
    *forms = NULL;
    *n = 0;
    return AG_ENOMEM;
  }
  return 0;
}

/* ---- compiling ----------------------------------------------------------- */

typedef struct parser {
  ag_rules *rules;
  const char *s;
  size_t i;
  ag_error *err;
  const char *file;
  int line, col, depth;
  int is_class;
  int slots[3];
} parser;

/* An error at byte offset `at` of the pattern. */
static int perr_at(parser *p, size_t at, const char *fmt, const char *arg) {
  return ag_err_set(p->err, AG_ERULES, p->file, p->line, p->col + (int)at,
                    fmt, arg);
}

static int perr(parser *p, const char *fmt, const char *arg) {
  return perr_at(p, p->i, fmt, arg);
}

static void el_destroy(ag_el *e) {
  for (size_t i = 0; i < e->nforms; i++) free(e->forms[i]);
  free(e->forms);
  free(e->ids);
  if (e->owns_alts) {
    for (size_t i = 0; i < e->nalts; i++) ag_seq_destroy(&e->alts[i]);
    free(e->alts);
  }
  memset(e, 0, sizeof *e);
}

void ag_seq_destroy(ag_seq *s) {
  for (size_t i = 0; i < s->n; i++) el_destroy(&s->els[i]);
  free(s->els);
  memset(s, 0, sizeof *s);
}

static int push_el(ag_seq *seq, size_t *cap, const ag_el *e) {
  if (AG_GROW(seq->els, *cap, seq->n + 1)) return AG_ENOMEM;
  seq->els[seq->n++] = *e;
  return 0;
}

static void skip_space(parser *p) {
  while (p->s[p->i] == ' ' || p->s[p->i] == '\t') p->i++;
}

static int is_special(char c) {
  return c == '(' || c == ')' || c == '|' || c == '{' || c == '}' ||
         c == '$' || c == '?' || c == '~' || c == ' ' || c == '\t' ||
         c == '\0';
}

static int parse_seq(parser *p, ag_seq *out, int in_group);

static int parse_slot(parser *p, ag_el *e) {
  size_t open = p->i, start = ++p->i;
  while (p->s[p->i] && p->s[p->i] != '}') p->i++;
  if (!p->s[p->i]) return perr(p, "unclosed '{'%s", "");
  char name[128];
  size_t n = p->i - start;
  if (n >= sizeof name) return perr(p, "slot name too long%s", "");
  memcpy(name, p->s + start, n);
  name[n] = '\0';
  p->i++;
  e->kind = AG_EL_SLOT;
  char *types = strchr(name, ':');
  if (types) *types++ = '\0';
  if (strcmp(name, "amount") == 0 && !types) {
    if (p->is_class) return perr_at(p, open, "slots are not allowed in a class: {%s}", name);
    if (p->slots[2]++) return perr_at(p, open, "slot {%s} appears twice", name);
    e->kind = AG_EL_AMOUNT;
    return 0;
  }
  if (strcmp(name, "source") == 0) e->slot = 0;
  else if (strcmp(name, "target") == 0) e->slot = 1;
  else return perr_at(p, open, "unknown slot '{%s}': use {source}, {target} or {amount}", name);
  if (p->is_class) return perr_at(p, open, "slots are not allowed in a class: {%s}", name);
  if (p->slots[e->slot]++) return perr_at(p, open, "slot {%s} appears twice", name);
  for (char *t = types; t && *t;) {
    char *bar = strchr(t, '|');
    if (bar) *bar = '\0';
    int type = ag_type_from_name(t);
    if (type < 0) return perr_at(p, open, "unknown actor type '%s'", t);
    e->types |= 1u << type;
    t = bar ? bar + 1 : NULL;
  }
  return 0;
}

static int parse_class_ref(parser *p, ag_el *e) {
  size_t dollar = p->i, start = ++p->i;
  while ((p->s[p->i] >= 'A' && p->s[p->i] <= 'Z') ||
         (p->s[p->i] >= 'a' && p->s[p->i] <= 'z') ||
         (p->s[p->i] >= '0' && p->s[p->i] <= '9') || p->s[p->i] == '_' ||
         p->s[p->i] == '-')
    p->i++;
  size_t ci;
  char name[128];
  size_t n = p->i - start;
  if (n == 0 || n >= sizeof name)
    return perr_at(p, dollar, "expected a class name after '$'%s", "");
  memcpy(name, p->s + start, n);
  name[n] = '\0';
  if (!ag_map_get(&p->rules->class_index, name, n, &ci))
    return perr_at(p, dollar, "unknown class '$%s'", name);
  int rc = ag_class_compile(p->rules, ci, p->err);
  if (rc) return rc;
  e->kind = AG_EL_ALT;
  e->alts = p->rules->classes[ci].alts;
  e->nalts = p->rules->classes[ci].nalts;
  e->cls = (long)ci;
  return 0;
}

static int parse_group(parser *p, ag_el *e) {
  size_t cap = 0, open = p->i;
  p->i++;
  e->kind = AG_EL_ALT;
  e->owns_alts = 1;
  if (++p->depth > MAX_DEPTH) return perr(p, "groups nested too deep%s", "");
  for (;;) {
    if (AG_GROW(e->alts, cap, e->nalts + 1)) return AG_ENOMEM;
    memset(&e->alts[e->nalts], 0, sizeof(ag_seq));
    int rc = parse_seq(p, &e->alts[e->nalts++], 1);
    if (rc) return rc;
    if (p->s[p->i] == '|') {
      p->i++;
      continue;
    }
    if (p->s[p->i] != ')') return perr_at(p, open, "unclosed '('%s", "");
    p->i++;
    break;
  }
  p->depth--;
  return 0;
}

/* A literal word: its tokens become LIT elements pushed onto seq. */
static int parse_word(parser *p, ag_seq *seq, size_t *cap) {
  size_t start = p->i;
  char word[256];
  while (!is_special(p->s[p->i])) {
    if (p->s[p->i] == '\\' && p->s[p->i + 1]) p->i++;
    p->i++;
  }
  size_t n = 0;
  for (size_t j = start; j < p->i && n + 1 < sizeof word; j++) {
    if (p->s[j] == '\\' && j + 1 < p->i) j++;
    word[n++] = p->s[j];
  }
  word[n] = '\0';
  int inflect = p->s[p->i] == '~';
  if (inflect) p->i++;
  char **words;
  uint16_t *flags;
  size_t nw;
  int rc = ag_phrase_tokens(word, &words, &flags, &nw);
  if (rc) return rc;
  for (size_t k = 0; k < nw && !rc; k++) {
    ag_el e = {0};
    e.cls = -1;
    e.kind = AG_EL_LIT;
    if (inflect && k + 1 == nw) {
      rc = ag_word_forms(words[k], &e.forms, &e.nforms);
    } else if (!(e.forms = malloc(sizeof(char *)))) {
      rc = AG_ENOMEM;
    } else {
      e.forms[0] = words[k];
      words[k] = NULL;
      e.nforms = 1;
    }
    if (!rc) rc = push_el(seq, cap, &e);
    if (rc) el_destroy(&e);
  }
  for (size_t k = 0; k < nw; k++) free(words[k]);
  free(words);
  free(flags);
  return rc;
}

static int parse_gap(parser *p, ag_el *e) {
  size_t start = p->i;
  p->i += 3;
  int max = 0;
  while (p->s[p->i] >= '0' && p->s[p->i] <= '9' && max <= MAX_GAP)
    max = max * 10 + (p->s[p->i++] - '0');
  if (max > MAX_GAP) return perr_at(p, start, "a gap may span at most 12 tokens%s", "");
  e->kind = AG_EL_GAP;
  e->max = max ? max : DEFAULT_GAP;
  return 0;
}

static int parse_seq(parser *p, ag_seq *out, int in_group) {
  size_t cap = 0;
  int rc = 0;
  for (;;) {
    skip_space(p);
    char c = p->s[p->i];
    if (c == '\0' || (in_group && (c == '|' || c == ')'))) break;
    if (c == ')' || c == '|') return perr(p, "unexpected '%s'", c == ')' ? ")" : "|");
    if (c == '?' || c == '~' || c == '}')
      return perr(p, "unexpected '%s'", c == '?' ? "?" : c == '~' ? "~" : "}");
    size_t before = out->n;
    ag_el e = {0};
    e.cls = -1;
    if (c == '{') rc = parse_slot(p, &e);
    else if (c == '$') rc = parse_class_ref(p, &e);
    else if (c == '(') rc = parse_group(p, &e);
    else if (strncmp(p->s + p->i, "...", 3) == 0) rc = parse_gap(p, &e);
    else rc = parse_word(p, out, &cap);
    if (rc) {
      el_destroy(&e);
      return rc;
    }
    if (e.kind && (rc = push_el(out, &cap, &e))) {
      el_destroy(&e);
      return rc;
    }
    if (p->s[p->i] == '?') {
      p->i++;
      if (out->n == before) return perr(p, "nothing to make optional%s", "");
      if (out->n - before > 1) {
        /* "cyber-attack?" made several tokens: wrap them in one group */
        ag_el g = {0};
        g.cls = -1;
        g.kind = AG_EL_ALT;
        g.owns_alts = 1;
        if (!(g.alts = calloc(1, sizeof(ag_seq)))) return AG_ENOMEM;
        g.nalts = 1;
        g.alts[0].n = out->n - before;
        if (!(g.alts[0].els = malloc(g.alts[0].n * sizeof(ag_el)))) {
          free(g.alts);
          return AG_ENOMEM;
        }
        memcpy(g.alts[0].els, out->els + before, g.alts[0].n * sizeof(ag_el));
        out->n = before;
        if ((rc = push_el(out, &cap, &g))) {
          ag_seq_destroy(&g.alts[0]);
          free(g.alts);
          return rc;
        }
      }
      out->els[out->n - 1].optional = 1;
    }
  }
  return 0;
}

int ag_pattern_compile(ag_rules *r, const char *text, ag_seq *out,
                       int is_class, ag_error *err, const char *file, int line,
                       int col) {
  parser p = {r, text, 0, err, file, line, col, 0, is_class == 1, {0, 0, 0}};
  memset(out, 0, sizeof *out);
  int rc = parse_seq(&p, out, 0);
  if (!rc && out->n == 0) rc = perr_at(&p, 0, "empty pattern%s", "");
  /* is_class 2: a symmetric relation's pattern may hold only {source}, a
   * list whose members all met each other: "A, B and C met" */
  if (!rc && is_class == 2 && !p.slots[0])
    rc = perr_at(&p, 0, "a pattern needs {source}%s", "");
  else if (!rc && is_class == 0 && (!p.slots[0] || !p.slots[1]))
    rc = perr_at(&p, 0, "a pattern needs both {source} and {target}%s", "");
  if (is_class == 2) is_class = 0;
  else is_class = is_class == 1;
  if (!rc && !is_class && (out->els[0].kind == AG_EL_GAP ||
                           out->els[out->n - 1].kind == AG_EL_GAP))
    rc = perr_at(&p, 0, "a pattern may not start or end with a gap%s", "");
  if (rc) ag_seq_destroy(out);
  return rc;
}

int ag_class_compile(ag_rules *r, size_t ci, ag_error *err) {
  ag_class *c = &r->classes[ci];
  if (c->state == 2) return 0;
  if (c->state == 1)
    return ag_err_set(err, AG_ERULES, c->file, c->line, c->col,
                      "class '%s' refers to itself", c->name);
  c->state = 1;
  c->alts = calloc(c->nentries ? c->nentries : 1, sizeof(ag_seq));
  if (!c->alts) return AG_ENOMEM;
  for (size_t i = 0; i < c->nentries; i++) {
    int rc = ag_pattern_compile(r, c->entries[i], &c->alts[i], 1, err,
                                c->file, c->line, c->col);
    /* re-fetch: compiling may not move r->classes, but keep it obvious */
    c = &r->classes[ci];
    if (rc) return rc;
    ag_seq *a = &c->alts[i];
    a->plain = a->n > 0;
    for (size_t k = 0; k < a->n; k++)
      if (a->els[k].kind != AG_EL_LIT || a->els[k].optional) a->plain = 0;
    c->nalts++;
  }
  c->state = 2;
  return 0;
}

/* ---- first-word indexes ------------------------------------------------- */

enum { FIRST_ANY, FIRST_DONE, FIRST_EMPTY };

/* Words that can start els[i..]: FIRST_ANY when anything can (a slot, a
 * gap), FIRST_EMPTY when all of it is optional. */
static int first_from(const ag_seq *seq, size_t i, ag_map *set) {
  for (; i < seq->n; i++) {
    const ag_el *e = &seq->els[i];
    int empty = e->optional;
    if (e->kind == AG_EL_LIT) {
      for (size_t f = 0; f < e->nforms; f++)
        if (ag_map_put(set, e->forms[f], strlen(e->forms[f]), 1)) return -1;
    } else if (e->kind == AG_EL_ALT) {
      for (size_t a = 0; a < e->nalts; a++) {
        int r = first_from(&e->alts[a], 0, set);
        if (r != FIRST_DONE && r != FIRST_EMPTY) return r;
        if (r == FIRST_EMPTY) empty = 1;
      }
    } else {
      return FIRST_ANY;
    }
    if (!empty) return FIRST_DONE;
  }
  return FIRST_EMPTY;
}

int ag_seq_first_words(const ag_seq *seq, ag_map *set, int *any) {
  int r = first_from(seq, 0, set);
  if (r < 0) return AG_ENOMEM;
  *any = r != FIRST_DONE;
  return 0;
}

void ag_start_index_destroy(ag_start_index *ix) {
  for (size_t i = 0; i < ix->nlists; i++) free(ix->lists[i]);
  free(ix->lists);
  free(ix->any);
  free(ix->by_id);
  free(ix->mask_off);
  free(ix->mask_word);
  free(ix->mask_bits);
  ag_map_destroy(&ix->by_word);
  memset(ix, 0, sizeof *ix);
}

static int index_add(ag_start_index *ix, const char *w, size_t alt) {
  size_t k;
  if (!ag_map_get(&ix->by_word, w, strlen(w), &k)) {
    if (AG_GROW(ix->lists, ix->cap_lists, ix->nlists + 1)) return AG_ENOMEM;
    k = ix->nlists;
    if (!(ix->lists[k] = calloc(2, sizeof(size_t)))) return AG_ENOMEM;
    ix->nlists++;
    if (ag_map_put(&ix->by_word, w, strlen(w), k)) return AG_ENOMEM;
  }
  size_t *l = ix->lists[k];
  if (l[0] && l[l[0]] == alt) return 0;
  if (!(l = ag_xrealloc_array(l, l[0] + 2, sizeof(size_t)))) return AG_ENOMEM;
  l[++l[0]] = alt;
  ix->lists[k] = l;
  return 0;
}

/* Every match of seq passes through each element that is not optional, and
 * where the first word from that element on is known, one of those words is
 * in the sentence: each such set of words is an anchor of the pattern.  Up
 * to AG_MAX_ANCHORS of them, the smallest, go to sets; returns how many or
 * -1 out of memory. */
static int anchor_sets(const ag_seq *seq, ag_map *sets) {
  int n = 0;
  for (size_t i = 0; i < seq->n; i++) {
    if (seq->els[i].optional) continue;
    ag_map set;
    ag_map_init(&set);
    int r = first_from(seq, i, &set);
    if (r < 0) {
      ag_map_destroy(&set);
      while (n > 0) ag_map_destroy(&sets[--n]);
      return -1;
    }
    if (r != FIRST_DONE) {
      ag_map_destroy(&set);
      continue;
    }
    if (n < AG_MAX_ANCHORS) {
      sets[n++] = set;
      continue;
    }
    size_t big = 0; /* replace the largest when this one is smaller */
    for (int k = 1; k < n; k++)
      if (sets[k].len > sets[big].len) big = (size_t)k;
    if (set.len < sets[big].len) {
      ag_map_destroy(&sets[big]);
      sets[big] = set;
    } else {
      ag_map_destroy(&set);
    }
  }
  return n;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The number of the anchor with the words of set: equal sets, as in the
 * many patterns anchored at "by", share one; ids maps the set's words,
 * sorted and each ending in a newline (no token holds one), to it.  -1 out
 * of memory. */
static long anchor_id(ag_rules *r, ag_map *ids, const ag_map *set) {
  char **words = malloc((set->len ? set->len : 1) * sizeof *words);
  ag_buf key;
  ag_buf_init(&key);
  long id = -1;
  size_t n = 0, v;
  if (!words) return -1;
  for (size_t k = 0; k < set->cap; k++)
    if (set->keys[k]) words[n++] = set->keys[k];
  qsort(words, n, sizeof *words, cmp_str);
  for (size_t k = 0; k < n; k++)
    if (ag_buf_puts(&key, words[k]) || ag_buf_putc(&key, '\n')) goto done;
  if (ag_map_get(ids, key.data ? key.data : "", key.len, &v)) {
    id = (long)v;
    goto done;
  }
  if (ag_map_put(ids, key.data ? key.data : "", key.len, r->nanchor_sets)) goto done;
  id = (long)r->nanchor_sets++;
done:
  ag_buf_destroy(&key);
  free(words);
  return id;
}

/* Each pattern's anchor sets, the one most likely missing from a sentence
 * first: the matcher stops at the first set it does not see.  A set many
 * patterns share ("by", "to") is likely a common word, so sets shared by
 * fewer patterns come first, then sets of fewer words. */
static int anchor_before(const size_t *users, uint32_t x, uint32_t y) {
  if (users[2 * x] != users[2 * y]) return users[2 * x] < users[2 * y];
  if (users[2 * x + 1] != users[2 * y + 1]) return users[2 * x + 1] < users[2 * y + 1];
  return x < y;
}

/* Order each pattern's anchor sets, keep the AG_INDEXED_ANCHORS first, and
 * index the words of the sets kept (ids: see anchor_id). */
static int order_anchors(ag_rules *r, const ag_map *ids) {
  /* per set: how many patterns have it, how many words it has */
  size_t *users = calloc(2 * r->nanchor_sets + 1, sizeof *users);
  uint8_t *kept = calloc(r->nanchor_sets + 1, 1);
  int rc = 0;
  if (!users || !kept) {
    rc = AG_ENOMEM;
    goto done;
  }
  for (size_t a = 0; a < r->nanchors; a++) users[2 * r->anchor_of[a]]++;
  for (size_t k = 0; k < ids->cap; k++)
    if (ids->keys[k]) /* the words of an ids key: a newline after each */
      for (const char *w = ids->keys[k]; *w; w++) users[2 * ids->vals[k] + 1] += *w == '\n';
  for (size_t i = 0; i < r->nrels; i++)
    for (size_t j = 0; j < r->rels[i].npats; j++) {
      ag_pattern *p = &r->rels[i].pats[j];
      uint32_t *a = r->anchor_of + p->anchor0;
      for (int k = 1; k < p->nanchors; k++) /* insertion sort: 8 at most */
        for (int q = k; q > 0 && anchor_before(users, a[q], a[q - 1]); q--) {
          uint32_t t = a[q];
          a[q] = a[q - 1];
          a[q - 1] = t;
        }
      /* the rest are common words: checking them costs more than it saves */
      if (p->nanchors > AG_INDEXED_ANCHORS) p->nanchors = AG_INDEXED_ANCHORS;
      for (int k = 0; k < p->nanchors; k++) kept[a[k]] = 1;
    }
  ag_buf word;
  ag_buf_init(&word);
  for (size_t k = 0; k < ids->cap && !rc; k++)
    if (ids->keys[k] && kept[ids->vals[k]])
      for (const char *w = ids->keys[k]; *w && !rc;) {
        const char *nl = strchr(w, '\n');
        ag_buf_clear(&word);
        rc = ag_buf_add(&word, w, (size_t)(nl - w)) ? AG_ENOMEM
                                                    : index_add(&r->anchors, word.data, ids->vals[k]);
        w = nl + 1;
      }
  ag_buf_destroy(&word);
done:
  free(users);
  free(kept);
  return rc;
}

int ag_anchor_index_build(ag_rules *r) {
  size_t gid = 0, cap = 0;
  ag_map ids;
  ag_map_init(&ids);
  int rc = 0;
  for (size_t i = 0; i < r->nrels && !rc; i++)
    for (size_t j = 0; j < r->rels[i].npats && !rc; j++) {
      ag_pattern *p = &r->rels[i].pats[j];
      ag_map sets[AG_MAX_ANCHORS];
      int n = anchor_sets(&p->seq, sets);
      if (n < 0) rc = AG_ENOMEM;
      p->gid = gid++;
      p->anchor0 = r->nanchors;
      p->nanchors = n > 0 ? n : 0;
      p->anchored = n > 0;
      if (!rc && n > 0 && AG_GROW(r->anchor_of, cap, r->nanchors + (size_t)n)) rc = AG_ENOMEM;
      for (int a = 0; a < n; a++) {
        long id = rc ? -1 : anchor_id(r, &ids, &sets[a]);
        if (id < 0) rc = AG_ENOMEM;
        else r->anchor_of[r->nanchors++] = (uint32_t)id;
        ag_map_destroy(&sets[a]);
      }
    }
  r->npatterns = gid;
  if (!rc) rc = order_anchors(r, &ids);
  ag_map_destroy(&ids);
  return rc;
}

int ag_start_index_build(ag_start_index *ix, const ag_seq *alts, size_t n) {
  memset(ix, 0, sizeof *ix);
  if (!(ix->any = calloc(n ? n : 1, sizeof(size_t)))) return AG_ENOMEM;
  for (size_t a = 0; a < n; a++) {
    ag_map set;
    int any, rc;
    ag_map_init(&set);
    rc = ag_seq_first_words(&alts[a], &set, &any);
    if (!rc && any) ix->any[ix->nany++] = a;
    for (size_t i = 0; !rc && !any && i < set.cap; i++)
      if (set.keys[i]) rc = index_add(ix, set.keys[i], a);
    ag_map_destroy(&set);
    if (rc) return rc;
  }
  return 0;
}

/* ---- word ids ------------------------------------------------------------ */

uint32_t ag_vocab_add(ag_rules *r, const char *w) {
  size_t n = strlen(w), id;
  if (ag_map_get(&r->vocab, w, n, &id)) return (uint32_t)id;
  if (!r->nwords) r->nwords = 1; /* 0 is AG_W_NONE */
  id = r->nwords;
  if (id >= UINT32_MAX || ag_map_put(&r->vocab, w, n, id)) return 0;
  r->nwords++;
  return (uint32_t)id;
}

/* The ids of the literals of seq and of the groups it owns (the classes it
 * borrows are numbered on their own). */
static int seq_ids(ag_rules *r, ag_seq *seq) {
  for (size_t i = 0; i < seq->n; i++) {
    ag_el *e = &seq->els[i];
    if (e->kind == AG_EL_LIT && !e->ids) {
      if (!(e->ids = calloc(e->nforms ? e->nforms : 1, sizeof *e->ids))) return AG_ENOMEM;
      for (size_t f = 0; f < e->nforms; f++)
        if (!(e->ids[f] = ag_vocab_add(r, e->forms[f]))) return AG_ENOMEM;
    }
    for (size_t a = 0; e->owns_alts && a < e->nalts; a++) {
      int rc = seq_ids(r, &e->alts[a]);
      if (rc) return rc;
    }
  }
  return 0;
}

static int words_ids(ag_rules *r, char **words, size_t n, uint32_t **ids) {
  if (!(*ids = calloc(n ? n : 1, sizeof **ids))) return AG_ENOMEM;
  for (size_t k = 0; k < n; k++)
    if (!((*ids)[k] = ag_vocab_add(r, words[k]))) return AG_ENOMEM;
  return 0;
}

/* Every key of m gets an id (they are all literals already numbered). */
static int map_ids(ag_rules *r, const ag_map *m) {
  for (size_t k = 0; k < m->cap; k++)
    if (m->keys[k] && !ag_vocab_add(r, m->keys[k])) return AG_ENOMEM;
  return 0;
}

/* The class start indexes by word: see r->word_classes. */
static int word_classes_build(ag_rules *r) {
  size_t total = 0, *cur = NULL;
  int rc = AG_ENOMEM;
  if (!(r->class_off = calloc(r->nlow + 1, sizeof *r->class_off))) return rc;
  for (size_t c = 0; c < r->nclasses; c++) {
    const ag_map *m = &r->classes[c].index.by_word;
    for (size_t k = 0; k < m->cap; k++)
      if (m->keys[k]) r->class_off[ag_word_id(r, m->keys[k], strlen(m->keys[k])) + 1]++, total++;
  }
  for (size_t id = 0; id < r->nlow; id++) r->class_off[id + 1] += r->class_off[id];
  if (!(r->word_classes = calloc(total ? total : 1, sizeof *r->word_classes)) ||
      !(cur = calloc(r->nlow ? r->nlow : 1, sizeof *cur)))
    goto done;
  for (size_t id = 0; id < r->nlow; id++) cur[id] = r->class_off[id];
  for (size_t c = 0; c < r->nclasses; c++) {
    const ag_map *m = &r->classes[c].index.by_word;
    for (size_t k = 0; k < m->cap; k++)
      if (m->keys[k]) {
        ag_word_class *x = &r->word_classes[cur[ag_word_id(r, m->keys[k], strlen(m->keys[k]))]++];
        x->cls = (uint32_t)c;
        x->list = (uint32_t)m->vals[k];
      }
  }
  rc = 0;
done:
  free(cur);
  return rc;
}

/* by_word as an array indexed by word id. */
static int index_ids(const ag_rules *r, ag_start_index *ix) {
  const ag_map *m = &ix->by_word;
  size_t max = 0;
  for (size_t k = 0; k < m->cap; k++) {
    if (!m->keys[k]) continue;
    size_t id = ag_word_id(r, m->keys[k], strlen(m->keys[k]));
    if (id > max) max = id;
  }
  if (!(ix->by_id = calloc(max + 1, sizeof *ix->by_id))) return AG_ENOMEM;
  ix->nby_id = max + 1;
  for (size_t k = 0; k < m->cap; k++)
    if (m->keys[k])
      ix->by_id[ag_word_id(r, m->keys[k], strlen(m->keys[k]))] = (uint32_t)m->vals[k] + 1;
  return 0;
}

/* The patterns list l of ix stands for into dense (PBITS words): the
 * patterns themselves (r->starts), or those whose first anchor set is one
 * of l's (r->anchors). */
static void list_patterns(const ag_rules *r, const size_t *l, int sets, uint64_t *dense) {
  for (size_t j = 1; j <= l[0]; j++) {
    if (!sets) {
      dense[l[j] / 64] |= (uint64_t)1 << (l[j] % 64);
      continue;
    }
    for (uint32_t k = r->first_of_off[l[j]]; k < r->first_of_off[l[j] + 1]; k++)
      dense[r->first_of[k] / 64] |= (uint64_t)1 << (r->first_of[k] % 64);
  }
}

/* ix's mask_* (see ag_start_index): a word of a sentence marks its
 * patterns with a few ORs. */
static int index_masks(const ag_rules *r, ag_start_index *ix, int sets) {
  size_t nw = AG_PBITS(r), n = 0;
  uint64_t *dense = calloc(nw + 1, sizeof *dense);
  if (!dense || !(ix->mask_off = calloc(ix->nlists + 1, sizeof *ix->mask_off))) {
    free(dense);
    return AG_ENOMEM;
  }
  for (int fill = 0; fill < 2; fill++) {
    if (fill && (!(ix->mask_word = malloc((n + 1) * sizeof *ix->mask_word)) ||
                 !(ix->mask_bits = malloc((n + 1) * sizeof *ix->mask_bits)))) {
      free(dense);
      return AG_ENOMEM;
    }
    n = 0;
    for (size_t k = 0; k < ix->nlists; k++) {
      list_patterns(r, ix->lists[k], sets, dense);
      for (size_t w = 0; w < nw; w++) {
        if (!dense[w]) continue;
        if (fill) {
          ix->mask_word[n] = (uint32_t)w;
          ix->mask_bits[n] = dense[w];
        }
        n++;
        dense[w] = 0;
      }
      if (n > UINT32_MAX) {
        free(dense);
        return AG_ENOMEM;
      }
      ix->mask_off[k + 1] = (uint32_t)n;
    }
  }
  free(dense);
  return 0;
}

/* r->anchors_level[level]: the anchor sets and first sets of the patterns
 * that fill at most level slots.  Most sentences name one actor, and few
 * patterns need only one: those sentences then mark a handful of sets. */
static int level_anchor_index(ag_rules *r, size_t level) {
  const ag_start_index *ix = &r->anchors;
  ag_start_index *out = &r->anchors_level[level];
  size_t nw = AG_PBITS(r), n = 0;
  if (r->need_count[level] == r->npatterns || !ix->nby_id) return 0;
  uint8_t *used = calloc(r->nanchor_sets + 1, 1);
  const uint64_t *keep = r->need_bits + level * nw;
  int rc = AG_ENOMEM;
  if (!used || !(out->by_id = calloc(ix->nby_id, sizeof *out->by_id)) ||
      !(out->lists = calloc(ix->nlists + 1, sizeof *out->lists)) ||
      !(out->mask_off = calloc(ix->nlists + 1, sizeof *out->mask_off)) ||
      !(out->mask_word = malloc((ix->mask_off[ix->nlists] + 1) * sizeof *out->mask_word)) ||
      !(out->mask_bits = malloc((ix->mask_off[ix->nlists] + 1) * sizeof *out->mask_bits)))
    goto done;
  out->nby_id = ix->nby_id;
  for (size_t gid = 0; gid < r->npatterns; gid++)
    if (keep[gid / 64] >> (gid % 64) & 1)
      for (uint32_t a = r->prefs[gid].anchor0; a < r->prefs[gid].anchor0 + r->prefs[gid].nanchors; a++)
        used[r->anchor_of[a]] = 1;
  for (size_t k = 0; k < ix->nlists; k++) {
    const size_t *l = ix->lists[k];
    size_t m = 0;
    if (!(out->lists[k] = malloc((l[0] + 1) * sizeof **out->lists))) goto done;
    out->nlists = k + 1;
    for (size_t j = 1; j <= l[0]; j++)
      if (used[l[j]]) out->lists[k][++m] = l[j];
    out->lists[k][0] = m;
    for (uint32_t i = ix->mask_off[k]; i < ix->mask_off[k + 1]; i++) {
      uint64_t bits = ix->mask_bits[i] & keep[ix->mask_word[i]];
      if (!bits) continue;
      out->mask_word[n] = ix->mask_word[i];
      out->mask_bits[n++] = bits;
    }
    out->mask_off[k + 1] = (uint32_t)n;
  }
  for (size_t id = 0; id < ix->nby_id; id++) {
    uint32_t li = ix->by_id[id];
    if (li && (out->lists[li - 1][0] || out->mask_off[li] > out->mask_off[li - 1]))
      out->by_id[id] = li;
  }
  rc = 0;
done:
  free(used);
  return rc;
}

/* Per word id, the special classes that can start at it. */
static int special_starts_build(ag_rules *r) {
  if (!(r->sp_first = calloc(r->nlow ? r->nlow : 1, sizeof *r->sp_first))) return AG_ENOMEM;
  r->sp_any = 0;
  for (int sp = 0; sp < AG_SP_COUNT; sp++) {
    if (r->special[sp] < 0) continue;
    const ag_start_index *ix = &r->classes[r->special[sp]].index;
    if (ix->nany) r->sp_any |= (uint32_t)1 << sp;
    for (size_t k = 0; k < ix->by_word.cap; k++)
      if (ix->by_word.keys[k]) {
        uint32_t id = ag_word_id(r, ix->by_word.keys[k], strlen(ix->by_word.keys[k]));
        if (id < r->nlow) r->sp_first[id] |= (uint32_t)1 << sp;
      }
  }
  return 0;
}

/* The fewest slots a match of seq fills (each takes its own mention). */
static size_t min_slots(const ag_seq *seq) {
  size_t n = 0;
  for (size_t i = 0; i < seq->n; i++) {
    const ag_el *e = &seq->els[i];
    size_t k = e->kind == AG_EL_SLOT;
    if (e->kind == AG_EL_ALT) {
      k = SIZE_MAX;
      for (size_t a = 0; a < e->nalts; a++) {
        size_t x = min_slots(&e->alts[a]);
        if (x < k) k = x;
      }
      if (k == SIZE_MAX) k = 0;
    }
    if (!e->optional) n += k;
  }
  return n;
}

int ag_pattern_ids_build(ag_rules *r) {
  int rc = 0;
  for (size_t i = 0; i < r->nclasses && !rc; i++)
    for (size_t j = 0; j < r->classes[i].nalts && !rc; j++)
      rc = seq_ids(r, &r->classes[i].alts[j]);
  for (size_t i = 0; i < r->nrels && !rc; i++) {
    ag_relation *rel = &r->rels[i];
    for (size_t j = 0; j < rel->npats && !rc; j++)
      if (!(rc = seq_ids(r, &rel->pats[j].seq))) rc = map_ids(r, &rel->pats[j].first);
    if (!rc) rc = words_ids(r, rel->exclude_roles, rel->nexclude, &rel->exclude_ids);
  }
  for (size_t i = 0; i < r->nanaphora && !rc; i++)
    rc = words_ids(r, r->anaphora[i].words, r->anaphora[i].n, &r->anaphora[i].ids);
  for (size_t i = 0; i < r->nclasses && !rc; i++) rc = map_ids(r, &r->classes[i].index.by_word);
  if (!rc) rc = map_ids(r, &r->anchors.by_word);
  if (!rc) rc = map_ids(r, &r->pattern_words);
  if (rc) return rc;
  r->nlow = r->nwords;
  if (!(r->prefs = calloc(r->npatterns ? r->npatterns : 1, sizeof *r->prefs))) return AG_ENOMEM;
  for (size_t i = 0; i < r->nrels && !rc; i++)
    for (size_t j = 0; j < r->rels[i].npats && !rc; j++) {
      ag_pattern *p = &r->rels[i].pats[j];
      ag_pattern_ref *x = &r->prefs[p->gid];
      const ag_map *m = &p->first;
      x->pattern = p;
      x->rel = (uint32_t)i;
      x->slot_first = p->seq.els[0].kind == AG_EL_SLOT;
      x->anchored = (uint8_t)p->anchored;
      x->anchor0 = (uint32_t)p->anchor0;
      x->nanchors = (uint8_t)p->nanchors;
      x->first_any = (uint8_t)p->first_any;
      size_t ms = min_slots(&p->seq);
      x->min_mentions = (uint8_t)(ms < 255 ? ms : 255);
      if (!(p->first_ids = calloc((r->nlow + 7) / 8, 1))) return AG_ENOMEM;
      for (size_t k = 0; k < m->cap && !rc; k++)
        if (m->keys[k]) {
          uint32_t id = ag_word_id(r, m->keys[k], strlen(m->keys[k]));
          p->first_ids[id >> 3] |= (uint8_t)(1u << (id & 7));
          if (!p->first_any) rc = index_add(&r->starts, m->keys[k], p->gid);
        }
    }
  size_t nw = AG_PBITS(r);
  if (!rc && (!(r->anywhere_bits = calloc(nw + 1, sizeof(uint64_t))) ||
              !(r->unanchored_bits = calloc(nw + 1, sizeof(uint64_t))) ||
              !(r->need_bits = calloc(nw * AG_NEED_LEVELS + 1, sizeof(uint64_t))) ||
              !(r->first_of_off = calloc(r->nanchor_sets + 2, sizeof(uint32_t))) ||
              !(r->first_of = calloc(r->npatterns + 1, sizeof(uint32_t)))))
    rc = AG_ENOMEM;
  /* the patterns by their first anchor set (counting sort, in gid order) */
  for (size_t gid = 0; !rc && gid < r->npatterns; gid++)
    if (r->prefs[gid].nanchors) r->first_of_off[r->anchor_of[r->prefs[gid].anchor0] + 1]++;
  for (size_t a = 0; !rc && a < r->nanchor_sets; a++) r->first_of_off[a + 1] += r->first_of_off[a];
  uint32_t *cur = rc ? NULL : malloc((r->nanchor_sets + 1) * sizeof *cur);
  if (!rc && !cur) rc = AG_ENOMEM;
  if (!rc) memcpy(cur, r->first_of_off, (r->nanchor_sets + 1) * sizeof *cur);
  for (size_t gid = 0; !rc && gid < r->npatterns; gid++)
    if (r->prefs[gid].nanchors) r->first_of[cur[r->anchor_of[r->prefs[gid].anchor0]]++] = (uint32_t)gid;
  free(cur);
  for (size_t gid = 0; !rc && gid < r->npatterns; gid++) {
    uint64_t bit = (uint64_t)1 << (gid % 64);
    if (!r->prefs[gid].nanchors) r->unanchored_bits[gid / 64] |= bit;
    if (r->prefs[gid].first_any) r->anywhere_bits[gid / 64] |= bit;
    for (size_t k = 0; k < AG_NEED_LEVELS; k++)
      if (r->prefs[gid].min_mentions <= k || k == AG_NEED_LEVELS - 1) {
        r->need_bits[k * nw + gid / 64] |= bit;
        r->need_count[k]++;
      }
  }
  if (!rc) rc = index_ids(r, &r->anchors);
  if (!rc) rc = index_ids(r, &r->starts);
  if (!rc) rc = index_masks(r, &r->anchors, 1);
  for (size_t k = 0; !rc && k < AG_NEED_LEVELS; k++) rc = level_anchor_index(r, k);
  if (!rc) rc = index_masks(r, &r->starts, 0);
  if (!rc) rc = word_classes_build(r);
  if (!rc) rc = special_starts_build(r);
  return rc;
}
