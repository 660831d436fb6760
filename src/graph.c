/* Graph stage: assertions of many articles -> aggregated edges -> an igraph
 * graph whose vertex and edge attributes the exporters read. */
#include "internal.h"

#include <igraph.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_EVIDENCE 300
#define MAX_ALIASES_SHOWN 12

typedef struct actor_stat {
  size_t mentions, articles, last_article;
  char first[11], last[11];
  ag_buf aliases;  /* " | "-joined surface forms */
  size_t naliases;
} actor_stat;

/* What few edges have: money, who reported them, role words. */
typedef struct edge_more {
  ag_buf amounts;      /* each amount, " | "-joined */
  ag_buf attributed;   /* ids of who reported it, " | "-joined */
  ag_buf roles[2];     /* role words of the source and target mentions */
} edge_more;

typedef struct edge_rec {
  size_t src, rel, tgt;
  size_t mentions, articles, last_article;
  int modality;        /* the strongest of its mentions: AG_MOD_* */
  double confidence;   /* the highest of its mentions */
  double amount;       /* total money over its mentions */
  char currency[8];    /* "" none, "mixed" when currencies differ */
  size_t namounts;
  char first[11], last[11];
  char *evidence;
  ag_buf sources;
  edge_more *more;     /* NULL until one of them is set: an edge's record
                          stays small, and a graph's edges many */
} edge_rec;

/* One article on its way through: read, matched (in any thread: it only
 * reads the rules), then added to the graph (in article order).  Unknown
 * actors are numbered within the article first and renumbered when it is
 * added, so the graph does not depend on which thread matched what. */
typedef struct ag_work {
  ag_record rec;       /* id, date, text as read */
  int known_date;      /* rec.date is the date (else a marker in the text) */
  size_t path;         /* index of the path it came from */
  char *clean, *clean_id;  /* the data of cleanbuf and idbuf */
  ag_buf cleanbuf, idbuf;   /* kept between articles: no malloc per article */
  size_t clean_len, off;
  char date[11];
  int skipped;         /* outside since/until */
  int rc;              /* of matching */
  ag_doc doc;
  ag_match_result mr;
  ag_unknowns unk;
} ag_work;

struct ag_extractor {
  const ag_rules *r;
  ag_extract_options opts;
  ag_extract_counts counts;
  ag_unknowns unk;     /* actors found in text, indexes after the dictionary's */
  actor_stat *actors;  /* per actor index, dictionary and unknown */
  size_t nstats;
  edge_rec *edges;
  size_t nedges, cap_edges;
  ag_map edge_index;
  ag_work one;         /* the article of ag_extractor_add_record */
  ag_art art;          /* the record of the article being added */
  const ag_work *cur;  /* the article being added to the graph */
  ag_buf provenance;   /* JSON lines, when opts.provenance */
  int spent;           /* ag_extractor_take_graph took what it found */
  ag_buf scratch;
};

struct ag_graph {
  igraph_t g;
  int live;         /* g was initialised and must be destroyed */
  char *provenance; /* one JSON object per assertion, when collected */
  size_t nprovenance;
};

/* ---- igraph set-up: errors become values, not aborts ---------------------- */

static char igraph_reason[256];

static void on_igraph_error(const char *reason, const char *file, int line,
                            igraph_error_t code) {
  (void)file;
  (void)line;
  (void)code;
  if (!igraph_reason[0] && reason && reason[0])
    ag_copy_str(igraph_reason, sizeof igraph_reason, reason);
}

static void on_igraph_warning(const char *reason, const char *file, int line) {
  (void)reason;
  (void)file;
  (void)line;
}

static void igraph_setup(void) {
  static int done;
  if (done) return;
  igraph_set_attribute_table(&igraph_cattribute_table);
  igraph_set_error_handler(on_igraph_error);
  igraph_set_warning_handler(on_igraph_warning);
  done = 1;
}

static const char *const MODALITY[] = {"asserted", "hypothetical", "negated"};

/* ---- extractor ------------------------------------------------------------ */

static void work_init(ag_work *w) {
  memset(w, 0, sizeof *w);
  ag_record_init(&w->rec);
  ag_doc_init(&w->doc);
  ag_match_result_init(&w->mr);
  ag_unknowns_init(&w->unk);
  /* an article's unknown actors are added under their names: most never
   * need an id of their own */
  w->unk.lazy_ids = 1;
}

static void work_destroy(ag_work *w) {
  ag_record_destroy(&w->rec);
  ag_doc_destroy(&w->doc);
  ag_match_result_destroy(&w->mr);
  ag_unknowns_destroy(&w->unk);
  ag_buf_destroy(&w->cleanbuf);
  ag_buf_destroy(&w->idbuf);
}

const ag_rules *ag_extractor_rules(const ag_extractor *ex) { return ex->r; }

const ag_extract_options *ag_extractor_options(const ag_extractor *ex) { return &ex->opts; }

int ag_extractor_new(ag_extractor **out, const ag_rules *rules,
                     const ag_extract_options *opts) {
  static const ag_extract_options defaults = AG_EXTRACT_OPTIONS_INIT;
  ag_extractor *ex = calloc(1, sizeof *ex);
  *out = NULL;
  if (!ex) return AG_ENOMEM;
  ex->r = rules;
  ex->opts = opts ? *opts : defaults;
  ex->nstats = rules->nactors;
  ex->actors = calloc(ex->nstats ? ex->nstats : 1, sizeof(actor_stat));
  if (!ex->actors) {
    free(ex);
    return AG_ENOMEM;
  }
  ag_unknowns_init(&ex->unk);
  work_init(&ex->one);
  ag_art_init(&ex->art);
  ag_map_init(&ex->edge_index);
  if (ex->opts.provenance) ex->provenance.sink = ex->opts.provenance_out; /* streamed */
  *out = ex;
  return 0;
}

static void edge_free(edge_rec *e) {
  free(e->evidence);
  e->evidence = NULL;
  ag_buf_destroy(&e->sources);
  if (e->more) {
    ag_buf_destroy(&e->more->amounts);
    ag_buf_destroy(&e->more->attributed);
    ag_buf_destroy(&e->more->roles[0]);
    ag_buf_destroy(&e->more->roles[1]);
    free(e->more);
    e->more = NULL;
  }
}

/* e->more, made when first needed; NULL out of memory. */
static edge_more *more_of(edge_rec *e) {
  if (!e->more && (e->more = calloc(1, sizeof *e->more))) {
    ag_buf_init(&e->more->amounts);
    ag_buf_init(&e->more->attributed);
    ag_buf_init(&e->more->roles[0]);
    ag_buf_init(&e->more->roles[1]);
  }
  return e->more;
}

/* A string of e->more ("" without it). */
#define MORE_S(e, field) ((e)->more && (e)->more->field.data ? (e)->more->field.data : "")

/* The actors' and edges' records, once the graph has what they held. */
static void release_records(ag_extractor *ex) {
  for (size_t i = 0; i < ex->nstats; i++)
    ag_buf_destroy(&ex->actors[i].aliases);
  free(ex->actors);
  ex->actors = NULL;
  ex->nstats = 0;
  for (size_t i = 0; i < ex->nedges; i++) edge_free(&ex->edges[i]);
  free(ex->edges);
  ex->edges = NULL;
  ex->nedges = ex->cap_edges = 0;
  ag_map_destroy(&ex->edge_index);
  ag_map_init(&ex->edge_index);
}

