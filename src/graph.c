/* Graph stage: assertions of many articles -> aggregated edges -> an igraph
 * graph whose vertex and edge attributes the exporters read. */
#include "internal.h"

#include <igraph.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EVIDENCE 300
#define MAX_ALIASES_SHOWN 12

typedef struct actor_stat {
  size_t mentions, articles, last_article;
  char first[11], last[11];
  ag_buf aliases;  /* " | "-joined surface forms */
  size_t naliases;
} actor_stat;

typedef struct edge_rec {
  size_t src, rel, tgt;
  size_t mentions, articles, last_article;
  int modality;        /* the strongest of its mentions: AG_MOD_* */
  double confidence;   /* the highest of its mentions */
  double amount;       /* total money over its mentions */
  char currency[8];    /* "" none, "mixed" when currencies differ */
  ag_buf amounts;      /* each amount, " | "-joined */
  size_t namounts;
  ag_buf attributed;   /* ids of who reported it, " | "-joined */
  ag_buf roles[2];     /* role words of the source and target mentions */
  char first[11], last[11];
  char *evidence;
  ag_buf sources;
} edge_rec;

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
  ag_doc doc;
  ag_match_result mr;
  ag_buf provenance;   /* JSON lines, when opts.provenance */
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
    snprintf(igraph_reason, sizeof igraph_reason, "%s", reason);
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

const ag_rules *ag_extractor_rules(const ag_extractor *ex) { return ex->r; }

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
  ag_doc_init(&ex->doc);
  ag_match_result_init(&ex->mr);
  ag_map_init(&ex->edge_index);
  *out = ex;
  return 0;
}

void ag_extractor_free(ag_extractor *ex) {
  if (!ex) return;
  for (size_t i = 0; i < ex->nstats; i++)
    ag_buf_destroy(&ex->actors[i].aliases);
  free(ex->actors);
  ag_unknowns_destroy(&ex->unk);
  for (size_t i = 0; i < ex->nedges; i++) {
    free(ex->edges[i].evidence);
    ag_buf_destroy(&ex->edges[i].sources);
    ag_buf_destroy(&ex->edges[i].amounts);
    ag_buf_destroy(&ex->edges[i].attributed);
    ag_buf_destroy(&ex->edges[i].roles[0]);
    ag_buf_destroy(&ex->edges[i].roles[1]);
  }
  free(ex->edges);
  ag_map_destroy(&ex->edge_index);
  ag_doc_destroy(&ex->doc);
  ag_match_result_destroy(&ex->mr);
  ag_buf_destroy(&ex->provenance);
  ag_buf_destroy(&ex->scratch);
  free(ex);
}

