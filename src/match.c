/* Match stage: sentences -> actor mentions -> assertions (source, relation,
 * target) by running every relation pattern at every token.
 *
 * The matcher is a small backtracking interpreter over the compiled element
 * sequences: each element either consumes tokens and continues with the rest
 * (a continuation frame), or fails.  A step budget bounds every attempt, so
 * no pattern can take more than linear time per start position. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIST 16       /* actors in one slot: "A, B and C" */
#define MAX_ROLES 3       /* role words absorbed after a mention */
#define MAX_SKIP 3        /* SKIP words between two elements */
#define MAX_APPOSITIVE 14 /* tokens of ", a group linked to X," */
#define MAX_PREFIX 4       /* "the", "two", "members of" before an actor */
#define MAX_PAREN 8        /* tokens of "(FBI)", "(€72 million)" */
#define NEG_WINDOW 10     /* tokens before a match (in its clause) that can negate it */
#define STEP_BUDGET 4000
#define READ_THROUGH AG_SP_COUNT        /* see read_through */
#define CACHE_SLOTS (AG_SP_COUNT + 1)   /* per token in mstate.cache */

void ag_match_result_init(ag_match_result *m) { memset(m, 0, sizeof *m); }

void ag_match_scratch_destroy(ag_match_scratch *x) {
  free(x->ids);
  free(x->kinds);
  free(x->mention_at);
  free(x->cache);
  free(x->first_seen);
  free(x->alast);
  free(x->touched);
  free(x->wstamp);
  ag_buf_destroy(&x->name);
  memset(x, 0, sizeof *x);
}

/* The scratch sized for rules r and n tokens. */
static int scratch_ready(ag_match_scratch *x, const ag_rules *r, size_t n) {
  if (x->rules != r || x->npatterns != r->npatterns || x->nanchor_sets != r->nanchor_sets ||
      x->nby_id != r->anchors.nby_id) {
    ag_match_scratch_destroy(x);
    if (!(x->first_seen = calloc(2 * AG_PBITS(r) + 1, sizeof *x->first_seen)) ||
        !(x->alast = calloc(r->nanchor_sets + 1, 1)) ||
        !(x->touched = malloc((r->nanchor_sets + 1) * sizeof *x->touched)) ||
        !(x->wstamp = calloc(r->anchors.nby_id + 1, sizeof *x->wstamp))) {
      ag_match_scratch_destroy(x);
      return AG_ENOMEM;
    }
    x->rules = r;
    x->npatterns = r->npatterns;
    x->nanchor_sets = r->nanchor_sets;
    x->nby_id = r->anchors.nby_id;
  }
  return AG_GROW(x->ids, x->cap_ids, n ? n : 1) || AG_GROW(x->kinds, x->cap_kinds, n + 8)
             ? AG_ENOMEM
             : 0;
}

void ag_match_result_destroy(ag_match_result *m) {
  free(m->mentions);
  free(m->asserts);
  ag_match_scratch_destroy(&m->scratch);
  memset(m, 0, sizeof *m);
}

typedef struct frame {
  const ag_el *els;
  size_t n, i;
  const struct frame *next;
} frame;

typedef struct mstate {
  const ag_rules *r;
  const ag_doc *doc;
  const uint32_t *ids;        /* per token of doc: its word id */
  const uint8_t *kinds;       /* per token of doc: AG_K_* (8 bytes more) */
  size_t first, end;          /* sentence token range */
  const size_t *mention_at;   /* per token: mention index + 1, or 0 */
  size_t *subjects;           /* the mentions a pattern's subject may start at */
  const ag_mention *mentions;
  size_t start;               /* where this attempt started */
  size_t list[2][MAX_LIST], nlist[2];
  const ag_mention *mlist[2][MAX_LIST]; /* the mention behind each */
  const ag_pattern *pattern;            /* the pattern being run */
  const ag_relation *rel;               /* and its relation */
  size_t match_end;
  long budget;
  int use_skip;
  uint8_t *cache;  /* per token and special class (then READ_THROUGH): match
                      length + 1, 0 unknown */
  FILE *trace;     /* explain mentions and matches here, or NULL */
  ag_unknowns *unk; /* unknown actors are captured here, or NULL */
  uint8_t *covered; /* per token: inside an actor mention */
  uint8_t *lit;     /* per token: matched by a literal of the pattern */
  uint8_t *alast;   /* per anchor set (see ag_pattern) one of whose words is
                       in the sentence: where the last one is, + 1 (255: that
                       far or further), else 0; NULL when every pattern is
                       tried (explain) */
  uint32_t *touched; /* the anchor sets seen in the sentence */
  uint32_t *wstamp; /* per anchor word id: the stamp of the last sentence it
                       was in */
  uint32_t stamp;   /* this sentence's */
  uint64_t *first_seen; /* per pattern (gid) that starts at given words:
                           one is in the sentence (PBITS words); then per
                           anchored pattern: its first anchor set is */
  int marking;      /* record literal tokens (the pattern's own run only) */
  size_t nlive;     /* mentions in the sentence */
  struct history *hist; /* recent actors of the article, for coreference */
  int keep_modal;       /* keep negated and hypothetical matches */
  int has_amount;       /* {amount} matched: */
  double amount;
  char currency[8];
  int relax;            /* explaining near misses: 1 ignore types, 2 also
                           let a slot take a word that is no actor */
  int relaxed;          /* the relaxation was needed for this match */
  int explain;          /* report near misses to trace */
  long reporter;        /* who reports the current match, or -1 */
  const char *date;     /* the article's date, "" when unknown */
  ag_buf *name;         /* room for an unknown actor's name (the scratch's) */
  size_t offset;        /* byte offset of the text in its file, for traces */
} mstate;

#define NO_ACTOR ((size_t)-1) /* a relaxed slot that holds no actor */

/* The most recent actor of each type in the article so far. */
typedef struct history {
  size_t actor[AG_TYPE_COUNT];
  size_t when[AG_TYPE_COUNT];     /* 0 = none yet */
  size_t sentence[AG_TYPE_COUNT]; /* where it was last seen */
  size_t clock, now;              /* now: the current sentence */
} history;

#define COREF_SENTENCES 2 /* an anaphor looks back this many sentences */

#define ACTOR(st, i) ag_actor_at((st)->r, (st)->unk, (i))

/* The id of actor i; an unknown actor's is made when first asked for (NULL
 * out of memory). */
static const char *actor_id(const mstate *st, size_t i) {
  if (i < st->r->nactors) return st->r->actors[i].id;
  return ag_unknown_id(st->unk, st->r, i - st->r->nactors);
}

/* The same for traces, which go on without an id. */
static const char *trace_id(const mstate *st, size_t i) {
  const char *id = actor_id(st, i);
  return id ? id : "?";
}

/* The mentions of the current sentence: from index base of m's (none yet
 * is a NULL array, and NULL + 0 is undefined in C). */
static ag_mention *mentions_from(ag_match_result *m, size_t base) {
  return m->mentions ? m->mentions + base : NULL;
}

static int run(mstate *st, const ag_el *els, size_t n, size_t i, size_t pos,
               const frame *next);

static const char *word(const mstate *st, size_t pos) {
  return ag_tok_norm(st->doc, pos);
}

/* Is the word at pos the one with this id (AG_W_*)? */
static int is_word(const mstate *st, size_t pos, uint32_t id) {
  return pos < st->end && st->ids[pos] == id;
}

static const ag_mention *mention(const mstate *st, size_t pos) {
  if (pos >= st->end || !st->mention_at[pos - st->first]) return NULL;
  return &st->mentions[st->mention_at[pos - st->first] - 1];
}

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define KIND_WORDS 1 /* kinds read eight at a time, the first in the low byte */
#endif

/* The first token at or after pos where something of kind k may start, or
 * st->end: the passes over a sentence step over the others. */
static inline size_t next_kind(const mstate *st, size_t pos, unsigned k) {
#ifdef KIND_WORDS
  const uint64_t mask = 0x0101010101010101ull * k;
  for (; pos < st->end; pos += 8) {
    uint64_t x;
    memcpy(&x, st->kinds + pos, 8); /* may read past the sentence: see kinds */
    if ((x &= mask)) {
      pos += (size_t)__builtin_ctzll(x) / 8;
      break;
    }
  }
  return pos < st->end ? pos : st->end;
#else
  while (pos < st->end && !(st->kinds[pos] & k)) pos++;
  return pos;
#endif
}

/* The last token before pos (and from st->first) of kind k, or st->end. */
static inline size_t prev_kind(const mstate *st, size_t pos, unsigned k) {
#ifdef KIND_WORDS
  const uint64_t mask = 0x0101010101010101ull * k;
  while (pos >= st->first + 8) {
    uint64_t x;
    memcpy(&x, st->kinds + pos - 8, 8);
    if ((x &= mask)) return pos - 8 + (size_t)(63 - __builtin_clzll(x)) / 8;
    pos -= 8;
  }
#endif
  while (pos > st->first)
    if (st->kinds[--pos] & k) return pos;
  return st->end;
}

/* The alternatives of class ci indexed under the word at pos: *w, returns
 * how many. */