void ag_extractor_free(ag_extractor *ex) {
  if (!ex) return;
  release_records(ex);
  ag_unknowns_destroy(&ex->unk);
  work_destroy(&ex->one);
  ag_art_destroy(&ex->art);
  ag_buf_destroy(&ex->provenance);
  ag_buf_destroy(&ex->scratch);
  free(ex);
}

void ag_extractor_get_counts(const ag_extractor *ex, ag_extract_counts *c) {
  *c = ex->counts;
  c->unknown_actors = ex->unk.n;
}

/* Keep one actor_stat per actor as unknown actors appear. */
static int grow_stats(ag_extractor *ex) {
  size_t need = ex->r->nactors + ex->unk.n;
  if (need <= ex->nstats) return 0;
  actor_stat *p = ag_xrealloc_array(ex->actors, need, sizeof *p);
  if (!p) return AG_ENOMEM;
  memset(p + ex->nstats, 0, (need - ex->nstats) * sizeof *p);
  ex->actors = p;
  ex->nstats = need;
  return 0;
}

static void see_date(char first[11], char last[11], const char *date) {
  if (!date[0]) return;
  if (!first[0] || strcmp(date, first) < 0) memcpy(first, date, 11);
  if (!last[0] || strcmp(date, last) > 0) memcpy(last, date, 11);
}

/* Add a surface form to an actor's alias list unless it is there already. */
static int see_alias(actor_stat *a, const char *s, size_t n) {
  if (a->naliases >= MAX_ALIASES_SHOWN) return 0;
  const char *p = a->aliases.data;
  while (p && *p) {
    const char *e = strstr(p, " | ");
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == n && memcmp(p, s, n) == 0) return 0;
    p = e ? e + 3 : p + len;
  }
  if (a->aliases.len && ag_buf_puts(&a->aliases, " | ")) return AG_ENOMEM;
  a->naliases++;
  return ag_buf_add(&a->aliases, s, n);
}

/* ---- article records ---------------------------------------------------------- */

void ag_art_init(ag_art *a) {
  memset(a, 0, sizeof *a);
  ag_buf_init(&a->pool);
}

void ag_art_clear(ag_art *a) {
  ag_buf_clear(&a->pool);
  a->id = 0;
  a->date[0] = '\0';
  a->skipped = 0;
  a->sentences = a->mentions = a->assertions = a->negated = a->hypothetical = 0;
  a->nunk = a->nms = a->nes = 0;
}

void ag_art_destroy(ag_art *a) {
  ag_buf_destroy(&a->pool);
  free(a->unk_name);
  free(a->unk_type);
  free(a->ms);
  free(a->es);
  memset(a, 0, sizeof *a);
}

int ag_art_str(ag_art *a, const char *s, size_t n, size_t *off) {
  *off = a->pool.len;
  return ag_buf_add(&a->pool, s, n) || ag_buf_add(&a->pool, "\0", 1) ? AG_ENOMEM : 0;
}

int ag_art_reserve_unknowns(ag_art *a, size_t n) {
  if (n <= a->cap_unk) return 0;
  if (n < 2 * a->cap_unk) n = 2 * a->cap_unk;
  size_t *names = realloc(a->unk_name, n * sizeof *names);
  if (!names) return AG_ENOMEM;
  a->unk_name = names;
  int *types = realloc(a->unk_type, n * sizeof *types);
  if (!types) return AG_ENOMEM;
  a->unk_type = types;
  a->cap_unk = n;
  return 0;
}

/* Squeezed text of tokens [from, to) of the matched article into the pool. */
static int art_span(ag_art *a, const ag_work *w, size_t from, size_t to, size_t max,
                    size_t *off) {
  *off = a->pool.len;
  if (from < to) {
    const ag_token *t0 = &w->doc.toks[from], *t1 = &w->doc.toks[to - 1];
    if (ag_squeeze_add(&a->pool, w->doc.text + t0->start, t1->start + t1->len - t0->start, max))
      return AG_ENOMEM;
  }
  return ag_buf_add(&a->pool, "\0", 1);
}

/* The record of a matched article: its counts, unknown actors, the names
 * it mentions and what its assertions add. */
static int art_from_work(ag_art *a, const ag_work *w) {
  ag_art_clear(a);
  if (ag_art_str(a, w->clean_id, strlen(w->clean_id), &a->id)) return AG_ENOMEM;
  memcpy(a->date, w->date, sizeof a->date);
  if ((a->skipped = w->skipped)) return 0;
  a->sentences = w->doc.nsents;
  a->mentions = w->mr.nmentions;
  a->assertions = w->mr.nasserts;
  a->negated = w->mr.dropped_negated;
  a->hypothetical = w->mr.dropped_hypothetical;
  if (ag_art_reserve_unknowns(a, w->unk.n)) return AG_ENOMEM;
  for (size_t i = 0; i < w->unk.n; i++) {
    const ag_actor *u = &w->unk.items[i];
    if (ag_art_str(a, u->name, strlen(u->name), &a->unk_name[i])) return AG_ENOMEM;
    a->unk_type[i] = u->type;
  }
  a->nunk = w->unk.n;
  for (size_t i = 0; i < w->mr.nmentions; i++) {
    const ag_mention *m = &w->mr.mentions[i];
    if (m->coref) continue; /* "it" is no name of the actor it points to */
    if (AG_GROW(a->ms, a->cap_ms, a->nms + 1)) return AG_ENOMEM;
    ag_art_mention *x = &a->ms[a->nms++];
    x->actor = m->actor;
    if (art_span(a, w, m->first, m->alias_end, 80, &x->form)) return AG_ENOMEM;
  }
  for (size_t i = 0; i < w->mr.nasserts; i++) {
    const ag_assertion *as = &w->mr.asserts[i];
    const ag_sentence *sn = &w->doc.sents[as->sentence];
    if (AG_GROW(a->es, a->cap_es, a->nes + 1)) return AG_ENOMEM;
    ag_art_edge *e = &a->es[a->nes++];
    e->src = as->source;
    e->rel = as->relation;
    e->tgt = as->target;
    e->modality = as->modality;
    e->confidence = as->confidence;
    e->has_amount = as->has_amount;
    e->amount = as->amount;
    memcpy(e->currency, as->currency, sizeof e->currency);
    e->reporter = as->reporter;
    long ms[2] = {as->smention, as->tmention};
    for (int k = 0; k < 2; k++) {
      const ag_mention *m = ms[k] >= 0 ? &w->mr.mentions[ms[k]] : NULL;
      if (art_span(a, w, m ? m->alias_end : 0, m ? m->end : 0, 80, &e->role[k]))
        return AG_ENOMEM;
    }
    if (art_span(a, w, sn->first, sn->first + sn->count, MAX_EVIDENCE, &e->evidence))
      return AG_ENOMEM;
  }
  return 0;
}

/* Append item to a " | "-joined list unless it is there already. */
static int add_unique(ag_buf *list, const char *item) {
  size_t n = strlen(item);
  for (const char *p = list->data; p && *p;) {
    const char *e = strstr(p, " | ");
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == n && memcmp(p, item, n) == 0) return 0;
    p = e ? e + 3 : p + len;
  }
  if (list->len && ag_buf_puts(list, " | ")) return AG_ENOMEM;
  return ag_buf_puts(list, item);
}

#define MAX_AMOUNTS_SHOWN 20