void ag_extractor_get_counts(const ag_extractor *ex, ag_extract_counts *c) {
  *c = ex->counts;
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

static int count_mentions(ag_extractor *ex, size_t article, const char *date) {
  ag_buf form;
  ag_buf_init(&form);
  int rc = 0;
  for (size_t i = 0; i < ex->mr.nmentions && !rc; i++) {
    const ag_mention *m = &ex->mr.mentions[i];
    if (m->coref) continue; /* "it" is no name of the actor it points to */
    actor_stat *a = &ex->actors[m->actor];
    const ag_token *t0 = &ex->doc.toks[m->first];
    const ag_token *t1 = &ex->doc.toks[m->alias_end - 1];
    a->mentions++;
    if (a->articles == 0 || a->last_article != article) {
      a->articles++;
      a->last_article = article;
    }
    see_date(a->first, a->last, date);
    rc = ag_squeeze(&form, ex->doc.text + t0->start,
                    t1->start + t1->len - t0->start, 80);
    if (!rc) rc = see_alias(a, form.data, form.len);
  }
  ag_buf_destroy(&form);
  return rc;
}

/* The sentence of as becomes the edge's evidence. */
static int set_evidence(ag_extractor *ex, edge_rec *e, const ag_assertion *as) {
  const ag_sentence *s = &ex->doc.sents[as->sentence];
  const ag_token *t0 = &ex->doc.toks[s->first];
  const ag_token *t1 = &ex->doc.toks[s->first + s->count - 1];
  ag_buf ev;
  ag_buf_init(&ev);
  if (ag_squeeze(&ev, ex->doc.text + t0->start, t1->start + t1->len - t0->start,
                 MAX_EVIDENCE)) {
    ag_buf_destroy(&ev);
    return AG_ENOMEM;
  }
  free(e->evidence);
  e->evidence = ev.data;
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

/* Text of tokens [from, to) of the current article, whitespace squeezed. */
static int span_text(ag_extractor *ex, size_t from, size_t to, ag_buf *out,
                     size_t max) {
  ag_buf_clear(out);
  if (from >= to) return ag_buf_add(out, "", 0);
  const ag_token *a = &ex->doc.toks[from], *b = &ex->doc.toks[to - 1];
  return ag_squeeze(out, ex->doc.text + a->start, b->start + b->len - a->start, max);
}

/* The role words of a mention: "hackers" in "North Korean hackers". */
static int role_text(ag_extractor *ex, const ag_mention *m, ag_buf *out) {
  return span_text(ex, m->alias_end, m->end, out, 80);
}

#define MAX_AMOUNTS_SHOWN 20

static int add_amount(edge_rec *e, const ag_assertion *as) {
  e->amount += as->amount;
  if (!e->currency[0]) memcpy(e->currency, as->currency, sizeof e->currency);
  else if (strcmp(e->currency, as->currency) != 0) strcpy(e->currency, "mixed");
  if (e->namounts++ >= MAX_AMOUNTS_SHOWN) return 0;
  return ag_buf_printf(&e->amounts, "%s%.15g %s", e->amounts.len ? " | " : "",
                       as->amount, as->currency);
}

static int add_edge(ag_extractor *ex, const ag_assertion *as, size_t article,
                    const char *id, const char *date) {
  int rc;
  char key[64];
  int n = snprintf(key, sizeof key, "%zu %zu %zu", as->source, as->relation,
                   as->target);
  size_t idx;
  if (!ag_map_get(&ex->edge_index, key, (size_t)n, &idx)) {
    if (AG_GROW(ex->edges, ex->cap_edges, ex->nedges + 1)) return AG_ENOMEM;
    idx = ex->nedges;
    edge_rec *e = &ex->edges[idx];
    memset(e, 0, sizeof *e);
    e->src = as->source;
    e->rel = as->relation;
    e->tgt = as->target;
    if ((rc = set_evidence(ex, e, as))) return rc;
    if (ag_map_put(&ex->edge_index, key, (size_t)n, idx)) return AG_ENOMEM;
    ex->nedges++;
  }
  edge_rec *e = &ex->edges[idx];
  if (e->mentions == 0 || as->modality < e->modality) {
    if (e->mentions && (rc = set_evidence(ex, e, as))) return rc;
    e->modality = as->modality;
  }
  if (as->confidence > e->confidence) e->confidence = as->confidence;
  if (as->has_amount && (rc = add_amount(e, as))) return rc;
  if (as->reporter >= 0 &&
      (rc = add_unique(&e->attributed, ag_actor_at(ex->r, &ex->unk, (size_t)as->reporter)->id)))
    return rc;
  long ms[2] = {as->smention, as->tmention};
  for (int k = 0; k < 2; k++) {
    if (ms[k] < 0) continue;
    if ((rc = role_text(ex, &ex->mr.mentions[ms[k]], &ex->scratch))) return rc;
    if (ex->scratch.len && (rc = add_unique(&e->roles[k], ex->scratch.data))) return rc;
  }
  e->mentions++;
  if (e->articles == 0 || e->last_article != article) {
    e->articles++;
    e->last_article = article;
    if ((e->sources.len && ag_buf_puts(&e->sources, " | ")) ||
        ag_buf_puts(&e->sources, id))
      return AG_ENOMEM;
  }
  see_date(e->first, e->last, date);
  return 0;
}

/* ---- provenance: one JSON object per assertion ------------------------------ */

static int json_field(ag_buf *b, const char *name, const char *value, int first) {
  int rc = ag_buf_printf(b, "%s\"%s\":\"", first ? "" : ",", name);
  if (!rc) rc = ag_json_escape(b, value);
  if (!rc) rc = ag_buf_putc(b, '"');
  return rc;
}

static int json_mention(ag_extractor *ex, ag_buf *b, const char *name, long mi) {
  if (mi < 0) return 0;
  const ag_mention *m = &ex->mr.mentions[mi];
  int rc = span_text(ex, m->first, m->end, &ex->scratch, 200);
  if (!rc) rc = json_field(b, name, ex->scratch.data, 0);
  if (!rc && m->coref) {
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
  const ag_sentence *s = &ex->doc.sents[as->sentence];
  const ag_token *t0 = &ex->doc.toks[s->first], *t1 = &ex->doc.toks[s->first + s->count - 1];
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
    const ag_token *m0 = &ex->doc.toks[as->match_first];
    const ag_token *m1 = &ex->doc.toks[as->match_end - 1];
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
  size_t clean_len, id_len;
  char *clean = ag_utf8_clean(text, len, &clean_len);
  char *clean_id = ag_utf8_clean(id, strlen(id), &id_len);
  char date[11];
  int rc = 0;
  if (!clean || !clean_id) {
    rc = ag_err_set(err, AG_ENOMEM, id, 0, 0, "out of memory");
    goto done;
  }
  size_t off = ag_article_date(clean, clean_len, date);
  ag_match_options mopts = {ex->opts.no_unknown ? NULL : &ex->unk, ex->opts.trace,
                            ex->opts.keep_modal, ex->opts.explain, off, date};
  size_t article = ex->counts.articles++;
  if (ex->opts.trace)
    fprintf(ex->opts.trace, "article %s%s%s\n", clean_id, date[0] ? " " : "", date);
  if ((rc = ag_doc_parse(&ex->doc, clean + off, clean_len - off)) ||
      (rc = ag_match_doc(ex->r, &ex->doc, &ex->mr, &mopts)) ||
      (rc = grow_stats(ex)) ||
      (rc = count_mentions(ex, article, date))) {
    ag_err_set(err, rc, id, 0, 0, "out of memory");
    goto done;
  }
  ex->counts.sentences += ex->doc.nsents;
  ex->counts.mentions += ex->mr.nmentions;
  ex->counts.assertions += ex->mr.nasserts;
  ex->counts.dropped_negated += ex->mr.dropped_negated;
  ex->counts.dropped_hypothetical += ex->mr.dropped_hypothetical;
  for (size_t i = 0; i < ex->mr.nasserts && !rc; i++) {
    rc = add_edge(ex, &ex->mr.asserts[i], article, clean_id, date);
    if (!rc && ex->opts.provenance)
      rc = write_provenance(ex, &ex->mr.asserts[i], clean_id, date, off);
  }
  if (rc) ag_err_set(err, rc, id, 0, 0, "out of memory");
done:
  /* the doc points into clean: forget it before freeing */
  ex->doc.text = NULL;
  free(clean);
  free(clean_id);
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

#define IG(call)                      \
  do {                                \
    if ((call) != IGRAPH_SUCCESS) {   \
      rc = AG_EGRAPH;                 \
      goto done;                      \
    }                                 \
  } while (0)

static int set_vertex_attrs(igraph_t *g, const ag_extractor *ex,
                            const size_t *order, size_t n) {
  int rc = 0;
  ag_buf progs;
  ag_buf_init(&progs);
  const ag_rules *r = ex->r;
  for (size_t v = 0; v < n; v++) {
    const ag_actor *a = ag_actor_at(r, &ex->unk, order[v]);
    const actor_stat *s = &ex->actors[order[v]];
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

static int set_edge_attrs(igraph_t *g, const ag_extractor *ex,
                          const size_t *order, size_t n) {
  int rc = 0;
  for (size_t k = 0; k < n; k++) {
    const edge_rec *e = &ex->edges[order[k]];
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
    IG(SETEAS(g, "amounts", i, e->amounts.data ? e->amounts.data : ""));
    IG(SETEAS(g, "attributed_by", i, e->attributed.data ? e->attributed.data : ""));
    IG(SETEAS(g, "source_role", i, e->roles[0].data ? e->roles[0].data : ""));
    IG(SETEAS(g, "target_role", i, e->roles[1].data ? e->roles[1].data : ""));
    IG(SETEAN(g, "symmetric", i, rel->symmetric ? 1.0 : 0.0));
  }
done:
  return rc;
}

int ag_extractor_graph(ag_graph **out, const ag_extractor *ex, ag_error *err) {
  const ag_rules *r = ex->r;
  size_t *actor_order = NULL, *vertex_of = NULL, *edge_order = NULL, nv = 0;
  igraph_vector_int_t ends;
  int rc = 0, have_ends = 0;
  ag_graph *g = calloc(1, sizeof *g);
  *out = NULL;
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
  if ((rc = set_vertex_attrs(&g->g, ex, actor_order, nv)) ||
      (rc = set_edge_attrs(&g->g, ex, edge_order, ex->nedges)))
    goto done;
  if (ex->provenance.len) {
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