static size_t indexed_at(const mstate *st, size_t ci, size_t pos, const size_t **w) {
  const ag_rules *r = st->r;
  uint32_t id = st->ids[pos];
  if (id >= r->nlow) return 0;
  for (uint32_t k = r->class_off[id]; k < r->class_off[id + 1]; k++) {
    const ag_word_class *x = &r->word_classes[k];
    if (x->cls < ci) continue;
    if (x->cls > ci) break;
    const size_t *l = r->classes[ci].index.lists[x->list];
    *w = l + 1;
    return l[0];
  }
  return 0;
}

/* The alternatives that can start at pos, in order: the nw indexed ones in
 * w merged with the ones that start anywhere.  *out points at them (at w,
 * at ix->any, or at buf when both lists are needed: room for nw + nany). */
static size_t candidates(const ag_start_index *ix, const size_t *w, size_t nw,
                         size_t *buf, const size_t **out) {
  size_t i = 0, j = 0, n = 0;
  if (!ix->nany) return *out = w, nw;
  if (!nw) return *out = ix->any, ix->nany;
  while (i < nw || j < ix->nany)
    buf[n++] = (j >= ix->nany || (i < nw && w[i] < ix->any[j])) ? w[i++] : ix->any[j++];
  *out = buf;
  return n;
}

/* Longest match of a class (by index) starting at pos; 0 if none. */
static size_t class_at(const mstate *outer, long ci, size_t pos) {
  if (ci < 0 || pos >= outer->end) return 0;
  const ag_class *c = &outer->r->classes[ci];
  const size_t *w = NULL, *cand;
  size_t nw = indexed_at(outer, (size_t)ci, pos, &w);
  size_t buf[nw && c->index.nany ? nw + c->index.nany : 1];
  size_t n = candidates(&c->index, w, nw, buf, &cand);
  if (!n) return 0;
  mstate st;
  int copied = 0;
  size_t best = 0;
  for (size_t i = 0; i < n; i++) {
    const ag_seq *a = &c->alts[cand[i]];
    if (a->plain) { /* most entries: words compared as ids */
      if (a->n <= best || a->n > outer->end - pos) continue;
      size_t k = 0;
      for (; k < a->n; k++) {
        const ag_el *e = &a->els[k];
        size_t f = 0;
        while (f < e->nforms && e->ids[f] != outer->ids[pos + k]) f++;
        if (f == e->nforms) break;
      }
      if (k == a->n) best = a->n;
      continue;
    }
    if (!copied) {
      st = *outer;
      st.use_skip = 0;
      st.marking = 0;
      copied = 1;
    }
    st.budget = STEP_BUDGET;
    if (run(&st, a->els, a->n, 0, pos, NULL) && st.match_end - pos > best)
      best = st.match_end - pos;
  }
  return best;
}

static size_t special_at_word(const mstate *st, int sp, size_t pos);

/* Length of the special class sp at pos, computed once per sentence.  Most
 * words start no special class: that test inline, the rest out of line. */
static inline size_t special_at(const mstate *st, int sp, size_t pos) {
  if (pos >= st->end) return 0;
  uint32_t id = st->ids[pos];
  if (!((st->r->sp_any | (id < st->r->nlow ? st->r->sp_first[id] : 0)) >> sp & 1)) return 0;
  return special_at_word(st, sp, pos);
}

static size_t special_at_word(const mstate *st, int sp, size_t pos) {
  uint8_t *c = &st->cache[(pos - st->first) * CACHE_SLOTS + (size_t)sp];
  if (!*c) {
    size_t k = class_at(st, st->r->special[sp], pos);
    *c = (uint8_t)(k > 250 ? 251 : k + 1);
  }
  return (size_t)*c - 1;
}

static int ends_in_ing(const mstate *st, size_t pos);

/* Negation and hypothesis words a match reads through, and "is" before a
 * verb in -ing: how many at pos (cached like special_at). */
static size_t read_through(const mstate *st, size_t pos) {
  if (pos >= st->end) return 0;
  uint8_t *c = &st->cache[(pos - st->first) * CACHE_SLOTS + READ_THROUGH];
  if (!*c) {
    size_t k = special_at(st, AG_SP_NEGATION, pos);
    if (!k) k = special_at(st, AG_SP_HYPOTHETICAL, pos);
    /* "is attacking", "have been targeting", but not "was attacked" */
    if (!k && (k = special_at(st, AG_SP_PROGRESSIVE, pos)) && !ends_in_ing(st, pos + k))
      k = 0;
    *c = (uint8_t)(k + 1);
  }
  return (size_t)*c - 1;
}

static int ends_in_ing(const mstate *st, size_t pos) {
  if (pos >= st->end) return 0;
  const char *w = word(st, pos);
  size_t n = strlen(w);
  return n > 4 && strcmp(w + n - 3, "ing") == 0;
}

/* A role word the relation excludes: "met with South Korean troops" is no
 * meeting with South Korea. */
static int excluded_role(const mstate *st, const ag_mention *m) {
  if (!st->rel || !st->rel->nexclude) return 0;
  for (size_t p = m->alias_end; p < m->end; p++)
    for (size_t i = 0; i < st->rel->nexclude; i++)
      if (st->ids[p] == st->rel->exclude_ids[i]) return 1;
  return 0;
}

static int types_ok(mstate *st, const ag_el *e, const ag_mention *m) {
  if (!e->types || (e->types >> ACTOR(st, m->actor)->type & 1u)) return 1;
  if (st->relax) st->relaxed = 1;
  return st->relax > 0;
}

static int type_ok(mstate *st, const ag_el *e, const ag_mention *m) {
  if (excluded_role(st, m)) return 0;
  if (!e->types || (e->types >> ACTOR(st, m->actor)->type & 1u)) return 1;
  if (st->relax) st->relaxed = 1;
  return st->relax > 0;
}

/* End of a short parenthesis "( ... )" starting at pos, or 0. */
static size_t paren_end(const mstate *st, size_t pos) {
  if (!is_word(st, pos, AG_W_LPAREN)) return 0;
  for (size_t j = pos + 1; j < st->end && j <= pos + MAX_PAREN; j++)
    if (is_word(st, j, AG_W_RPAREN)) return j + 1;
  return 0;
}

/* Is there a comma among the three tokens before pos? */
static int comma_before(const mstate *st, size_t pos) {
  for (size_t k = 1; k <= 3 && pos >= st->first + k; k++)
    if (is_word(st, pos - k, AG_W_COMMA)) return 1;
  return 0;
}

/* Words before an actor that still point at it: "the", "Mr.", "14 members
 * of" (numbers and the PREFIX class); returns where the actor starts. */
static size_t skip_prefix(const mstate *st, size_t pos) {
  size_t p = pos, k;
  for (int i = 0; i < MAX_PREFIX && p < st->end && !mention(st, p); i++) {
    if (st->doc->toks[p].flags & AG_TOK_NUMBER) p++;
    else if ((k = special_at(st, AG_SP_PREFIX, p))) p += k;
    else break;
  }
  return mention(st, p) ? p : pos;
}

/* Bind a slot at pos to a list of mentions and continue; tries the longest
 * list first ("A, B and C" before "A"). */