static int add_amount(edge_rec *e, const ag_art_edge *x) {
  e->amount += x->amount;
  if (!e->currency[0]) memcpy(e->currency, x->currency, sizeof e->currency);
  else if (strcmp(e->currency, x->currency) != 0) strcpy(e->currency, "mixed");
  if (e->namounts++ >= MAX_AMOUNTS_SHOWN) return 0;
  edge_more *m = more_of(e);
  if (!m) return AG_ENOMEM;
  return ag_buf_printf(&m->amounts, "%s%.15g %s", m->amounts.len ? " | " : "", x->amount,
                       x->currency);
}

static int set_evidence(edge_rec *e, const char *text) {
  char *copy = ag_strdup(text);
  if (!copy) return AG_ENOMEM;
  free(e->evidence);
  e->evidence = copy;
  return 0;
}

/* x's actors are global indexes here. */
static int add_edge(ag_extractor *ex, const ag_art *a, const ag_art_edge *x,
                    size_t src, size_t tgt, long reporter, size_t article) {
  int rc;
  char key[64];
  int n = snprintf(key, sizeof key, "%zu %zu %zu", src, x->rel, tgt);
  size_t idx;
  const char *evidence = AG_ART_S(a, x->evidence);
  if (!ag_map_get(&ex->edge_index, key, (size_t)n, &idx)) {
    if (AG_GROW(ex->edges, ex->cap_edges, ex->nedges + 1)) return AG_ENOMEM;
    idx = ex->nedges;
    edge_rec *e = &ex->edges[idx];
    memset(e, 0, sizeof *e);
    e->src = src;
    e->rel = x->rel;
    e->tgt = tgt;
    if ((rc = set_evidence(e, evidence))) return rc;
    if (ag_map_put(&ex->edge_index, key, (size_t)n, idx)) return AG_ENOMEM;
    ex->nedges++;
  }
  edge_rec *e = &ex->edges[idx];
  if (e->mentions == 0 || x->modality < e->modality) {
    if (e->mentions && (rc = set_evidence(e, evidence))) return rc;
    e->modality = x->modality;
  }
  if (x->confidence > e->confidence) e->confidence = x->confidence;
  if (x->has_amount && (rc = add_amount(e, x))) return rc;
  if (reporter >= 0) {
    edge_more *m = more_of(e);
    if (!m) return AG_ENOMEM;
    if ((rc = add_unique(&m->attributed, ag_actor_at(ex->r, &ex->unk, (size_t)reporter)->id)))
      return rc;
  }
  for (int k = 0; k < 2; k++) {
    const char *role = AG_ART_S(a, x->role[k]);
    if (!*role) continue;
    edge_more *m = more_of(e);
    if (!m) return AG_ENOMEM;
    if ((rc = add_unique(&m->roles[k], role))) return rc;
  }
  e->mentions++;
  if (e->articles == 0 || e->last_article != article) {
    e->articles++;
    e->last_article = article;
    if ((e->sources.len && ag_buf_puts(&e->sources, " | ")) ||
        ag_buf_puts(&e->sources, AG_ART_S(a, a->id)))
      return AG_ENOMEM;
  }
  see_date(e->first, e->last, a->date);
  return 0;
}

#define UNTRACKED ((size_t)-1)

/* The unknown actor named name if it is tracked already, else UNTRACKED. */
static int tracked_unknown(ag_extractor *ex, const char *name, size_t *idx) {
  size_t i;
  *idx = ag_unknowns_find(&ex->unk, name, &i) ? ex->r->nactors + i : UNTRACKED;
  return 0;
}

/* Add an article record to the counts, the actors' statistics and the
 * edges, renumbering its unknown actors into the extractor's in the order
 * it found them, as a single sequential run would. */
static int art_apply(ag_extractor *ex, const ag_art *a) {
  if (a->skipped) {
    ex->counts.out_of_window++;
    return 0;
  }
  size_t article = ex->counts.articles++, base = ex->r->nactors;
  size_t *to = malloc((a->nunk ? a->nunk : 1) * sizeof *to);
  int rc = to ? 0 : AG_ENOMEM;
  /* An unknown actor is tracked from the first article that relates it:
   * the names that never take part in a relation would otherwise make
   * memory grow with the corpus instead of the graph. */
  for (size_t i = 0; i < a->nunk && to; i++) to[i] = UNTRACKED;
  for (size_t i = 0; i < a->nes && !rc; i++) {
    const ag_art_edge *x = &a->es[i];
    size_t ends[3] = {x->src, x->tgt, x->reporter >= 0 ? (size_t)x->reporter : 0};
    for (int k = 0; k < 3 && !rc; k++)
      if (ends[k] >= base && to[ends[k] - base] == UNTRACKED) {
        size_t u = ends[k] - base;
        rc = ag_unknowns_get(&ex->unk, ex->r, AG_ART_S(a, a->unk_name[u]), a->unk_type[u], &to[u]);
      }
  }
  for (size_t i = 0; i < a->nunk && !rc; i++)
    if (to[i] == UNTRACKED && (rc = tracked_unknown(ex, AG_ART_S(a, a->unk_name[i]), &to[i])))
      break;
  if (!rc) rc = grow_stats(ex);
#define MAP(x) ((x) >= base ? to[(x) - base] : (x))
  for (size_t i = 0; i < a->nms && !rc; i++) {
    if (MAP(a->ms[i].actor) == UNTRACKED) continue;
    actor_stat *st = &ex->actors[MAP(a->ms[i].actor)];
    st->mentions++;
    if (st->articles == 0 || st->last_article != article) {
      st->articles++;
      st->last_article = article;
    }
    see_date(st->first, st->last, a->date);
    const char *form = AG_ART_S(a, a->ms[i].form);
    rc = see_alias(st, form, strlen(form));
  }
  ex->counts.sentences += a->sentences;
  ex->counts.mentions += a->mentions;
  ex->counts.assertions += a->assertions;
  ex->counts.dropped_negated += a->negated;
  ex->counts.dropped_hypothetical += a->hypothetical;
  for (size_t i = 0; i < a->nes && !rc; i++) {
    const ag_art_edge *x = &a->es[i];
    rc = add_edge(ex, a, x, MAP(x->src), MAP(x->tgt),
                  x->reporter >= 0 ? (long)MAP((size_t)x->reporter) : -1, article);
  }
#undef MAP
  free(to);
  return rc;
}

/* Text of tokens [from, to) of the current article, whitespace squeezed. */
static int span_text(ag_extractor *ex, size_t from, size_t to, ag_buf *out,
                     size_t max) {
  ag_buf_clear(out);
  if (from >= to) return ag_buf_add(out, "", 0);
  const ag_token *a = &ex->cur->doc.toks[from], *b = &ex->cur->doc.toks[to - 1];
  return ag_squeeze(out, ex->cur->doc.text + a->start, b->start + b->len - a->start, max);
}

/* ---- provenance: one JSON object per assertion ------------------------------ */

static int json_field(ag_buf *b, const char *name, const char *value, int first) {
  int rc = ag_buf_printf(b, "%s\"%s\":\"", first ? "" : ",", name);
  if (!rc) rc = ag_json_escape(b, value);
  if (!rc) rc = ag_buf_putc(b, '"');
  return rc;
}

/* A double that reads back as the same bits. */
static int json_double(ag_buf *b, double v) {
  char tmp[40];
  snprintf(tmp, sizeof tmp, "%.15g", v);
  if (strtod(tmp, NULL) != v) snprintf(tmp, sizeof tmp, "%.17g", v);
  return ag_buf_puts(b, tmp);
}