static int run_slot(mstate *st, const ag_el *els, size_t n, size_t i,
                    size_t pos, const frame *next) {
  const ag_el *e = &els[i];
  const ag_mention *m = mention(st, skip_prefix(st, pos));
  if (!m && st->relax == 2 && pos < st->end && (st->doc->toks[pos].flags & AG_TOK_WORD)) {
    /* near miss: this word stands where an actor should */
    size_t p = skip_prefix(st, pos);
    if (p == pos && special_at(st, AG_SP_PREFIX, pos)) p = pos + special_at(st, AG_SP_PREFIX, pos);
    if (p >= st->end) return 0;
    st->list[e->slot][0] = NO_ACTOR;
    st->mlist[e->slot][0] = NULL;
    st->nlist[e->slot] = 1;
    st->relaxed = 1;
    return run(st, els, n, i + 1, p + 1, next);
  }
  if (!m) return 0;
  /* possessive: "Taiwan's Far Eastern bank" -> the bank */
  if (is_word(st, m->end, AG_W_POSS) && mention(st, m->end + 1))
    m = mention(st, m->end + 1);
  if (!type_ok(st, e, m)) return 0;
  /* "the 2014 Sony hack" names an event, not Sony: such a mention cannot
   * end a pattern or open a gap */
  if (special_at(st, AG_SP_EVENT, m->end) &&
      ((i + 1 == n && !next) || (i + 1 < n && els[i + 1].kind == AG_EL_GAP)))
    return 0;
  size_t items[MAX_LIST], ends[MAX_LIST], k = 0, last_and = 0;
  const ag_mention *ms[MAX_LIST];
  int subject = i == 0 && !next; /* the first slot of a pattern */
  ms[k] = m;
  items[k] = m->actor;
  ends[k++] = m->end;
  while (k < MAX_LIST) {
    size_t p = ends[k - 1], q;
    int conj = 1;
    if (is_word(st, p, AG_W_COMMA) && (is_word(st, p + 1, AG_W_AND) || is_word(st, p + 1, AG_W_OR)))
      q = p + 2;
    else if (is_word(st, p, AG_W_AND) || is_word(st, p, AG_W_OR))
      q = p + 1;
    else if (is_word(st, p, AG_W_COMMA))
      q = p + 1, conj = 0;
    else if (is_word(st, p, AG_W_AS) && is_word(st, p + 1, AG_W_WELL) &&
             is_word(st, p + 2, AG_W_AS))
      q = p + 3;
    else
      break;
    const ag_mention *mm = mention(st, q);
    if (!mm || !types_ok(st, e, mm)) break;
    if (conj) last_and = k;
    ms[k] = mm;
    items[k] = mm->actor;
    ends[k++] = mm->end;
  }
  /* a list ends with "and"/"or": in "attacked Sony, the FBI said" the comma
   * starts another clause, so items after the last conjunction are dropped */
  k = last_and + 1;
  /* a role word after the last item covers them all: "South Korean and
   * American troops" */
  if (k > 1 && excluded_role(st, ms[k - 1])) return 0;
  for (size_t len = k; len > 0; len--) {
    memcpy(st->list[e->slot], items, len * sizeof(size_t));
    memcpy(st->mlist[e->slot], ms, len * sizeof ms[0]);
    st->nlist[e->slot] = len;
    if (run(st, els, n, i + 1, ends[len - 1], next)) return 1;
    /* the subject closes an interjection: "Gangs, e.g. Conti and LockBit,
     * have attacked" */
    if (subject && is_word(st, ends[len - 1], AG_W_COMMA) && comma_before(st, pos) &&
        run(st, els, n, i + 1, ends[len - 1] + 1, next))
      return 1;
    if (len == 1) {
      /* without the role words: "North Korea-linked group" also reads as
       * "{target} - linked group" */
      if (m->alias_end != m->end && run(st, els, n, i + 1, m->alias_end, next))
        return 1;
      /* past a parenthesis: "Federal Bureau of Investigation (FBI) blamed" */
      size_t close = paren_end(st, m->end);
      if (close && run(st, els, n, i + 1, close, next)) return 1;
    }
    /* an appositive after the subject: "Lazarus, a group tied to X, stole" */
    if (subject && is_word(st, ends[len - 1], AG_W_COMMA)) {
      size_t p = ends[len - 1] + 1;
      for (size_t j = 0; j < MAX_APPOSITIVE && p + j < st->end; j++) {
        if (is_word(st, p + j, AG_W_COMMA)) {
          /* "Another GRU unit, Sandworm, attacked": an appositive that names
           * an actor is the subject, matched from its own start; "the FBI,
           * a federal agency, blamed" is still the FBI */
          const ag_mention *am = mention(st, skip_prefix(st, p));
          int named = am && am->end == p + j &&
                      ACTOR(st, am->actor)->type != AG_TYPE_SECTOR;
          if (j > 0 && !named &&
              run(st, els, n, i + 1, p + j + 1, next))
            return 1;
          break;
        }
      }
    }
  }
  return 0;
}

static int run_el(mstate *st, const ag_el *els, size_t n, size_t i,
                  size_t pos, const frame *next) {
  const ag_el *e = &els[i];
  switch (e->kind) {
    case AG_EL_LIT:
      if (pos >= st->end) return 0;
      for (size_t f = 0; f < e->nforms; f++)
        if (st->ids[pos] == e->ids[f]) {
          if (!run(st, els, n, i + 1, pos + 1, next)) return 0;
          /* on the way back from a whole match: the pattern's own words,
           * which modality must not read ("threatened to", "rejected") */
          if (st->marking) st->lit[pos - st->first] = 1;
          return 1;
        }
      return 0;
    case AG_EL_ALT: {
      frame fr = {els, n, i + 1, next};
      if (e->cls >= 0 && pos < st->end) {
        /* a $CLASS: only the entries that can start at this word */
        const ag_class *c = &st->r->classes[e->cls];
        const size_t *w = NULL, *cand;
        size_t nw = indexed_at(st, (size_t)e->cls, pos, &w);
        size_t buf[nw && c->index.nany ? nw + c->index.nany : 1];
        size_t nc = candidates(&c->index, w, nw, buf, &cand);
        for (size_t k = 0; k < nc; k++)
          if (run(st, e->alts[cand[k]].els, e->alts[cand[k]].n, 0, pos, &fr)) return 1;
        return 0;
      }
      for (size_t a = 0; a < e->nalts; a++)
        if (run(st, e->alts[a].els, e->alts[a].n, 0, pos, &fr)) return 1;
      return 0;
    }
    case AG_EL_SLOT:
      return run_slot(st, els, n, i, pos, next);
    case AG_EL_AMOUNT: {
      double v;
      char cur[8];
      size_t k = ag_amount_at(st->doc, pos, st->end, &v, cur);
      if (!k) return 0;
      st->has_amount = 1;
      st->amount = v;
      memcpy(st->currency, cur, sizeof cur);
      if (run(st, els, n, i + 1, pos + k, next)) return 1;
      st->has_amount = 0;
      return 0;
    }
    case AG_EL_GAP:
      for (int k = 0; k <= e->max && pos + (size_t)k <= st->end; k++) {
        /* a gap does not cross an actor, unless the actor only names an
         * event: "blamed the Sony hack on North Korea" */
        const ag_mention *x = k > 0 ? mention(st, pos + (size_t)k - 1) : NULL;
        if (x && !special_at(st, AG_SP_EVENT, x->end)) return 0;
        if (run(st, els, n, i + 1, pos + (size_t)k, next)) return 1;
      }
      return 0;
  }
  return 0;
}

/* Does a special class match exactly the tokens ending at end? */
static int class_ends_at(mstate *st, int sp, size_t end) {
  for (size_t k = 1; k <= 3 && end >= st->first + k; k++)
    if (special_at(st, sp, end - k) == k) return 1;
  return 0;
}

/* Is the subject of this match preceded by an accusation ("accused")? */
static int accused(mstate *st) {
  size_t p = st->start;
  while (p > st->first && special_at(st, AG_SP_PREFIX, p - 1) == 1) p--;
  return class_ends_at(st, AG_SP_ACCUSE, p);
}

static int run(mstate *st, const ag_el *els, size_t n, size_t i, size_t pos,
               const frame *next) {
  if (--st->budget < 0) return 0;
  if (i == n) {
    if (next) return run(st, next->els, next->n, next->i, pos, next->next);
    st->match_end = pos;
    return 1;
  }
  const ag_el *e = &els[i];
  /* adverbs and auxiliaries listed in the SKIP class may stand between
   * elements: "{source} attack~" also reads "Lazarus reportedly attacked" */
  size_t p = pos;
  for (int s = 0; s <= MAX_SKIP; s++) {
    if (run_el(st, els, n, i, p, next)) return 1;
    if (!st->use_skip || p == st->start || e->kind == AG_EL_GAP) break;
    size_t k = special_at(st, AG_SP_SKIP, p);
    /* "the FBI accused Lazarus of attacking Sony": after the subject of a
     * pattern, "of"/"for" is read through when an accusation precedes it */
    if (!k && i == 1 && !next && els[0].kind == AG_EL_SLOT &&
        (is_word(st, p, AG_W_OF) || is_word(st, p, AG_W_FOR)) && accused(st))
      k = 1;
    /* negation and hypothesis words are read through, so the match is made
     * and then marked: "North Korea denied attacking", "Russia may attack" */
    if (!k) k = read_through(st, p);
    if (!k) break;
    p += k;
  }
  if (e->optional) return run(st, els, n, i + 1, pos, next);
  return 0;
}

/* ---- mentions ------------------------------------------------------------- */

static int alias_matches(const ag_rules *r, const ag_doc *d, const ag_alias *a,
                         size_t pos, size_t first, const char *date) {
  int sector = r->actors[a->actor].type == AG_TYPE_SECTOR;
  if (a->disabled) return 0; /* replaced by a later rule set */
  /* "the US president" means one person from one date to another */
  if (a->dated && (!date || !date[0] || (a->from[0] && strcmp(date, a->from) < 0) ||
                   (a->to[0] && strcmp(date, a->to) >= 0)))
    return 0;
  for (size_t k = 0; k < a->n; k++) {
    const ag_token *t = &d->toks[pos + k];
    /* sectors are common nouns: "Bank" in "Federal Reserve Bank" is a name */
    if (sector && (t->flags & AG_TOK_CAP) && !(t->flags & AG_TOK_ALLCAPS) &&
        pos + k != first)
      return 0;
    if (a->exact[k] && (strlen(a->orig[k]) != t->len ||
                        memcmp(a->orig[k], d->text + t->start, t->len) != 0))
      return 0;
  }
  return 1;
}

static size_t alias_at_word(const mstate *st, size_t pos, size_t *len, size_t longest);

/* The longest alias at pos within the sentence: alias index + 1, or 0.
 * Most words start none: that test inline, the rest out of line. */
static inline size_t alias_at(const mstate *st, size_t pos, size_t *len) {
  size_t longest = st->r->alias_longest[st->ids[pos]];
  return longest ? alias_at_word(st, pos, len, longest) : 0;
}