static int json_string(ag_buf *b, const char *s) {
  int rc = ag_buf_putc(b, '"');
  if (!rc) rc = ag_json_escape(b, s);
  if (!rc) rc = ag_buf_putc(b, '"');
  return rc;
}

/* A dictionary actor by its id, an unknown one by its index in the record. */
static int json_actor(ag_buf *b, const ag_rules *r, size_t actor) {
  if (actor >= r->nactors) return ag_buf_printf(b, "%zu", actor - r->nactors);
  return json_string(b, r->actors[actor].id);
}

int ag_art_json(const ag_rules *r, const ag_art *a, ag_buf *b) {
  int rc = ag_buf_puts(b, "{\"record\":\"article\",\"article\":");
  if (!rc) rc = json_string(b, AG_ART_S(a, a->id));
  if (!rc) rc = ag_buf_puts(b, ",\"date\":");
  if (!rc) rc = json_string(b, a->date);
  if (a->skipped) return rc ? rc : ag_buf_puts(b, ",\"skipped\":true}\n");
  if (!rc)
    rc = ag_buf_printf(b, ",\"counts\":[%zu,%zu,%zu,%zu,%zu],\"unknown\":[", a->sentences,
                       a->mentions, a->assertions, a->negated, a->hypothetical);
  for (size_t i = 0; i < a->nunk && !rc; i++) {
    rc = ag_buf_puts(b, i ? ",[" : "[");
    if (!rc) rc = json_string(b, AG_ART_S(a, a->unk_name[i]));
    if (!rc) rc = ag_buf_putc(b, ',');
    if (!rc) rc = json_string(b, ag_type_name(a->unk_type[i]));
    if (!rc) rc = ag_buf_putc(b, ']');
  }
  if (!rc) rc = ag_buf_puts(b, "],\"mentions\":[");
  for (size_t i = 0; i < a->nms && !rc; i++) {
    rc = ag_buf_puts(b, i ? ",[" : "[");
    if (!rc) rc = json_actor(b, r, a->ms[i].actor);
    if (!rc) rc = ag_buf_putc(b, ',');
    if (!rc) rc = json_string(b, AG_ART_S(a, a->ms[i].form));
    if (!rc) rc = ag_buf_putc(b, ']');
  }
  if (!rc) rc = ag_buf_puts(b, "],\"edges\":[");
  for (size_t i = 0; i < a->nes && !rc; i++) {
    const ag_art_edge *e = &a->es[i];
    rc = ag_buf_puts(b, i ? ",[" : "[");
    if (!rc) rc = json_actor(b, r, e->src);
    if (!rc) rc = ag_buf_putc(b, ',');
    if (!rc) rc = json_string(b, r->rels[e->rel].name);
    if (!rc) rc = ag_buf_putc(b, ',');
    if (!rc) rc = json_actor(b, r, e->tgt);
    if (!rc) rc = ag_buf_printf(b, ",\"%s\",", MODALITY[e->modality]);
    if (!rc) rc = json_double(b, e->confidence);
    if (!rc) rc = ag_buf_putc(b, ',');
    if (!rc) rc = e->has_amount ? json_double(b, e->amount) : ag_buf_puts(b, "null");
    if (!rc) rc = ag_buf_putc(b, ',');
    if (!rc) rc = json_string(b, e->has_amount ? e->currency : "");
    if (!rc) rc = ag_buf_putc(b, ',');
    if (!rc) rc = e->reporter >= 0 ? json_actor(b, r, (size_t)e->reporter) : ag_buf_puts(b, "null");
    for (int k = 0; k < 2 && !rc; k++) {
      rc = ag_buf_putc(b, ',');
      if (!rc) rc = json_string(b, AG_ART_S(a, e->role[k]));
    }
    if (!rc) rc = ag_buf_putc(b, ',');
    if (!rc) rc = json_string(b, AG_ART_S(a, e->evidence));
    if (!rc) rc = ag_buf_putc(b, ']');
  }
  if (!rc) rc = ag_buf_puts(b, "]}\n");
  return rc;
}

/* After ag_extractor_take_graph an extractor takes no more articles. */
static int spent(const ag_extractor *ex, ag_error *err) {
  return ex->spent ? ag_err_set(err, AG_EUSAGE, NULL, 0, 0,
                                "the extractor gave its graph away already")
                   : 0;
}

int ag_extractor_add_art(ag_extractor *ex, ag_art *art, const char *line, size_t len,
                         ag_error *err) {
  int rc = spent(ex, err);
  if (rc) return rc;
  if (ex->opts.provenance && line && ag_buf_add(&ex->provenance, line, len))
    rc = AG_ENOMEM;
  if (!rc && art) rc = art_apply(ex, art);
  if (rc) ag_err_set(err, rc, NULL, 0, 0, "out of memory");
  return rc;
}

static int json_mention(ag_extractor *ex, ag_buf *b, const char *name, long mi) {
  if (mi < 0) return 0;
  const ag_mention *m = &ex->cur->mr.mentions[mi];
  int rc = span_text(ex, m->first, m->end, &ex->scratch, 200);
  if (!rc) rc = json_field(b, name, ex->scratch.data, 0);
  if (!rc && m->coref && m->actor != UNTRACKED) {
    char key[64];
    snprintf(key, sizeof key, "%s_coreference", name[0] == 's' ? "source" : "target");
    rc = json_field(b, key, ag_actor_at(ex->r, &ex->unk, m->actor)->id, 0);
  }
  return rc;
}

static int write_provenance(ag_extractor *ex, const ag_assertion *as, const char *id,
                            const char *date, size_t off) {
  static const char *const HOW[] = {"pattern", "dictionary affiliation", "reporting frame"};
  ag_buf *b = &ex->provenance;
  const ag_sentence *s = &ex->cur->doc.sents[as->sentence];
  const ag_token *t0 = &ex->cur->doc.toks[s->first], *t1 = &ex->cur->doc.toks[s->first + s->count - 1];
  char rule[400];
  int rc = ag_buf_putc(b, '{');
  if (!rc) rc = json_field(b, "article", id, 1);
  if (!rc) rc = json_field(b, "date", date, 0);
  if (!rc) rc = ag_buf_printf(b, ",\"sentence\":%zu,\"start\":%zu,\"end\":%zu",
                              as->sentence + 1, off + t0->start, off + t1->start + t1->len);
  if (!rc) rc = json_field(b, "source", ag_actor_at(ex->r, &ex->unk, as->source)->id, 0);
  if (!rc) rc = json_field(b, "relation", ex->r->rels[as->relation].name, 0);
  if (!rc) rc = json_field(b, "target", ag_actor_at(ex->r, &ex->unk, as->target)->id, 0);
  if (!rc) rc = json_mention(ex, b, "source_text", as->smention);
  if (!rc) rc = json_mention(ex, b, "target_text", as->tmention);
  if (!rc) rc = json_field(b, "how", HOW[as->how], 0);
  if (!rc && as->pattern) {
    snprintf(rule, sizeof rule, "%s:%d", as->pattern->file, as->pattern->line);
    rc = json_field(b, "rule", rule, 0);
    if (!rc) rc = json_field(b, "pattern", as->pattern->text, 0);
  }
  if (!rc && as->match_end > as->match_first) {
    const ag_token *m0 = &ex->cur->doc.toks[as->match_first];
    const ag_token *m1 = &ex->cur->doc.toks[as->match_end - 1];
    rc = ag_buf_printf(b, ",\"match_start\":%zu,\"match_end\":%zu", off + m0->start,
                       off + m1->start + m1->len);
    if (!rc) rc = span_text(ex, as->match_first, as->match_end, &ex->scratch, 600);
    if (!rc) rc = json_field(b, "matched", ex->scratch.data, 0);
  }
  if (!rc) rc = json_field(b, "modality", MODALITY[as->modality], 0);
  if (!rc) rc = ag_buf_printf(b, ",\"confidence\":%.15g", as->confidence);
  if (!rc && as->reporter >= 0)
    rc = json_field(b, "attributed_by", ag_actor_at(ex->r, &ex->unk, (size_t)as->reporter)->id, 0);
  if (!rc && as->has_amount) {
    rc = ag_buf_printf(b, ",\"amount\":%.15g", as->amount);
    if (!rc) rc = json_field(b, "currency", as->currency, 0);
  }
  if (!rc) rc = span_text(ex, s->first, s->first + s->count, &ex->scratch, 2000);
  if (!rc) rc = json_field(b, "text", ex->scratch.data, 0);
  if (!rc) rc = ag_buf_puts(b, "}\n");
  return rc;
}

int ag_extractor_add(ag_extractor *ex, const char *id, const char *text,
                     size_t len, ag_error *err) {
  return ag_extractor_add_record(ex, id, NULL, text, len, err);
}

_Static_assert(sizeof ((ag_work *)0)->date == sizeof ((ag_record *)0)->date,
               "an article's date is copied whole from its record");

/* Clean, tokenize and match w's text.  Reads only ex->r and ex->opts, so
 * any thread may run it. */
static void match_work(const ag_extractor *ex, ag_work *w, ag_match_scratch *scratch) {
  w->rc = 0;
  w->skipped = 0;
  w->clean = w->clean_id = NULL;
  if (ag_utf8_clean_into(&w->cleanbuf, w->rec.text.data ? w->rec.text.data : "",
                         w->rec.text.len) ||
      ag_utf8_clean_into(&w->idbuf, w->rec.id.data ? w->rec.id.data : "", w->rec.id.len)) {
    w->rc = AG_ENOMEM;
    return;
  }
  w->clean = w->cleanbuf.data;
  w->clean_len = w->cleanbuf.len;
  w->clean_id = w->idbuf.data;
  w->off = 0;
  if (w->known_date) memcpy(w->date, w->rec.date, sizeof w->date); /* both char[11] */
  else w->off = ag_article_date(w->clean, w->clean_len, w->date);
  if (!ag_date_in_window(w->date, ex->opts.since, ex->opts.until)) {
    w->skipped = 1;
    return;
  }
  ag_unknowns_clear(&w->unk);
  ag_match_options mopts = {ex->opts.no_unknown ? NULL : &w->unk, ex->opts.trace,
                            ex->opts.keep_modal, ex->opts.explain, w->off, w->date, scratch};
  if (ex->opts.trace)
    fprintf(ex->opts.trace, "article %s%s%s\n", w->clean_id, w->date[0] ? " " : "", w->date);
  w->doc.max_sentence_tokens = ex->opts.max_sentence_tokens;
  w->rc = ag_doc_parse(&w->doc, w->clean + w->off, w->clean_len - w->off);
  if (!w->rc) w->rc = ag_match_doc(ex->r, &w->doc, &w->mr, &mopts);
}

/* Renumber w's unknown actors into the extractor's numbers (UNTRACKED for
 * those never related), for writing its assertions' provenance. */
static int adopt_unknowns(ag_extractor *ex, ag_work *w) {
  size_t n = w->unk.n, base = ex->r->nactors;
  if (!n) return 0;
  size_t *to = malloc(n * sizeof *to);
  if (!to) return AG_ENOMEM;
  /* only look up: art_apply decided which unknown actors are tracked, and
   * the assertions' ends all are; writing provenance must not track more */
  for (size_t i = 0; i < n; i++) {
    if (tracked_unknown(ex, w->unk.items[i].name, &to[i])) {
      free(to);
      return AG_ENOMEM;
    }
  }
#define MAP(x) ((x) >= base ? to[(x) - base] : (x))
  for (size_t i = 0; i < w->mr.nmentions; i++) w->mr.mentions[i].actor = MAP(w->mr.mentions[i].actor);
  for (size_t i = 0; i < w->mr.nasserts; i++) {
    ag_assertion *as = &w->mr.asserts[i];
    as->source = MAP(as->source);
    as->target = MAP(as->target);
    if (as->reporter >= 0) as->reporter = (long)MAP((size_t)as->reporter);
  }
#undef MAP
  free(to);
  return 0;
}

/* Add a matched article to the graph's counts and edges (through its
 * record, as merge does) and its provenance. */
static int add_work(ag_extractor *ex, ag_work *w, ag_error *err) {
  const char *id = w->clean_id ? w->clean_id : "";
  int rc = w->rc;
  if (rc) return ag_err_set(err, rc, id, 0, 0, "out of memory");
  if ((rc = art_from_work(&ex->art, w))) goto done;
  if (ex->opts.provenance && (rc = ag_art_json(ex->r, &ex->art, &ex->provenance))) goto done;
  if ((rc = art_apply(ex, &ex->art)) || w->skipped || !ex->opts.provenance) goto done;
  /* the assertions' own lines, with the actors renumbered as art_apply did */
  if ((rc = adopt_unknowns(ex, w))) goto done;
  ex->cur = w;
  for (size_t i = 0; i < w->mr.nasserts && !rc; i++)
    rc = write_provenance(ex, &w->mr.asserts[i], id, w->date, w->off);
  ex->cur = NULL;
done:
  if (rc) ag_err_set(err, rc, id, 0, 0, "out of memory");
  return rc;
}

/* The doc points into clean: forget both once the article is added.  A
 * buffer a long article grew past BIG_BUFFER is given back, so that each of
 * a batch's articles does not keep the room of the longest it ever held. */
#define BIG_BUFFER ((size_t)16 << 10)
static void work_release(ag_work *w) {
  w->doc.text = NULL;
  w->clean = w->clean_id = NULL;
  if (w->rec.text.cap > BIG_BUFFER || w->cleanbuf.cap > BIG_BUFFER ||
      w->doc.norm.cap > BIG_BUFFER || w->doc.cap_toks * sizeof *w->doc.toks > BIG_BUFFER ||
      w->mr.scratch.cap_ids * sizeof(uint32_t) > BIG_BUFFER) {
    size_t most = w->doc.max_sentence_tokens;
    ag_buf_destroy(&w->rec.text);
    ag_buf_destroy(&w->cleanbuf);
    ag_doc_destroy(&w->doc);
    ag_doc_init(&w->doc);
    w->doc.max_sentence_tokens = most;
    ag_match_result_destroy(&w->mr);
    ag_match_result_init(&w->mr);
  }
}

int ag_extractor_add_record(ag_extractor *ex, const char *id, const char *known_date,
                            const char *text, size_t len, ag_error *err) {
  ag_work *w = &ex->one;
  if (spent(ex, err)) return AG_EUSAGE;
  ag_buf_clear(&w->rec.id);
  ag_buf_clear(&w->rec.text);
  if (ag_buf_puts(&w->rec.id, id) || ag_buf_add(&w->rec.text, text, len))
    return ag_err_set(err, AG_ENOMEM, id, 0, 0, "out of memory");
  w->known_date = known_date != NULL;
  ag_copy_str(w->rec.date, sizeof w->rec.date, known_date ? known_date : "");
  match_work(ex, w, NULL);
  int rc = add_work(ex, w, err);
  work_release(w);
  return rc;
}