static size_t alias_at_word(const mstate *st, size_t pos, size_t *len, size_t longest) {
  const ag_rules *r = st->r;
  if (longest > st->end - pos) longest = st->end - pos;
  uint32_t lens = r->alias_lens[st->ids[pos]];
  /* no alias of two words or more starts with these two: only one word */
  if (longest >= 2 && !ag_alias_pair(r, st->ids[pos], st->ids[pos + 1])) longest = 1;
  for (size_t n = longest; n > 0; n--) {
    if (!(lens >> (n < 32 ? n - 1 : 31) & 1)) continue; /* no alias that long */
    long head = ag_alias_lookup(r, st->ids + pos, n);
    for (long j = head; j >= 0; j = r->aliases[j].next)
      if (alias_matches(r, st->doc, &r->aliases[j], pos, st->first, st->date)) {
        *len = n;
        return (size_t)j + 1;
      }
  }
  return 0;
}

static int push_mention(ag_match_result *m, size_t first, size_t end,
                        size_t actor) {
  if (AG_GROW(m->mentions, m->cap_mentions, m->nmentions + 1)) return AG_ENOMEM;
  ag_mention *x = &m->mentions[m->nmentions++];
  x->first = first;
  x->end = x->alias_end = end;
  x->actor = actor;
  x->coref = 0;
  return 0;
}

/* ---- unknown actors ------------------------------------------------------- */

static int is_connector(uint32_t w) {
  return w == AG_W_OF || w == AG_W_FOR || w == AG_W_DE || w == AG_W_DEL ||
         w == AG_W_AMP || w == AG_W_THE;
}

/* A capitalised word that can be part of an unknown actor's name: not inside
 * a known actor, not a word of any relation pattern ("Russia Attacks"), not
 * a role, prefix or NOT-NAME word. */
static int name_word_rest(mstate *st, size_t p, int inside);

static inline int name_word(mstate *st, size_t p, int inside) {
  if (p >= st->end) return 0;
  const ag_token *t = &st->doc->toks[p];
  if (!(t->flags & AG_TOK_WORD) || !(t->flags & (AG_TOK_CAP | AG_TOK_ALLCAPS)) ||
      st->covered[p - st->first])
    return 0;
  return name_word_rest(st, p, inside);
}

static int name_word_rest(mstate *st, size_t p, int inside) {
  /* a pattern word may stand inside a name ("Higher Education Funding
   * Council") but not open or close one ("Russia Attacks Ukraine") */
  return (inside || !(st->r->word_flags[st->ids[p]] & AG_WF_PATTERN)) &&
         !special_at(st, AG_SP_NOT_NAME, p) && !special_at(st, AG_SP_ROLE, p) &&
         !special_at(st, AG_SP_PREFIX, p) && special_at(st, AG_SP_TITLE, p) != 1;
}

static int guess_type(mstate *st, size_t from, size_t to) {
  static const int heads[][2] = {
      {AG_SP_HEAD_BANK, AG_TYPE_BANK},       {AG_SP_HEAD_AGENCY, AG_TYPE_AGENCY},
      {AG_SP_HEAD_GROUP, AG_TYPE_GROUP},     {AG_SP_HEAD_COMPANY, AG_TYPE_COMPANY},
      {AG_SP_HEAD_ORGANIZATION, AG_TYPE_ORGANIZATION}};
  /* the head is the last word, or a role word right after the name
   * ("Void Rabisu group"), or the first word before "of" ("Bank of X") */
  size_t at[3] = {to - 1, to, from};
  for (int k = 0; k < 3; k++)
    for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++)
      if (at[k] < st->end && special_at(st, heads[h][0], at[k]) == 1)
        return heads[h][1];
  if (from > st->first && special_at(st, AG_SP_TITLE, from - 1) == 1)
    return AG_TYPE_PERSON;
  if (from > st->first + 1 && is_word(st, from - 1, AG_W_DOT) &&
      special_at(st, AG_SP_TITLE, from - 2) == 1)
    return AG_TYPE_PERSON;
  return AG_TYPE_OTHER;
}

static int find_unknown(mstate *st, ag_match_result *m, size_t *mention_at,
                        size_t base) {
  const ag_doc *d = st->doc;
  ag_buf *name = st->name;
  int rc = 0;
  st->mentions = mentions_from(m, base);
  for (size_t p = st->first; p < st->end && !rc;) {
    if ((p = next_kind(st, p, AG_K_NAME)) >= st->end) break;
    if (!name_word(st, p, 0)) {
      p++;
      continue;
    }
    size_t q = p + 1;
    for (;;) {
      if (q < st->end && name_word(st, q, 0) && d->toks[q].newlines == 0) q++;
      else if (q + 1 < st->end && d->toks[q].newlines == 0 &&
               (is_connector(st->ids[q]) || name_word(st, q, 1)) && name_word(st, q + 1, 0))
        q += 2;
      else break;
    }
    /* one capitalised word alone is too often a surname ("Kim"), a
     * sentence opener or a headline word to be taken for an actor */
    if (q - p == 1) {
      p = q;
      continue;
    }
    const ag_token *a = &d->toks[p], *b = &d->toks[q - 1];
    size_t idx;
    if ((rc = ag_squeeze(name, d->text + a->start, b->start + b->len - a->start, 120)) ||
        (rc = ag_unknowns_get(st->unk, st->r, name->data, guess_type(st, p, q), &idx)) ||
        (rc = push_mention(m, p, q, idx)))
      break;
    mention_at[p - st->first] = m->nmentions - base;
    st->mentions = mentions_from(m, base);
    for (size_t k = p; k < q; k++) st->covered[k - st->first] = 1;
    p = q;
  }
  return rc;
}

static void absorb_roles(mstate *st, ag_mention *x) {
  for (int r = 0; r < MAX_ROLES; r++) {
    if (mention(st, x->end)) break;
    size_t k = special_at(st, AG_SP_ROLE, x->end);
    if (!k) break;
    x->end += k;
  }
}

/* ---- coreference ------------------------------------------------------------ */

/* Record x as the antecedent for its type.  Within one sentence the first
 * mention of a type is kept (subjects come first: "Lazarus hit Sony. It..."
 * is Lazarus); a later sentence replaces it. */
static void remember(mstate *st, const ag_mention *x) {
  int t = ACTOR(st, x->actor)->type;
  ++st->hist->clock;
  if (!st->hist->when[t] || st->hist->sentence[t] != st->hist->now) {
    st->hist->actor[t] = x->actor;
    st->hist->when[t] = st->hist->clock;
    st->hist->sentence[t] = st->hist->now;
  }
  /* "a North Korean spy ... she": a role word that names a person makes the
   * mention the antecedent of a personal pronoun as well */
  if (t != AG_TYPE_PERSON && x->end > x->alias_end &&
      special_at(st, AG_SP_TITLE, x->alias_end) &&
      (!st->hist->when[AG_TYPE_PERSON] || st->hist->sentence[AG_TYPE_PERSON] != st->hist->now)) {
    st->hist->actor[AG_TYPE_PERSON] = x->actor;
    st->hist->when[AG_TYPE_PERSON] = st->hist->clock;
    st->hist->sentence[AG_TYPE_PERSON] = st->hist->now;
  }
}

/* The antecedent among types: from the most recent sentence that has one,
 * the first in it; -1 when none within COREF_SENTENCES. */
static long antecedent(const mstate *st, uint32_t types) {
  long best = -1;
  size_t when = 0, sentence = 0;
  for (int t = 0; t < AG_TYPE_COUNT; t++) {
    const history *h = st->hist;
    if (!(types >> t & 1u) || !h->when[t] || h->now - h->sentence[t] > COREF_SENTENCES)
      continue;
    if (best < 0 || h->sentence[t] > sentence ||
        (h->sentence[t] == sentence && h->when[t] < when)) {
      best = (long)h->actor[t];
      sentence = h->sentence[t];
      when = h->when[t];
    }
  }
  return best;
}

/* Length of an anaphor at p ("it", "the group"), its entry in *which. A
 * common noun inside it may already be a sector mention ("the bank"). */
static size_t anaphor_at_word(const mstate *st, size_t p, const ag_anaphor **which);

static inline size_t anaphor_at(const mstate *st, size_t p, const ag_anaphor **which) {
  if (p >= st->end || !(st->r->word_flags[st->ids[p]] & AG_WF_ANAPHOR)) return 0;
  return anaphor_at_word(st, p, which);
}

static size_t anaphor_at_word(const mstate *st, size_t p, const ag_anaphor **which) {
  const ag_rules *r = st->r;
  uint32_t id = st->ids[p];
  uint32_t next = p + 1 < st->end ? st->ids[p + 1] : AG_W_NONE;
  /* "the" is the first word of many: most often none goes on with next */
  if (!(r->word_flags[id] & AG_WF_ANAPHOR_ALONE) &&
      !(r->word_flags[next] & AG_WF_ANAPHOR_SECOND))
    return 0;
  for (uint32_t i = r->anaphora_off[id]; i < r->anaphora_off[id + 1]; i++) {
    /* the second word, kept beside the entry, rules most out */
    uint32_t second = r->anaphora_by_first[2 * i + 1];
    if (second && second != next) continue;
    const ag_anaphor *a = &r->anaphora[r->anaphora_by_first[2 * i] - 1];
    size_t k = 0;
    while (k < a->n && p + k < st->end && st->ids[p + k] == a->ids[k] &&
           (k > 0 || !st->covered[p - st->first]))
      k++;
    /* a name inside must be a sector ending inside too: "the Department of
     * Justice" is no anaphor, "the bank" is */
    for (size_t j = 1; j < k; j++) {
      const ag_mention *x = mention(st, p + j);
      if (x && (ACTOR(st, x->actor)->type != AG_TYPE_SECTOR || x->end > p + a->n))
        k = 0;
    }
    if (k == a->n) {
      *which = a;
      return k;
    }
  }
  return 0;
}