/* ---- many articles on many threads ------------------------------------------ */

/* Articles are read in batches by the calling thread and matched by worker
 * threads.  Two batches are in flight: while the workers match them, the
 * calling thread adds the one before to the graph (in reading order) and
 * reads the next, then matches with them.  A worker that is done with one
 * batch goes on to the next without waiting for the calling thread, so no
 * thread sleeps at a batch's end.  Small batches keep each article's
 * buffers in cache. */
#define BATCH_ARTICLES 64
#define BATCH_BYTES (1u << 20)

typedef struct batch {
  ag_work *works;
  size_t n;
  size_t next, finished; /* of its articles, claimed and matched */
} batch;

/* Where reading stands: the path, and its reader when open. */
typedef struct feed {
  const ag_paths *paths;
  size_t path;
  ag_reader r;
  int open;
} feed;

/* Read up to cap articles (or BATCH_BYTES) into b. */
static int read_batch(ag_extractor *ex, feed *f, batch *b, size_t cap, ag_error *err) {
  size_t bytes = 0;
  b->n = 0;
  while (b->n < cap && bytes < BATCH_BYTES && f->path < f->paths->n) {
    int rc;
    if (!f->open) {
      if ((rc = ag_reader_open(&f->r, f->paths->items[f->path], err))) return rc;
      f->r.max_bytes = ex->opts.max_article_bytes ? ex->opts.max_article_bytes
                                                  : AG_DEFAULT_MAX_ARTICLE;
      f->open = 1;
    }
    ag_work *w = &b->works[b->n];
    int got = ag_reader_next(&f->r, &w->rec, err);
    if (got < 0) return err && err->code ? err->code : AG_EINPUT;
    if (got == 0) {
      if (f->r.binary) {
        ex->counts.binary_skipped++;
        if (ex->opts.warnings)
          fprintf(ex->opts.warnings, "actorgraph: %s: warning: not text (NUL bytes), skipped\n",
                  f->paths->items[f->path]);
      }
      ag_reader_close(&f->r);
      f->open = 0;
      f->path++;
      continue;
    }
    w->known_date = !w->rec.date_in_text;
    w->path = f->path;
    bytes += w->rec.text.len;
    b->n++;
  }
  return 0;
}

/* Add b's matched articles in order; report each path once all its
 * articles are in. */
static int add_batch(ag_extractor *ex, batch *b, size_t *done_paths, ag_progress_fn progress,
                     void *user, ag_error *err) {
  for (size_t i = 0; i < b->n; i++) {
    ag_work *w = &b->works[i];
    for (; progress && *done_paths < w->path; (*done_paths)++) progress(user, *done_paths);
    int rc = add_work(ex, w, err);
    work_release(w);
    if (rc) return rc;
  }
  return 0;
}

#define IN_FLIGHT 2 /* batches dispatched and not yet added */

/* The workers: they take the next article of the oldest batch in flight
 * that has one, and say when a batch's last article is matched. */
typedef struct pool {
  const ag_extractor *ex;
  pthread_mutex_t lock;
  pthread_cond_t work, done;
  batch *q[IN_FLIGHT];  /* in flight, oldest first */
  size_t nq;
  int quit;
} pool;

/* Under the lock: the next article to match, into *b and *i; 0 none. */
static int claim(pool *p, batch **b, size_t *i) {
  for (size_t k = 0; k < p->nq; k++)
    if (p->q[k]->next < p->q[k]->n) {
      *b = p->q[k];
      *i = (*b)->next++;
      return 1;
    }
  return 0;
}

/* Under the lock: one more of b's articles is matched. */
static void matched(pool *p, batch *b) {
  if (++b->finished == b->n) pthread_cond_broadcast(&p->done);
}

static void *worker(void *arg) {
  pool *p = arg;
  ag_match_scratch scratch; /* this thread's matching buffers */
  memset(&scratch, 0, sizeof scratch);
  pthread_mutex_lock(&p->lock);
  for (;;) {
    batch *b;
    size_t i;
    while (!p->quit && !claim(p, &b, &i)) pthread_cond_wait(&p->work, &p->lock);
    if (p->quit) break;
    pthread_mutex_unlock(&p->lock);
    match_work(p->ex, &b->works[i], &scratch);
    pthread_mutex_lock(&p->lock);
    matched(p, b);
  }
  pthread_mutex_unlock(&p->lock);
  ag_match_scratch_destroy(&scratch);
  return NULL;
}

static void dispatch(pool *p, batch *b) {
  pthread_mutex_lock(&p->lock);
  b->next = b->finished = 0;
  p->q[p->nq++] = b;
  pthread_cond_broadcast(&p->work);
  pthread_mutex_unlock(&p->lock);
}

/* The oldest batch in flight, once all its articles are matched; the
 * calling thread matches articles of any batch in flight meanwhile. */
static batch *finish_oldest(pool *p, ag_match_scratch *scratch) {
  pthread_mutex_lock(&p->lock);
  batch *a = p->q[0], *b;
  size_t i;
  while (a->finished < a->n) {
    if (!claim(p, &b, &i)) {
      pthread_cond_wait(&p->done, &p->lock);
      continue;
    }
    pthread_mutex_unlock(&p->lock);
    match_work(p->ex, &b->works[i], scratch);
    pthread_mutex_lock(&p->lock);
    matched(p, b);
  }
  memmove(p->q, p->q + 1, --p->nq * sizeof *p->q);
  pthread_mutex_unlock(&p->lock);
  return a;
}

int ag_default_threads(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > AG_MAX_THREADS ? AG_MAX_THREADS : (int)n;
}

static int alloc_batch(batch *b, size_t cap) {
  b->n = 0;
  if (!(b->works = calloc(cap, sizeof(ag_work)))) return AG_ENOMEM;
  for (size_t i = 0; i < cap; i++) work_init(&b->works[i]);
  return 0;
}

static void free_batch(batch *b, size_t cap) {
  for (size_t i = 0; b->works && i < cap; i++) work_destroy(&b->works[i]);
  free(b->works);
}