/* Walk the sentence in order: actors update the article's history, an
 * anaphor becomes a mention of the most recent compatible actor. */
static int resolve_anaphora(mstate *st, ag_match_result *m, size_t *mention_at,
                            size_t base) {
  for (size_t p = st->first; p < st->end;) {
    /* nothing happens at a word that is neither a mention nor an anaphor's */
    while (p < st->end && !mention_at[p - st->first] && !(st->kinds[p] & AG_K_ANAPHOR)) p++;
    if (p >= st->end) break;
    const ag_mention *x = mention(st, p);
    const ag_anaphor *a = NULL;
    size_t n = x && ACTOR(st, x->actor)->type != AG_TYPE_SECTOR ? 0 : anaphor_at(st, p, &a);
    /* "its hackers" is an actor, "its mortgage business" is not */
    if (n && a->possessive && !special_at(st, AG_SP_ROLE, p + n)) n = 0;
    long ant = n ? antecedent(st, a->types) : -1;
    if (ant < 0) {
      if (x) remember(st, x);
      p = x ? x->end : p + 1;
      continue;
    }
    /* "the bank": reuse the sector mention inside the anaphor */
    size_t idx = 0;
    for (size_t k = p; k < p + n; k++)
      if (mention_at[k - st->first]) {
        idx = mention_at[k - st->first];
        mention_at[k - st->first] = 0;
      }
    if (!idx) {
      if (push_mention(m, p, p + n, (size_t)ant)) return AG_ENOMEM;
      idx = m->nmentions - base;
      st->mentions = mentions_from(m, base);
    }
    ag_mention *y = &m->mentions[base + idx - 1];
    y->first = p;
    y->end = y->alias_end = p + n;
    y->actor = (size_t)ant;
    y->coref = 1;
    mention_at[p - st->first] = idx;
    for (size_t k = p; k < p + n; k++) st->covered[k - st->first] = 1;
    absorb_roles(st, y);
    remember(st, y);
    p = y->end;
  }
  return 0;
}

static int find_mentions(mstate *st, ag_match_result *m, size_t *mention_at) {
  const ag_doc *d = st->doc;
  size_t base = m->nmentions;
  /* DISCARD phrases hold no actor: "Atlanta, Georgia", "Washington Post" */
  for (size_t pos = next_kind(st, st->first, AG_K_DISCARD); pos < st->end;
       pos = next_kind(st, pos + 1, AG_K_DISCARD)) {
    size_t k = special_at(st, AG_SP_DISCARD, pos);
    for (size_t j = pos; j < pos + k; j++) st->covered[j - st->first] = 2;
    if (k) pos += k - 1;
  }
  for (size_t pos = st->first; pos < st->end;) {
    if ((pos = next_kind(st, pos, AG_K_ALIAS)) >= st->end) break;
    if (st->covered[pos - st->first]) {
      pos++;
      continue;
    }
    size_t len = 0, ai = alias_at(st, pos, &len);
    if (!ai) {
      pos++;
      continue;
    }
    const ag_alias *a = &st->r->aliases[ai - 1];
    size_t actor = a->resolves >= 0 ? (size_t)a->resolves : a->actor;
    size_t end = pos + len, later = 0, blocked = 0;
    for (size_t k = pos; k < end; k++) blocked |= st->covered[k - st->first];
    if (blocked) {
      pos++;
      continue;
    }
    /* the longest match wins even when it starts later: "the North Korean
     * hackers" is North Korea's hackers, not "the North" + "Korean" */
    for (size_t q = pos + 1; q < end && !later; q++) {
      size_t l2 = 0;
      if (alias_at(st, q, &l2) && q + l2 > end)
        later = q;
    }
    if (later) {
      pos = later;
      continue;
    }
    /* "Washington Post", "Moscow Exchange": a one-word name followed by
     * another capitalised word that is neither an actor, a role word nor a
     * word of any pattern */
    if (len == 1 && (d->toks[pos].flags & AG_TOK_CAP) &&
        !(d->toks[pos].flags & AG_TOK_ALLCAPS) && end < st->end &&
        (d->toks[end].flags & AG_TOK_CAP) && (d->toks[end].flags & AG_TOK_WORD) &&
        d->toks[end].newlines == 0) {
      size_t l2 = 0;
      st->mentions = mentions_from(m, base);
      if (!alias_at(st, end, &l2) &&
          !special_at(st, AG_SP_ROLE, end) &&
          /* but a headline verb is no name: "Russia Attacks Ukraine" */
          !(st->r->word_flags[st->ids[end]] & AG_WF_PATTERN)) {
        pos = end;
        continue;
      }
    }
    if (push_mention(m, pos, end, actor)) return AG_ENOMEM;
    mention_at[pos - st->first] = m->nmentions - base;
    for (size_t k = pos; k < end; k++) st->covered[k - st->first] = 1;
    pos = end;
  }
  if (st->unk && find_unknown(st, m, mention_at, base)) return AG_ENOMEM;
  /* role words: "North Korean hackers", "Russian military intelligence" */
  st->mentions = mentions_from(m, base);
  for (size_t i = base; i < m->nmentions; i++) absorb_roles(st, &m->mentions[i]);
  /* "Russian Foreign Minister Sergei Ivanov": an unknown person named after
   * a state's title is that state's official; the state stands for both */
  for (size_t i = base; i < m->nmentions; i++) {
    ag_mention *x = &m->mentions[i];
    const ag_mention *y = mention(st, x->end);
    if (x->end > x->alias_end && y && ACTOR(st, y->actor)->unknown &&
        ACTOR(st, y->actor)->type == AG_TYPE_PERSON &&
        ACTOR(st, x->actor)->type != AG_TYPE_PERSON) {
      mention_at[x->end - st->first] = 0;
      x->end = y->end;
    }
  }
  return st->hist ? resolve_anaphora(st, m, mention_at, base) : 0;
}

/* ---- assertions ------------------------------------------------------------ */

#define HEDGE_FACTOR 0.7 /* confidence kept per hedge word */
#define HEDGE_AFTER 6     /* tokens after a match that can hedge it */

static int clause_break(uint32_t w) {
  return w == AG_W_COMMA || w == AG_W_SEMICOLON || w == AG_W_COLON ||
         w == AG_W_DASHES || w == AG_W_BUT || w == AG_W_WHILE ||
         w == AG_W_ALTHOUGH || w == AG_W_THOUGH || w == AG_W_QUOTE;
}

/* Modality of the match [from, to): negation or hypothesis words in it or
 * before it in its clause; hedge words around it lower *confidence. */
static int modality(mstate *st, size_t from, size_t to, double *confidence) {
  size_t lo = from, hi = to;
  int mod = AG_MOD_ASSERTED;
  for (int k = 0; k < NEG_WINDOW && lo > st->first && !clause_break(st->ids[lo - 1]); k++)
    lo--;
  for (size_t p = lo; p < to; p++) {
    if (st->lit[p - st->first]) continue; /* the pattern's own words */
    if (special_at(st, AG_SP_NEGATION, p)) return *confidence = 1.0, AG_MOD_NEGATED;
    if (special_at(st, AG_SP_HYPOTHETICAL, p)) mod = AG_MOD_HYPOTHETICAL;
  }
  *confidence = 1.0;
  while (hi < st->end && hi < to + HEDGE_AFTER) hi++;
  for (size_t p = lo; p < hi; p++)
    if (special_at(st, AG_SP_HEDGE, p)) *confidence *= HEDGE_FACTOR;
  return mod;
}

/* Add the assertion for this sentence once; a second match of the same
 * (source, relation, target) keeps the stronger modality, the higher
 * confidence, a reporter and an amount. */
static int add_assertion(ag_match_result *m, size_t sfirst, const ag_assertion *x) {
  if (x->source == x->target) return 0;
  for (size_t i = sfirst; i < m->nasserts; i++) {
    ag_assertion *a = &m->asserts[i];
    if (a->source != x->source || a->target != x->target || a->relation != x->relation)
      continue;
    if (x->modality < a->modality) a->modality = x->modality;
    if (x->confidence > a->confidence) a->confidence = x->confidence;
    if (x->reporter >= 0 && a->reporter < 0) a->reporter = x->reporter;
    if (x->has_amount && !a->has_amount) {
      a->has_amount = 1;
      a->amount = x->amount;
      memcpy(a->currency, x->currency, sizeof a->currency);
    }
    return 0;
  }
  if (AG_GROW(m->asserts, m->cap_asserts, m->nasserts + 1)) return AG_ENOMEM;
  m->asserts[m->nasserts++] = *x;
  return 0;
}

/* An assertion with no match behind it (the dictionary, a reporter). */
static ag_assertion plain_assertion(size_t s, size_t rel, size_t t, size_t sentence,
                                    int how) {
  ag_assertion a;
  memset(&a, 0, sizeof a);
  a.source = s;
  a.target = t;
  a.relation = rel;
  a.sentence = sentence;
  a.modality = AG_MOD_ASSERTED;
  a.confidence = 1.0;
  a.reporter = -1;
  a.how = how;
  a.smention = a.tmention = -1;
  return a;
}

static int affiliated(const ag_rules *r, size_t a, size_t b);

static long mention_index(const mstate *st, const ag_match_result *m,
                          const ag_mention *x) {
  (void)st;
  return x ? (long)(x - m->mentions) : -1;
}

static int emit(mstate *st, ag_match_result *m, size_t sfirst, size_t rel,
                size_t sentence, int mod, double confidence) {
  const ag_relation *R = &st->r->rels[rel];
  /* a symmetric pattern with one list: every pair of its members */
  if (st->nlist[1] == 0) {
    size_t n = st->nlist[0], items[MAX_LIST];
    const ag_mention *ms[MAX_LIST];
    memcpy(items, st->list[0], n * sizeof items[0]);
    memcpy(ms, st->mlist[0], n * sizeof ms[0]);
    st->nlist[0] = st->nlist[1] = 1;
    for (size_t a = 0; a < n; a++)
      for (size_t b = a + 1; b < n; b++) {
        st->list[0][0] = items[a], st->mlist[0][0] = ms[a];
        st->list[1][0] = items[b], st->mlist[1][0] = ms[b];
        if (emit(st, m, sfirst, rel, sentence, mod, confidence)) return AG_ENOMEM;
      }
    st->nlist[0] = n, st->nlist[1] = 0;
    memcpy(st->list[0], items, n * sizeof items[0]);
    memcpy(st->mlist[0], ms, n * sizeof ms[0]);
    return 0;
  }
  for (size_t a = 0; a < st->nlist[0]; a++)
    for (size_t b = 0; b < st->nlist[1]; b++) {
      ag_assertion x = plain_assertion(st->list[0][a], rel, st->list[1][b], sentence,
                                       AG_HOW_PATTERN);
      x.smention = mention_index(st, m, st->mlist[0][a]);
      x.tmention = mention_index(st, m, st->mlist[1][b]);
      /* the dictionary knows who belongs to whom: "the GRU, which is linked
       * to APT28" still gives APT28 affiliated-with GRU */
      const char *sid = R->symmetric ? actor_id(st, x.source) : "",
                 *tid = R->symmetric ? actor_id(st, x.target) : "";
      if (!sid || !tid) return AG_ENOMEM;
      int swap = R->symmetric
                     ? strcmp(sid, tid) > 0
                     : (long)rel == st->r->rel_affiliated && x.target < st->r->nactors &&
                           x.source < st->r->nactors &&
                           affiliated(st->r, x.target, x.source);
      if (swap) {
        size_t t = x.source;
        long tm = x.smention;
        x.source = x.target, x.smention = x.tmention;
        x.target = t, x.tmention = tm;
      }
      x.modality = mod;
      x.confidence = confidence;
      x.reporter = st->reporter;
      x.has_amount = st->has_amount;
      x.amount = st->amount;
      memcpy(x.currency, st->has_amount ? st->currency : "", st->has_amount ? sizeof x.currency : 1);
      x.pattern = st->pattern;
      x.match_first = st->start;
      x.match_end = st->match_end;
      if (add_assertion(m, sfirst, &x)) return AG_ENOMEM;
      /* "the FBI said Lazarus attacked Sony": Lazarus is blamed by the FBI */
      if (R->blame && st->reporter >= 0 && st->r->rel_blamed >= 0) {
        ag_assertion y = plain_assertion(x.source, (size_t)st->r->rel_blamed,
                                         (size_t)st->reporter, sentence, AG_HOW_REPORTING);
        y.modality = mod;
        y.confidence = confidence;
        y.smention = x.smention;
        y.match_first = st->start;
        y.match_end = st->match_end;
        if (add_assertion(m, sfirst, &y)) return AG_ENOMEM;
      }
    }
  return 0;
}

/* Is b up the affiliation chain of a (Lazarus -> RGB -> North Korea)? */
static int affiliated(const ag_rules *r, size_t a, size_t b) {
  long x = r->actors[a].affiliation;
  for (int depth = 0; x >= 0 && depth < 8; depth++) {
    const ag_actor *ax = &r->actors[x];
    if ((size_t)x == b) return 1;
    /* a state agency belongs to its country: APT28 -> GRU (RU) -> Russia.
     * A group's own country is where it sits, not whom it serves. */
    if (ax->type == AG_TYPE_AGENCY && ax->country_state == (long)b) return 1;
    x = ax->affiliation;
  }
  return 0;
}

/* An actor whose affiliation the dictionary knows gets an affiliated-with
 * edge when it shares a sentence with its sponsor: the sentence is the
 * evidence, the dictionary the knowledge.  Groups reach up to their state
 * (Lazarus -> RGB -> North Korea); agencies, companies and people only to a
 * parent that is not a state, or every FBI sentence naming the US would
 * yield "FBI affiliated-with United States". */
static int dictionary_affiliations(mstate *st, ag_match_result *m,
                                   size_t sfirst, size_t sentence) {
  const ag_rules *r = st->r;
  if (r->rel_affiliated < 0) return 0;
  for (size_t i = st->first; i < st->end; i++) {
    const ag_mention *a = mention(st, i);
    if (!a || a->coref || a->actor >= r->nactors ||
        r->actors[a->actor].affiliation < 0)
      continue;
    int group = r->actors[a->actor].type == AG_TYPE_GROUP;
    for (size_t j = st->first; j < st->end; j++) {
      const ag_mention *b = mention(st, j);
      if (b && !b->coref && b->actor < r->nactors &&
          (group || r->actors[b->actor].type != AG_TYPE_STATE) &&
          affiliated(r, a->actor, b->actor)) {
        ag_assertion x = plain_assertion(a->actor, (size_t)r->rel_affiliated, b->actor,
                                         sentence, AG_HOW_DICTIONARY);
        x.smention = mention_index(st, m, a);
        x.tmention = mention_index(st, m, b);
        if (add_assertion(m, sfirst, &x)) return AG_ENOMEM;
      }
    }
  }
  return 0;
}

/* A pattern that starts with a slot starts with its subject, and a subject
 * does not follow a preposition: "in favour of Donald Trump has attacked". */
static int after_preposition(const mstate *st, size_t pos) {
  size_t p = pos;
  for (int k = 0; k < 3 && p > st->first && special_at(st, AG_SP_PREFIX, p - 1) == 1; k++)
    p--;
  return p > st->first && special_at(st, AG_SP_PREPOSITION, p - 1) == 1;
}

/* ---- tracing: why an edge came or did not ---------------------------- */

static void trace_text(const mstate *st, size_t from, size_t to) {
  for (size_t i = from; i < to; i++) {
    const ag_token *t = &st->doc->toks[i];
    fprintf(st->trace, "%s%.*s", i > from ? " " : "", (int)t->len,
            st->doc->text + t->start);
  }
}

static void trace_sentence(const mstate *st, size_t sentence) {
  if (!st->trace) return;
  int any = 0;
  for (size_t i = st->first; i < st->end; i++) any |= mention(st, i) != NULL;
  if (!any) return;
  fprintf(st->trace, "sentence %zu: ", sentence + 1);
  trace_text(st, st->first, st->end);
  fprintf(st->trace, "\n  actors:");
  for (size_t i = st->first; i < st->end; i++) {
    const ag_mention *x = mention(st, i);
    if (!x) continue;
    fprintf(st->trace, " %s%s%s=[", x->coref ? "~" : "", trace_id(st, x->actor),
            ACTOR(st, x->actor)->unknown ? "?" : "");
    trace_text(st, x->first, x->end);
    const ag_token *a = &st->doc->toks[x->first], *b = &st->doc->toks[x->end - 1];
    fprintf(st->trace, "]@%zu-%zu", st->offset + a->start, st->offset + b->start + b->len);
  }
  fprintf(st->trace, "\n");
}

static const char *slot_name(const mstate *st, size_t actor) {
  return actor == NO_ACTOR ? "(no actor)" : trace_id(st, actor);
}

/* A pattern that would have matched with a type limit lifted or a plain
 * word in a slot: what a rule author wants to see. */
static void trace_near_miss(mstate *st, const ag_relation *R, const ag_pattern *p) {
  fprintf(st->trace, "  ? %s %s %s  <- %s:%d \"%s\"\n    near miss: %s; matched: ",
          slot_name(st, st->list[0][0]), R->name,
          st->nlist[1] ? slot_name(st, st->list[1][0]) : "(the others)",
          p->file, p->line, p->text,
          st->relax == 1 ? "an actor of the wrong type for its slot"
                         : "a slot holds no known actor");
  trace_text(st, st->start, st->match_end);
  fprintf(st->trace, "\n");
}

static void explain_failure(mstate *st, const ag_relation *R, const ag_pattern *p,
                            size_t pos) {
  for (st->relax = 1; st->relax <= 2; st->relax++) {
    st->relaxed = 0;
    st->budget = STEP_BUDGET;
    st->nlist[0] = st->nlist[1] = 0;
    if (run(st, p->seq.els, p->seq.n, 0, pos, NULL) && st->relaxed) {
      trace_near_miss(st, R, p);
      break;
    }
  }
  st->relax = 0;
}