int ag_extractor_add_paths(ag_extractor *ex, const ag_paths *paths,
                           ag_progress_fn progress, void *user, ag_error *err) {
  if (spent(ex, err)) return AG_EUSAGE;
  int threads = ex->opts.threads > 0 ? ex->opts.threads : ag_default_threads();
  if (threads > AG_MAX_THREADS) threads = AG_MAX_THREADS;
  if (ex->opts.trace) threads = 1; /* the trace is written while matching */
  size_t cap = threads > 1 ? BATCH_ARTICLES : 1, done_paths = 0;
  feed f = {paths, 0, {0}, 0};
  batch bs[IN_FLIGHT] = {{0}, {0}};
  pool p = {ex, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
            {NULL}, 0, 0};
  pthread_t tid[AG_MAX_THREADS];
  ag_match_scratch scratch; /* the calling thread's matching buffers */
  memset(&scratch, 0, sizeof scratch);
  int started = 0, rc = alloc_batch(&bs[0], cap);
  if (!rc && threads > 1) rc = alloc_batch(&bs[1], cap);
  if (rc) {
    rc = ag_err_set(err, AG_ENOMEM, NULL, 0, 0, "out of memory");
    goto done;
  }
  if (threads == 1) {
    /* one article at a time, all on the calling thread */
    while (!(rc = read_batch(ex, &f, &bs[0], cap, err)) && bs[0].n) {
      match_work(ex, &bs[0].works[0], NULL);
      if ((rc = add_batch(ex, &bs[0], &done_paths, progress, user, err))) break;
    }
    goto done;
  }
  for (; started < threads - 1; started++)
    if (pthread_create(&tid[started], NULL, worker, &p) != 0) break;
  if (!started) {
    rc = ag_err_set(err, AG_ENOMEM, NULL, 0, 0, "cannot start a thread");
    goto done;
  }
  /* both batches in flight; the oldest, once matched, is added and read
   * again.  A batch cut short by a reading error still goes through. */
  int rrc = 0;
  for (int k = 0; k < IN_FLIGHT && !rrc; k++) {
    rrc = read_batch(ex, &f, &bs[k], cap, err);
    if (bs[k].n) dispatch(&p, &bs[k]);
  }
  while (p.nq) {
    batch *a = finish_oldest(&p, &scratch);
    if (!rc && (rc = add_batch(ex, a, &done_paths, progress, user, err)))
      continue; /* the batches still in flight are matched, not added */
    a->n = 0;
    if (!rc && !rrc) {
      rrc = read_batch(ex, &f, a, cap, err);
      if (a->n) dispatch(&p, a);
    }
  }
  if (!rc) rc = rrc;
  pthread_mutex_lock(&p.lock);
  p.quit = 1;
  pthread_cond_broadcast(&p.work);
  pthread_mutex_unlock(&p.lock);
  for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
done:
  if (f.open) ag_reader_close(&f.r);
  if (!rc)
    for (; progress && done_paths < paths->n; done_paths++) progress(user, done_paths);
  free_batch(&bs[0], cap);
  free_batch(&bs[1], cap);
  ag_match_scratch_destroy(&scratch);
  pthread_mutex_destroy(&p.lock);
  pthread_cond_destroy(&p.work);
  pthread_cond_destroy(&p.done);
  return rc;
}

/* ---- building the igraph graph ------------------------------------------------ */

static const ag_rules *g_sort_rules; /* qsort has no context argument in C11 */
static const ag_unknowns *g_sort_unk;
static const edge_rec *g_sort_edges;

static const char *sort_id(size_t i) {
  return ag_actor_at(g_sort_rules, g_sort_unk, i)->id;
}

static int cmp_actor(const void *a, const void *b) {
  return strcmp(sort_id(*(const size_t *)a), sort_id(*(const size_t *)b));
}

static int cmp_edge(const void *a, const void *b) {
  const edge_rec *x = &g_sort_edges[*(const size_t *)a];
  const edge_rec *y = &g_sort_edges[*(const size_t *)b];
  int c = strcmp(sort_id(x->src), sort_id(y->src));
  if (!c) c = strcmp(g_sort_rules->rels[x->rel].name, g_sort_rules->rels[y->rel].name);
  if (!c) c = strcmp(sort_id(x->tgt), sort_id(y->tgt));
  return c;
}

static const char *relation_color(const ag_relation *rel) {
  static const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c",
                                        "#d62728", "#9467bd", "#8c564b",
                                        "#e377c2", "#7f7f7f", "#bcbd22",
                                        "#17becf"};
  if (rel->color) return rel->color;
  unsigned h = 0;
  for (const char *p = rel->name; *p; p++) h = h * 31 + (unsigned char)*p;
  return palette[h % 10];
}


static int set_vertex_attrs(igraph_t *g, ag_extractor *ex, const size_t *order, size_t n,
                            int consume) {
  int rc = 0;
  ag_buf progs;
  ag_buf_init(&progs);
  const ag_rules *r = ex->r;
  for (size_t v = 0; v < n; v++) {
    const ag_actor *a = ag_actor_at(r, &ex->unk, order[v]);
    actor_stat *s = &ex->actors[order[v]];
    igraph_integer_t i = (igraph_integer_t)v;
    double size = 10.0 + 6.0 * log2(1.0 + (double)s->mentions);
    IG(SETVAS(g, "id", i, a->id));
    IG(SETVAS(g, "label", i, a->name));
    IG(SETVAS(g, "actor_type", i, ag_type_name(a->type)));
    IG(SETVAS(g, "color", i, ag_type_color(a->type)));
    IG(SETVAN(g, "size", i, size));
    IG(SETVAN(g, "mentions", i, (double)s->mentions));
    IG(SETVAN(g, "articles", i, (double)s->articles));
    IG(SETVAS(g, "first_seen", i, s->first));
    IG(SETVAS(g, "last_seen", i, s->last));
    IG(SETVAS(g, "aliases", i, s->aliases.data ? s->aliases.data : ""));
    if (consume) ag_buf_destroy(&ex->actors[order[v]].aliases);
    IG(SETVAS(g, "country", i, a->country ? a->country : ""));
    IG(SETVAS(g, "affiliation", i,
              a->affiliation >= 0 ? r->actors[a->affiliation].id : ""));
    IG(SETVAB(g, "known", i, !a->unknown));
    /* a dated code resolves against the latest article naming the actor */
    IG(SETVAS(g, "code", i, ag_actor_code(a, s->last)));
    IG(SETVAB(g, "sanctioned", i, a->nsanctions > 0));
    ag_buf_clear(&progs);
    for (size_t k = 0; k < a->nsanctions; k++) {
      const ag_sanction *sa = &a->sanctions[k];
      if ((progs.len && ag_buf_puts(&progs, " | ")) || ag_buf_puts(&progs, sa->authority) ||
          (sa->program && (ag_buf_putc(&progs, ':') || ag_buf_puts(&progs, sa->program)))) {
        rc = AG_ENOMEM;
        goto done;
      }
    }
    IG(SETVAS(g, "sanction_programs", i, progs.data ? progs.data : ""));
  }
done:
  ag_buf_destroy(&progs);
  return rc;
}

static int set_edge_attrs(igraph_t *g, ag_extractor *ex, const size_t *order, size_t n,
                          int consume) {
  int rc = 0;
  for (size_t k = 0; k < n; k++) {
    edge_rec *e = &ex->edges[order[k]];
    const ag_relation *rel = &ex->r->rels[e->rel];
    igraph_integer_t i = (igraph_integer_t)k;
    IG(SETEAS(g, "relation", i, rel->name));
    IG(SETEAS(g, "label", i, rel->name));
    IG(SETEAN(g, "weight", i, (double)e->mentions));
    IG(SETEAN(g, "mentions", i, (double)e->mentions));
    IG(SETEAN(g, "articles", i, (double)e->articles));
    IG(SETEAS(g, "first_seen", i, e->first));
    IG(SETEAS(g, "last_seen", i, e->last));
    IG(SETEAS(g, "evidence", i, e->evidence ? e->evidence : ""));
    IG(SETEAS(g, "sources", i, e->sources.data ? e->sources.data : ""));
    IG(SETEAS(g, "color", i, relation_color(rel)));
    IG(SETEAS(g, "cameo", i, rel->cameo ? rel->cameo : ""));
    /* a kept hypothetical edge has the class of its intent, if any */
    const char *plover = e->modality == AG_MOD_HYPOTHETICAL && rel->intent ? rel->intent
                         : rel->plover                                     ? rel->plover
                                                                           : "";
    IG(SETEAS(g, "plover", i, plover));
    IG(SETEAS(g, "modality", i, MODALITY[e->modality]));
    IG(SETEAN(g, "confidence", i, e->confidence));
    /* a total only makes sense in one currency; "mixed" keeps the list */
    IG(SETEAN(g, "amount", i,
              e->namounts && strcmp(e->currency, "mixed") != 0 ? e->amount : NAN));
    IG(SETEAS(g, "currency", i, e->currency));
    IG(SETEAS(g, "amounts", i, MORE_S(e, amounts)));
    IG(SETEAS(g, "attributed_by", i, MORE_S(e, attributed)));
    IG(SETEAS(g, "source_role", i, MORE_S(e, roles[0])));
    IG(SETEAS(g, "target_role", i, MORE_S(e, roles[1])));
    IG(SETEAN(g, "symmetric", i, rel->symmetric ? 1.0 : 0.0));
    if (consume) edge_free(e); /* the graph has them now */
  }
done:
  return rc;
}

static int graph_build(ag_graph **out, ag_extractor *ex, int consume, ag_error *err);

int ag_extractor_graph(ag_graph **out, const ag_extractor *ex, ag_error *err) {
  /* builds from ex without changing it */
  return graph_build(out, (ag_extractor *)ex, 0, err);
}

int ag_extractor_take_graph(ag_graph **out, ag_extractor *ex, ag_error *err) {
  return graph_build(out, ex, 1, err);
}

static int graph_build(ag_graph **out, ag_extractor *ex, int consume, ag_error *err) {
  const ag_rules *r = ex->r;
  *out = NULL;
  int rc = spent(ex, err), have_ends = 0;
  if (rc) return rc;
  /* streamed JSON lines: the last of them out, and any failed write known */
  FILE *sink = ex->provenance.sink;
  if (sink && (ag_buf_drain(&ex->provenance) || fflush(sink) != 0))
    return ag_err_set(err, AG_EIO, NULL, 0, 0, "cannot write the JSON lines");
  if (consume) ex->spent = 1;
  size_t *actor_order = NULL, *vertex_of = NULL, *edge_order = NULL, nv = 0;
  igraph_vector_int_t ends;
  ag_graph *g = calloc(1, sizeof *g);
  igraph_setup();
  igraph_reason[0] = '\0';
  size_t nactors = r->nactors + ex->unk.n;
  actor_order = calloc(nactors ? nactors : 1, sizeof(size_t));
  vertex_of = calloc(nactors ? nactors : 1, sizeof(size_t));
  edge_order = calloc(ex->nedges ? ex->nedges : 1, sizeof(size_t));
  if (!g || !actor_order || !vertex_of || !edge_order) {
    rc = AG_ENOMEM;
    goto done;
  }
  /* vertices: actors in an edge (or every mentioned actor), sorted by id */
  for (size_t e = 0; e < ex->nedges; e++)
    vertex_of[ex->edges[e].src] = vertex_of[ex->edges[e].tgt] = 1;
  for (size_t a = 0; a < nactors; a++)
    if (vertex_of[a] ||
        (ex->opts.keep_isolated && a < r->nactors && ex->actors[a].mentions))
      actor_order[nv++] = a;
  g_sort_rules = r;
  g_sort_unk = &ex->unk;
  g_sort_edges = ex->edges;
  qsort(actor_order, nv, sizeof(size_t), cmp_actor);
  for (size_t v = 0; v < nv; v++) vertex_of[actor_order[v]] = v;
  for (size_t e = 0; e < ex->nedges; e++) edge_order[e] = e;
  qsort(edge_order, ex->nedges, sizeof(size_t), cmp_edge);

  if (igraph_vector_int_init(&ends, (igraph_integer_t)(2 * ex->nedges))) {
    rc = AG_EGRAPH;
    goto done;
  }
  have_ends = 1;
  for (size_t k = 0; k < ex->nedges; k++) {
    const edge_rec *e = &ex->edges[edge_order[k]];
    VECTOR(ends)[2 * k] = (igraph_integer_t)vertex_of[e->src];
    VECTOR(ends)[2 * k + 1] = (igraph_integer_t)vertex_of[e->tgt];
  }
  IG(igraph_empty(&g->g, (igraph_integer_t)nv, IGRAPH_DIRECTED));
  g->live = 1;
  IG(igraph_add_edges(&g->g, &ends, NULL));
  if ((rc = set_vertex_attrs(&g->g, ex, actor_order, nv, consume)) ||
      (rc = set_edge_attrs(&g->g, ex, edge_order, ex->nedges, consume)))
    goto done;
  /* a spent extractor's records are not read again: the analysis below
   * need not share memory with them */
  if (consume) release_records(ex);
  if ((rc = ag_extract_options_check(r, &ex->opts, err)) ||
      (rc = ag_graph_filter(&g->g, r, &ex->opts, err)) || (rc = ag_graph_analyze(&g->g))) {
    if (rc == AG_EUSAGE) err = NULL; /* the message is set already */
    goto done;
  }
  if (ex->provenance.len && consume) {
    g->nprovenance = ex->provenance.len;
    g->provenance = ex->provenance.data; /* moved, not copied */
    ag_buf_init(&ex->provenance);
  } else if (ex->provenance.len) {
    if (!(g->provenance = ag_strndup(ex->provenance.data, ex->provenance.len))) {
      rc = AG_ENOMEM;
      goto done;
    }
    g->nprovenance = ex->provenance.len;
  }
  *out = g;
  g = NULL;
done:
  if (rc == AG_ENOMEM)
    ag_err_set(err, rc, NULL, 0, 0, "out of memory");
  else if (rc)
    ag_err_set(err, rc, NULL, 0, 0, "igraph: %s",
               igraph_reason[0] ? igraph_reason : "failed");
  if (have_ends) igraph_vector_int_destroy(&ends);
  ag_graph_free(g);
  free(actor_order);
  free(vertex_of);
  free(edge_order);
  return rc;
}

void ag_graph_free(ag_graph *g) {
  if (!g) return;
  if (g->live) igraph_destroy(&g->g);
  free(g->provenance);
  free(g);
}

size_t ag_graph_node_count(const ag_graph *g) {
  return (size_t)igraph_vcount(&g->g);
}

size_t ag_graph_edge_count(const ag_graph *g) {
  return (size_t)igraph_ecount(&g->g);
}

const char *ag_graph_node_id(const ag_graph *g, size_t i) {
  return VAS(&g->g, "id", (igraph_integer_t)i);
}

const char *ag_graph_node_label(const ag_graph *g, size_t i) {
  return VAS(&g->g, "label", (igraph_integer_t)i);
}

int ag_graph_edge(const ag_graph *g, size_t i, const char **source,
                  const char **relation, const char **target) {
  if (i >= ag_graph_edge_count(g)) return AG_EUSAGE;
  igraph_integer_t e = (igraph_integer_t)i;
  *source = VAS(&g->g, "id", IGRAPH_FROM(&g->g, e));
  *target = VAS(&g->g, "id", IGRAPH_TO(&g->g, e));
  *relation = EAS(&g->g, "relation", e);
  return 0;
}

const void *ag_graph_igraph(const ag_graph *g) { return &g->g; }

const char *ag_graph_provenance(const ag_graph *g, size_t *len) {
  if (len) *len = g->nprovenance;
  return g->provenance ? g->provenance : "";
}