static void trace_match(const mstate *st, const ag_relation *R,
                        const ag_pattern *p, int mod, double confidence) {
  static const char *const notes[] = {"", "hypothetical", "negated"};
  if (!st->trace) return;
  int one = st->nlist[1] == 0; /* a symmetric list: its pairs */
  for (size_t a = 0; a < st->nlist[0]; a++)
    for (size_t b = one ? a + 1 : 0; b < (one ? st->nlist[0] : st->nlist[1]); b++)
      fprintf(st->trace, "  %s %s %s %s  <- %s:%d \"%s\"\n",
              mod == AG_MOD_ASSERTED || st->keep_modal ? "+" : "-",
              trace_id(st, st->list[0][a]), R->name,
              trace_id(st, st->list[one ? 0 : 1][b]), p->file, p->line, p->text);
  fprintf(st->trace, "    matched: ");
  trace_text(st, st->start, st->match_end);
  fprintf(st->trace, "\n");
  if (mod != AG_MOD_ASSERTED)
    fprintf(st->trace, "    %s%s\n", notes[mod], st->keep_modal ? " (kept)" : " (dropped)");
  if (confidence < 1.0) fprintf(st->trace, "    hedged: confidence %.2f\n", confidence);
  if (st->has_amount) fprintf(st->trace, "    amount: %.15g %s\n", st->amount, st->currency);
  if (st->reporter >= 0) fprintf(st->trace, "    attributed by: %s\n", trace_id(st, (size_t)st->reporter));
}

/* A common-noun actor opening an appositive describes the actor before it:
 * in "The FBI, a federal agency, blamed X" the agencies blame no one. */
static int describes_previous(const mstate *st, size_t pos) {
  const ag_mention *x = mention(st, pos);
  if (!x || ACTOR(st, x->actor)->type != AG_TYPE_SECTOR) return 0;
  size_t p = pos;
  while (p > st->first && special_at(st, AG_SP_PREFIX, p - 1) == 1) p--;
  if (p <= st->first + 1 || !is_word(st, p - 1, AG_W_COMMA)) return 0;
  for (size_t q = p - 1; q-- > st->first && q + 10 > p;) {
    const ag_mention *y = mention(st, q);
    if (y && y->end == p - 1) return 1;
  }
  return 0;
}

/* ---- reporting: "A said B attacked C" ------------------------------------- */

/* The actor whose mention ends exactly at end, or -1. */
static long actor_ending_at(const mstate *st, size_t end) {
  for (size_t q = end; q-- > st->first && q + 12 > end;) {
    const ag_mention *x = mention(st, q);
    if (x && x->end == end) return (long)x->actor;
  }
  return -1;
}

/* Who reports the match: "according to A, ...", "A said (that) ...",
 * "..., A said" or "..., said A"; -1 when nobody does. */
static long find_reporter(mstate *st) {
  /* according to A */
  for (size_t p = st->first; p + 2 < st->end; p++)
    if (is_word(st, p, AG_W_ACCORDING) && is_word(st, p + 1, AG_W_TO)) {
      const ag_mention *x = mention(st, skip_prefix(st, p + 2));
      if (x) return (long)x->actor;
    }
  /* A blamed <match: B for the attack on C> */
  if (special_at(st, AG_SP_ACCUSE, st->start) || special_at(st, AG_SP_REPORT, st->start)) {
    size_t r = st->start;
    while (r > st->first && special_at(st, AG_SP_SKIP, r - 1) == 1) r--;
    long a = actor_ending_at(st, r);
    if (a >= 0) return a;
  }
  /* A said (that) <match> */
  size_t q = st->start;
  while (q > st->first && special_at(st, AG_SP_PREFIX, q - 1) == 1) q--;
  if (q > st->first && is_word(st, q - 1, AG_W_THAT)) q--;
  for (size_t k = 1; k <= 3 && q >= st->first + k; k++)
    if (special_at(st, AG_SP_REPORT, q - k) == k) {
      size_t r = q - k;
      while (r > st->first && special_at(st, AG_SP_SKIP, r - 1) == 1) r--;
      long a = actor_ending_at(st, r);
      if (a >= 0) return a;
      break;
    }
  /* <match>, A said / <match>, said A */
  for (size_t p = st->match_end; p < st->end && p < st->match_end + 8; p++) {
    if (!is_word(st, p, AG_W_COMMA)) continue;
    const ag_mention *x = mention(st, skip_prefix(st, p + 1));
    if (x && special_at(st, AG_SP_REPORT, x->end)) return (long)x->actor;
    size_t k = special_at(st, AG_SP_REPORT, p + 1);
    if (k && (x = mention(st, skip_prefix(st, p + 1 + k)))) return (long)x->actor;
    break;
  }
  return -1;
}

/* Without {amount} in the pattern, the first money inside the match:
 * "Lazarus stole $81 million from Bangladesh Bank". */
static void find_amount(mstate *st) {
  for (size_t p = st->start; p < st->match_end && !st->has_amount; p++) {
    size_t k = ag_amount_at(st->doc, p, st->match_end, &st->amount, st->currency);
    if (k) st->has_amount = 1;
  }
}

#define PBITS(r) AG_PBITS(r)

/* The patterns (gid) ix lists under some word of the sentence: into bits. */
static void mark_patterns(const mstate *st, const ag_start_index *ix, uint64_t *bits) {
  for (size_t pos = next_kind(st, st->first, AG_K_START); pos < st->end;
       pos = next_kind(st, pos + 1, AG_K_START)) {
    uint32_t id = st->ids[pos];
    if (id >= ix->nby_id || !ix->by_id[id]) continue;
    uint32_t li = ix->by_id[id] - 1;
    for (uint32_t k = ix->mask_off[li]; k < ix->mask_off[li + 1]; k++)
      bits[ix->mask_word[k]] |= ix->mask_bits[k];
  }
}

/* The anchor sets of the sentence's words and where each is last seen;
 * returns how many (st->touched lists them).  From the end of the sentence,
 * each word once, so the first time a set is seen is its last place. */
static size_t mark_anchors(const mstate *st, const ag_start_index *ix, uint32_t stamp,
                           uint64_t *first_bits) {
  size_t nt = 0;
  for (size_t pos = prev_kind(st, st->end, AG_K_ANCHOR); pos < st->end;
       pos = prev_kind(st, pos, AG_K_ANCHOR)) {
    uint32_t id = st->ids[pos];
    if (id >= ix->nby_id || !ix->by_id[id] || st->wstamp[id] == stamp) continue;
    st->wstamp[id] = stamp;
    uint32_t li = ix->by_id[id] - 1;
    const size_t *l = ix->lists[li];
    uint8_t at = (uint8_t)(pos - st->first < 254 ? pos - st->first + 1 : 255);
    for (size_t j = 1; j <= l[0]; j++) {
      size_t a = l[j];
      if (st->alast[a]) continue;
      st->alast[a] = at;
      st->touched[nt++] = (uint32_t)a;
    }
    /* the patterns whose most selective set has this word can now be tried */
    for (uint32_t k = ix->mask_off[li]; k < ix->mask_off[li + 1]; k++)
      first_bits[ix->mask_word[k]] |= ix->mask_bits[k];
  }
  return nt;
}

static void clear_anchors(const mstate *st, size_t nt) {
  for (size_t k = 0; k < nt; k++) st->alast[st->touched[k]] = 0;
}

/* Can pattern x match, with a word of each of its anchor sets in the
 * sentence?  Into *stop: a match that starts with a slot starts before the
 * last word of each anchor set. */
static int anchors_seen(const mstate *st, const ag_pattern_ref *x, size_t *stop) {
  *stop = st->end;
  if (!st->alast) return 1;
  for (uint32_t a = x->anchor0; a < x->anchor0 + x->nanchors; a++) {
    uint8_t at = st->alast[st->r->anchor_of[a]];
    if (!at) return 0;
    if (at < 255 && st->first + at - 1 < *stop) *stop = st->first + at - 1;
  }
  return 1;
}

static unsigned lowest_bit(uint64_t x) {
#if defined(__GNUC__)
  return (unsigned)__builtin_ctzll(x);
#else
  unsigned n = 0;
  while (!(x & 1)) x >>= 1, n++;
  return n;
#endif
}

/* The mentions a pattern that starts with a slot may start at, in order:
 * into st->subjects, returns how many. */
static size_t find_subjects(mstate *st) {
  size_t n = 0;
  for (size_t pos = st->first; pos < st->end; pos++)
    if (mention(st, pos) && !after_preposition(st, pos) && !describes_previous(st, pos))
      st->subjects[n++] = pos;
  return n;
}

/* A pattern can only start at one of its first words. */
static int starts_with(const mstate *st, const ag_pattern *P, size_t pos) {
  uint32_t id = st->ids[pos];
  return P->first_any || (id < st->r->nlow && (P->first_ids[id >> 3] >> (id & 7) & 1));
}

/* Run pattern P of relation rel at pos; emit what it finds. */
static int try_pattern(mstate *st, ag_match_result *m, size_t sfirst, size_t rel,
                       const ag_pattern *P, size_t pos, size_t sentence) {
  const ag_relation *R = &st->r->rels[rel];
  st->start = pos;
  st->pattern = P;
  st->rel = R;
  st->budget = STEP_BUDGET;
  st->nlist[0] = st->nlist[1] = 0;
  st->has_amount = 0;
  st->marking = 1;
  int matched = run(st, P->seq.els, P->seq.n, 0, pos, NULL);
  st->marking = 0;
  if (!matched) {
    if (st->explain) explain_failure(st, R, P, pos);
    return 0;
  }
  find_amount(st);
  st->reporter = find_reporter(st);
  double confidence;
  int mod = modality(st, pos, st->match_end, &confidence);
  if (mod != AG_MOD_ASSERTED) {
    if (mod == AG_MOD_NEGATED) m->dropped_negated++;
    else m->dropped_hypothetical++;
  }
  trace_match(st, R, P, mod, confidence);
  memset(st->lit + (st->start - st->first), 0, st->match_end - st->start);
  if ((mod == AG_MOD_ASSERTED || st->keep_modal) &&
      emit(st, m, sfirst, rel, sentence, mod, confidence))
    return AG_ENOMEM;
  return 0;
}

/* Try pattern gid at every place it can start in the sentence.  *nsubjects
 * is -1 until the subjects are found. */
static int try_pattern_everywhere(mstate *st, ag_match_result *m, size_t sfirst, size_t gid,
                                  size_t sentence, long *nsubjects) {
  const ag_pattern_ref *x = &st->r->prefs[gid];
  int rc = 0;
  size_t stop;
  /* each slot takes a mention of its own (explain relaxes slots) */
  if ((x->min_mentions > st->nlive && !st->explain) || !anchors_seen(st, x, &stop)) return 0;
  if (!x->slot_first) {
    for (size_t pos = st->first; pos < st->end && !rc; pos++)
      if (starts_with(st, x->pattern, pos))
        rc = try_pattern(st, m, sfirst, x->rel, x->pattern, pos, sentence);
    return rc;
  }
  if (*nsubjects < 0) *nsubjects = (long)find_subjects(st);
  for (size_t k = 0; k < (size_t)*nsubjects && st->subjects[k] < stop && !rc; k++)
    if (starts_with(st, x->pattern, st->subjects[k]))
      rc = try_pattern(st, m, sfirst, x->rel, x->pattern, st->subjects[k], sentence);
  return rc;
}

static int match_sentence(mstate *st, ag_match_result *m, size_t sentence) {
  const ag_rules *r = st->r;
  trace_sentence(st, sentence);
  size_t sfirst = m->nasserts, nw = PBITS(r);
  long nsubjects = -1;
  /* the patterns to try, in order: those with no more slots than the
   * sentence has mentions, that can start at any word or at one of the
   * sentence's, and have a word of each of their anchor sets there */
  size_t level = st->explain ? AG_NEED_LEVELS - 1
                             : (st->nlive < AG_NEED_LEVELS ? st->nlive : AG_NEED_LEVELS - 1);
  if (r->need_count[level]) {
    const uint64_t *need = r->need_bits + level * nw;
    uint64_t *first_seen = st->first_seen, *anchor_seen = st->first_seen + nw;
    memset(first_seen, 0, 2 * nw * sizeof *first_seen);
    /* the anchor index of the patterns this sentence can fill */
    const ag_start_index *ix =
        r->anchors_level[level].by_id ? &r->anchors_level[level] : &r->anchors;
    size_t nt = st->alast ? mark_anchors(st, ix, st->stamp, anchor_seen) : 0;
    mark_patterns(st, &r->starts, first_seen);
    for (size_t w = 0; w < nw; w++) {
      /* anchored patterns only with their most selective set seen (all of
       * them when explaining) */
      uint64_t todo = need[w] & (r->anywhere_bits[w] | first_seen[w]) &
                      (st->alast ? r->unanchored_bits[w] | anchor_seen[w] : ~(uint64_t)0);
      for (; todo; todo &= todo - 1) {
        size_t gid = w * 64 + lowest_bit(todo);
        int rc = try_pattern_everywhere(st, m, sfirst, gid, sentence, &nsubjects);
        if (rc) {
          clear_anchors(st, nt);
          return rc;
        }
      }
    }
    clear_anchors(st, nt);
  }
  return dictionary_affiliations(st, m, sfirst, sentence);
}

/* Do the n bytes at a and b match?  Both can be read in whole words of
 * eight bytes (see AG_NORM_SLACK and rules.c's vocab_pack). */
static int same_words8(const char *a, const char *b, size_t n) {
  uint64_t x, y;
  for (; n >= 8; a += 8, b += 8, n -= 8) {
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    if (x != y) return 0;
  }
  if (!n) return 1;
  memcpy(&x, a, 8);
  memcpy(&y, b, 8);
  /* the n bytes first in memory */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t m = ~(uint64_t)0 >> (8 * (8 - n));
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  uint64_t m = ~(uint64_t)0 << (8 * (8 - n));
#else
  return memcmp(a, b, n) == 0;
#endif
  return ((x ^ y) & m) == 0;
}

/* The id of token i of d (its form n bytes long), from the hash the
 * tokenizer made (see ag_word_id). */
static uint32_t tok_word_id(const ag_rules *r, const ag_doc *d, size_t i, size_t n) {
  const char *w = ag_tok_norm(d, i);
  if (!r->vocab_cap) return ag_word_id(r, w, n);
  uint32_t h = d->toks[i].hash;
  for (size_t k = h & (r->vocab_cap - 1); r->vocab_slots[k].id; k = (k + 1) & (r->vocab_cap - 1)) {
    const ag_vocab_slot *x = &r->vocab_slots[k];
    if (x->hash == h && x->len == n && same_words8(r->vocab_text + x->off, w, n)) return x->id;
  }
  return AG_W_NONE;
}

int ag_match_doc(const ag_rules *r, const ag_doc *doc, ag_match_result *m,
                 const ag_match_options *opts) {
  ag_match_scratch *x = opts->scratch ? opts->scratch : &m->scratch;
  if (scratch_ready(x, r, doc->ntoks)) return AG_ENOMEM;
  uint32_t *ids = x->ids;
  /* explain lists near misses of every pattern: no anchor filter there */
  int anchors = !(opts->trace && opts->explain);
  /* one lookup per token: from here on words compare as integers */
  uint8_t *kinds = x->kinds;
  for (size_t i = 0; i < doc->ntoks; i++) {
    size_t next = i + 1 < doc->ntoks ? doc->toks[i + 1].norm : doc->norm.len;
    ids[i] = tok_word_id(r, doc, i, next - doc->toks[i].norm - 1);
    uint16_t f = doc->toks[i].flags;
    kinds[i] = (uint8_t)(r->word_kind[ids[i]] |
                         ((f & AG_TOK_WORD) && (f & (AG_TOK_CAP | AG_TOK_ALLCAPS)) ? AG_K_NAME : 0));
  }
  memset(kinds + doc->ntoks, 0, 8);
  history hist;
  memset(&hist, 0, sizeof hist);
  int rc = 0;
  m->nmentions = m->nasserts = 0;
  m->dropped_negated = m->dropped_hypothetical = 0;
  for (size_t s = 0; s < doc->nsents && !rc; s++) {
    const ag_sentence *sent = &doc->sents[s];
    if (AG_GROW(x->mention_at, x->cap_mention_at, 2 * sent->count + 2)) {
      rc = AG_ENOMEM;
      break;
    }
    size_t *mention_at = x->mention_at;
    memset(mention_at, 0, (sent->count + 1) * sizeof(size_t));
    /* one buffer: the special-class cache, then the covered flags */
    size_t ncache = CACHE_SLOTS * sent->count;
    if (AG_GROW(x->cache, x->cap_cache, ncache + 2 * sent->count + 1)) {
      rc = AG_ENOMEM;
      break;
    }
    uint8_t *cache = x->cache;
    memset(cache, 0, ncache + 2 * sent->count + 1);
    /* a new stamp for the anchor words of this sentence */
    if (++x->stamp == 0) {
      memset(x->wstamp, 0, (r->anchors.nby_id + 1) * sizeof *x->wstamp);
      x->stamp = 1;
    }
    mstate st = {0};
    st.r = r;
    st.doc = doc;
    st.ids = ids;
    st.kinds = kinds;
    st.first = sent->first;
    st.end = sent->first + sent->count;
    st.mention_at = mention_at;
    st.subjects = mention_at + sent->count + 1;
    st.use_skip = 1;
    st.cache = cache;
    st.covered = cache + ncache;
    st.lit = cache + ncache + sent->count;
    st.alast = anchors ? x->alast : NULL;
    st.touched = x->touched;
    st.wstamp = x->wstamp;
    st.stamp = x->stamp;
    st.first_seen = x->first_seen;
    st.unk = opts->unknowns;
    st.keep_modal = opts->keep_modal;
    st.hist = r->nanaphora ? &hist : NULL;
    hist.now = s;
    st.trace = opts->trace;
    st.explain = opts->trace && opts->explain;
    st.offset = opts->text_offset;
    st.date = opts->date;
    st.name = &x->name;
    size_t base = m->nmentions;
    if ((rc = find_mentions(&st, m, mention_at))) break;
    st.mentions = mentions_from(m, base);
    for (size_t k = 0; k < sent->count; k++) st.nlive += mention_at[k] != 0;
    rc = match_sentence(&st, m, s);
  }
  return rc;
}
