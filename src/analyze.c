/* Analyze stage: filters that cut the built graph down to what an analyst
 * asked for (relations, weight, an actor's neighbourhood, the largest
 * component), then the measures igraph computes on what is left: degrees,
 * weighted PageRank, betweenness and communities.  Everything here is
 * deterministic: igraph keeps vertex and edge order when it deletes, and the
 * one randomised algorithm (multilevel communities) runs from a fixed seed. */
#include "internal.h"

#include <igraph.h>
#include <math.h>
#include <string.h>


/* ---- checking the options --------------------------------------------------- */

/* YYYY, YYYY-MM or YYYY-MM-DD */
static int is_partial_date(const char *s) {
  size_t n = strlen(s);
  if (n != 4 && n != 7 && n != 10) return 0;
  for (size_t i = 0; i < n; i++) {
    int dash = i == 4 || i == 7;
    if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return 0;
  }
  int month = n >= 7 ? (s[5] - '0') * 10 + (s[6] - '0') : 1;
  int day = n == 10 ? (s[8] - '0') * 10 + (s[9] - '0') : 1;
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

int ag_date_in_window(const char *date, const char *since, const char *until) {
  if (!since && !until) return 1;
  if (!date || !date[0]) return 0;
  if (since && strncmp(date, since, strlen(since)) < 0) return 0;
  if (until && strncmp(date, until, strlen(until)) > 0) return 0;
  return 1;
}

long ag_rules_relation(const ag_rules *r, const char *name, size_t n) {
  for (size_t i = 0; i < r->nrels; i++)
    if (strlen(r->rels[i].name) == n && strncmp(r->rels[i].name, name, n) == 0)
      return (long)i;
  return -1;
}

int ag_extract_options_check(const ag_rules *r, const ag_extract_options *o,
                             ag_error *err) {
  if (o->since && !is_partial_date(o->since))
    return ag_err_set(err, AG_EUSAGE, NULL, 0, 0,
                      "--since: '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
                      o->since);
  if (o->until && !is_partial_date(o->until))
    return ag_err_set(err, AG_EUSAGE, NULL, 0, 0,
                      "--until: '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
                      o->until);
  if (o->since && o->until && strcmp(o->since, o->until) > 0 &&
      strncmp(o->since, o->until, strlen(o->until)) != 0)
    return ag_err_set(err, AG_EUSAGE, NULL, 0, 0, "--since %s is after --until %s",
                      o->since, o->until);
  if (o->depth < 0)
    return ag_err_set(err, AG_EUSAGE, NULL, 0, 0, "--depth must be 0 or more");
  if (o->min_weight < 0 || isnan(o->min_weight))
    return ag_err_set(err, AG_EUSAGE, NULL, 0, 0, "--min-weight must be 0 or more");
  if (o->focus && !o->focus[0])
    return ag_err_set(err, AG_EUSAGE, NULL, 0, 0, "--focus needs an actor");
  for (const char *p = o->relations; p && *p;) {
    size_t n = strcspn(p, ",");
    if (n && ag_rules_relation(r, p, n) < 0)
      return ag_err_set(err, AG_EUSAGE, NULL, 0, 0,
                        "--relation: no relation '%.*s' in the rules (see "
                        "actorgraph check)",
                        (int)n, p);
    p += n + (p[n] == ',');
  }
  return 0;
}

/* ---- filters ---------------------------------------------------------------- */

static int relation_wanted(const char *list, const char *name) {
  size_t len = strlen(name);
  for (const char *p = list; *p;) {
    size_t n = strcspn(p, ",");
    if (n == len && strncmp(p, name, n) == 0) return 1;
    p += n + (p[n] == ',');
  }
  return 0;
}

/* Replace *g by the subgraph of its kept edges and of the vertices they
 * touch (all vertices when keep_all). */
static int keep_edges(igraph_t *g, const igraph_vector_int_t *eids,
                      int keep_all) {
  igraph_t sub;
  igraph_es_t es;
  if (igraph_es_vector(&es, eids)) return AG_EGRAPH;
  int rc = igraph_subgraph_edges(g, &sub, es, !keep_all) ? AG_EGRAPH : 0;
  igraph_es_destroy(&es);
  if (rc) return rc;
  igraph_destroy(g);
  *g = sub;
  return 0;
}

static int keep_vertices(igraph_t *g, const igraph_vector_int_t *vids) {
  igraph_t sub;
  igraph_vs_t vs;
  if (igraph_vs_vector(&vs, vids)) return AG_EGRAPH;
  int rc = igraph_induced_subgraph(g, &sub, vs, IGRAPH_SUBGRAPH_COPY_AND_DELETE)
               ? AG_EGRAPH
               : 0;
  igraph_vs_destroy(&vs);
  if (rc) return rc;
  igraph_destroy(g);
  *g = sub;
  return 0;
}

/* s lower-cased and without white space, into b: names compare this way,
 * as aliases are kept as tokens ("B-Team" is "b", "-", "team"). */
static int normalise(ag_buf *b, const char *s) {
  ag_buf_clear(b);
  int rc = ag_lower(b, s, strlen(s));
  if (rc) return rc;
  size_t w = 0;
  for (size_t i = 0; i < b->len; i++)
    if (!strchr(" \t\r\n", b->data[i])) b->data[w++] = b->data[i];
  b->len = w;
  if (b->data) b->data[w] = '\0';
  return 0;
}

static int alias_is(const ag_alias *a, const char *want, ag_buf *tmp) {
  ag_buf_clear(tmp);
  for (size_t i = 0; i < a->n; i++)
    if (ag_buf_puts(tmp, a->words[i])) return 0;
  return tmp->data && strcmp(tmp->data, want) == 0;
}

/* Mark the vertices the focus names: by id, by label, or through any alias
 * of a dictionary actor.  Returns how many it found. */
static int focus_seeds(const igraph_t *g, const ag_rules *r, const char *focus,
                       igraph_vector_int_t *seeds) {
  ag_buf want, tmp;
  ag_buf_init(&want);
  ag_buf_init(&tmp);
  int rc = normalise(&want, focus) ? AG_ENOMEM : 0;
  igraph_integer_t nv = igraph_vcount(g);
  for (igraph_integer_t v = 0; v < nv && !rc; v++) {
    int hit = strcmp(VAS(g, "id", v), focus) == 0;
    if (!hit && !(rc = normalise(&tmp, VAS(g, "label", v) ? VAS(g, "label", v) : "")))
      hit = tmp.data && strcmp(tmp.data, want.data ? want.data : "") == 0;
    for (size_t k = 0; !hit && !rc && k < r->naliases; k++) {
      const ag_alias *a = &r->aliases[k];
      if (a->disabled) continue;
      size_t owner = a->resolves >= 0 ? (size_t)a->resolves : a->actor;
      if (strcmp(r->actors[owner].id, VAS(g, "id", v)) == 0 && want.data)
        hit = alias_is(a, want.data, &tmp);
    }
    if (hit && !rc && igraph_vector_int_push_back(seeds, v)) rc = AG_EGRAPH;
  }
  ag_buf_destroy(&want);
  ag_buf_destroy(&tmp);
  return rc;
}

static int focus_on(igraph_t *g, const ag_rules *r, const ag_extract_options *o,
                    ag_error *err) {
  igraph_vector_int_t seeds, keep;
  igraph_vector_int_list_t hoods;
  int rc = 0, have_seeds = 0, have_keep = 0, have_hoods = 0;
  IG(igraph_vector_int_init(&seeds, 0));
  have_seeds = 1;
  if ((rc = focus_seeds(g, r, o->focus, &seeds))) goto done;
  if (igraph_vector_int_size(&seeds) == 0) {
    rc = ag_err_set(err, AG_EUSAGE, NULL, 0, 0,
                    "--focus: no actor '%s' in the graph (give its id, name or "
                    "an alias)",
                    o->focus);
    goto done;
  }
  IG(igraph_vector_int_list_init(&hoods, 0));
  have_hoods = 1;
  IG(igraph_neighborhood(g, &hoods, igraph_vss_vector(&seeds),
                         o->depth ? o->depth : 1, IGRAPH_ALL, 0));
  igraph_integer_t nv = igraph_vcount(g);
  IG(igraph_vector_int_init(&keep, 0));
  have_keep = 1;
  {
    char *in = calloc((size_t)nv + 1, 1);
    if (!in) {
      rc = AG_ENOMEM;
      goto done;
    }
    for (igraph_integer_t h = 0; h < igraph_vector_int_list_size(&hoods); h++) {
      igraph_vector_int_t *hood = igraph_vector_int_list_get_ptr(&hoods, h);
      for (igraph_integer_t i = 0; i < igraph_vector_int_size(hood); i++)
        in[VECTOR(*hood)[i]] = 1;
    }
    for (igraph_integer_t v = 0; v < nv && !rc; v++)
      if (in[v] && igraph_vector_int_push_back(&keep, v)) rc = AG_EGRAPH;
    free(in);
    if (rc) goto done;
  }
  rc = keep_vertices(g, &keep);
done:
  if (have_seeds) igraph_vector_int_destroy(&seeds);
  if (have_keep) igraph_vector_int_destroy(&keep);
  if (have_hoods) igraph_vector_int_list_destroy(&hoods);
  return rc;
}

/* The largest weakly connected component; of equal ones, the one holding
 * the vertex that sorts first. */
static int largest_component(igraph_t *g) {
  igraph_vector_int_t membership = {0}, csize = {0}, keep = {0};
  igraph_integer_t ncomp = 0, nv = igraph_vcount(g);
  int rc = 0;
  if (nv == 0) return 0;
  IG(igraph_vector_int_init(&membership, 0));
  IG(igraph_vector_int_init(&csize, 0));
  IG(igraph_vector_int_init(&keep, 0));
  IG(igraph_connected_components(g, &membership, &csize, &ncomp, IGRAPH_WEAK));
  igraph_integer_t best = VECTOR(membership)[0];
  for (igraph_integer_t v = 1; v < nv; v++) {
    igraph_integer_t c = VECTOR(membership)[v];
    if (VECTOR(csize)[c] > VECTOR(csize)[best]) best = c;
  }
  for (igraph_integer_t v = 0; v < nv; v++)
    if (VECTOR(membership)[v] == best) IG(igraph_vector_int_push_back(&keep, v));
  rc = keep_vertices(g, &keep);
done:
  igraph_vector_int_destroy(&membership);
  igraph_vector_int_destroy(&csize);
  igraph_vector_int_destroy(&keep);
  return rc;
}

int ag_graph_filter(igraph_t *g, const ag_rules *r, const ag_extract_options *o,
                    ag_error *err) {
  int rc = 0;
  if (o->relations || o->min_weight > 0) {
    igraph_vector_int_t eids;
    if (igraph_vector_int_init(&eids, 0)) return AG_EGRAPH;
    igraph_integer_t ne = igraph_ecount(g);
    for (igraph_integer_t e = 0; e < ne && !rc; e++) {
      if (o->relations && !relation_wanted(o->relations, EAS(g, "relation", e))) continue;
      if (EAN(g, "weight", e) < o->min_weight) continue;
      if (igraph_vector_int_push_back(&eids, e)) rc = AG_EGRAPH;
    }
    if (!rc) rc = keep_edges(g, &eids, o->keep_isolated);
    igraph_vector_int_destroy(&eids);
    if (rc) return rc;
  }
  if (o->focus && (rc = focus_on(g, r, o, err))) return rc;
  if (o->largest_component) rc = largest_component(g);
  return rc;
}

/* ---- measures ---------------------------------------------------------------- */

typedef struct community {
  igraph_integer_t id, size, first;
} community;

static int cmp_community(const void *a, const void *b) {
  const community *x = a, *y = b;
  if (x->size != y->size) return x->size > y->size ? -1 : 1;
  return (x->first > y->first) - (x->first < y->first);
}

/* Multilevel (Louvain) communities of the undirected, weighted projection:
 * one undirected edge per connected pair with the summed weights.  Numbered
 * by size, largest first (ties: the community of the first vertex first),
 * so the numbers do not depend on the algorithm's internal labels. */
static int communities(const igraph_t *g, igraph_vector_int_t *out) {
  igraph_integer_t nv = igraph_vcount(g), ne = igraph_ecount(g);
  igraph_t u;
  igraph_vector_int_t ends = {0}, membership = {0};
  igraph_vector_t w = {0};
  int rc = 0, have_u = 0;
  community *cs = NULL;
  igraph_integer_t *rank = NULL;
  IG(igraph_vector_int_init(&ends, 0));
  IG(igraph_vector_int_init(&membership, 0));
  IG(igraph_vector_init(&w, 0));
  /* parallel edges (two relations between one pair) count as summed weights */
  for (igraph_integer_t e = 0; e < ne; e++) {
    igraph_integer_t a = IGRAPH_FROM(g, e), b = IGRAPH_TO(g, e);
    if (a == b) continue;
    IG(igraph_vector_int_push_back(&ends, a < b ? a : b));
    IG(igraph_vector_int_push_back(&ends, a < b ? b : a));
    IG(igraph_vector_push_back(&w, EAN(g, "weight", e)));
  }
  IG(igraph_create(&u, &ends, nv, IGRAPH_UNDIRECTED));
  have_u = 1;
  igraph_rng_seed(igraph_rng_default(), 20261127);
  IG(igraph_community_multilevel(&u, &w, 1.0, &membership, NULL, NULL));
  cs = calloc((size_t)nv, sizeof *cs);
  rank = calloc((size_t)nv, sizeof *rank);
  if (!cs || !rank) {
    rc = AG_ENOMEM;
    goto done;
  }
  for (igraph_integer_t c = 0; c < nv; c++) cs[c] = (community){c, 0, nv};
  for (igraph_integer_t v = 0; v < nv; v++) {
    community *c = &cs[VECTOR(membership)[v]];
    if (c->size++ == 0) c->first = v;
  }
  qsort(cs, (size_t)nv, sizeof *cs, cmp_community);
  for (igraph_integer_t i = 0; i < nv; i++) rank[cs[i].id] = i;
  IG(igraph_vector_int_resize(out, nv));
  for (igraph_integer_t v = 0; v < nv; v++) VECTOR(*out)[v] = rank[VECTOR(membership)[v]];
done:
  free(cs);
  free(rank);
  if (have_u) igraph_destroy(&u);
  igraph_vector_int_destroy(&ends);
  igraph_vector_destroy(&w);
  igraph_vector_int_destroy(&membership);
  return rc;
}

/* Exact betweenness costs actors x edges.  Above this it is estimated from
 * the shortest paths of evenly spaced source actors (Brandes and Pich's
 * pivots; deterministic: the same actors every run), scaled to the whole
 * graph: tens of thousands of actors would otherwise take longer than
 * reading the corpus. */
#define AG_BETWEENNESS_BUDGET 1e8

static int betweenness(const igraph_t *g, igraph_vector_t *out) {
  igraph_integer_t nv = igraph_vcount(g), ne = igraph_ecount(g);
  if ((double)nv * (double)(ne + nv) <= AG_BETWEENNESS_BUDGET)
    return igraph_betweenness(g, out, igraph_vss_all(), 1, NULL) ? AG_EGRAPH : 0;
  igraph_integer_t k = (igraph_integer_t)(AG_BETWEENNESS_BUDGET / (double)(ne + nv));
  if (k < 64) k = 64;
  if (k > nv) k = nv;
  igraph_vector_int_t pivots = {0};
  int rc = 0;
  IG(igraph_vector_int_init(&pivots, k));
  for (igraph_integer_t i = 0; i < k; i++) VECTOR(pivots)[i] = (igraph_integer_t)((double)i * (double)nv / (double)k);
  IG(igraph_betweenness_subset(g, out, igraph_vss_all(), 1, igraph_vss_vector(&pivots),
                               igraph_vss_all(), NULL));
  for (igraph_integer_t v = 0; v < nv; v++) VECTOR(*out)[v] *= (double)nv / (double)k;
done:
  igraph_vector_int_destroy(&pivots);
  return rc;
}

int ag_graph_analyze(igraph_t *g) {
  igraph_integer_t nv = igraph_vcount(g), ne = igraph_ecount(g);
  /* zeroed, so destroying one that was never initialised is a no-op and one
   * exit frees them all */
  igraph_vector_int_t din = {0}, dout = {0}, comm = {0};
  igraph_vector_t pr = {0}, btw = {0}, w = {0};
  int rc = 0;
  IG(igraph_vector_int_init(&din, 0));
  IG(igraph_vector_int_init(&dout, 0));
  IG(igraph_vector_int_init(&comm, 0));
  IG(igraph_vector_init(&pr, 0));
  IG(igraph_vector_init(&btw, 0));
  IG(igraph_vector_init(&w, ne));
  if (nv == 0) goto done;
  for (igraph_integer_t e = 0; e < ne; e++) VECTOR(w)[e] = EAN(g, "weight", e);
  IG(igraph_degree(g, &din, igraph_vss_all(), IGRAPH_IN, 1));
  IG(igraph_degree(g, &dout, igraph_vss_all(), IGRAPH_OUT, 1));
  IG(igraph_pagerank(g, IGRAPH_PAGERANK_ALGO_PRPACK, &pr, NULL, igraph_vss_all(),
                     1, 0.85, &w, NULL));
  /* weights are mention counts, i.e. strengths, not distances: betweenness
   * counts hops */
  if ((rc = betweenness(g, &btw))) goto done;
  if ((rc = communities(g, &comm))) goto done;
  double top = 0;
  for (igraph_integer_t v = 0; v < nv; v++)
    if (VECTOR(pr)[v] > top) top = VECTOR(pr)[v];
  for (igraph_integer_t v = 0; v < nv; v++) {
    double p = VECTOR(pr)[v];
    IG(SETVAN(g, "in_degree", v, (double)VECTOR(din)[v]));
    IG(SETVAN(g, "out_degree", v, (double)VECTOR(dout)[v]));
    IG(SETVAN(g, "degree", v, (double)(VECTOR(din)[v] + VECTOR(dout)[v])));
    /* rounded so the last bits of the solver never show in the files */
    IG(SETVAN(g, "pagerank", v, round(p * 1e9) / 1e9));
    IG(SETVAN(g, "betweenness", v, round(VECTOR(btw)[v] * 1e6) / 1e6));
    IG(SETVAN(g, "community", v, (double)VECTOR(comm)[v]));
    /* Gephi-like sizes from 10 to 50, by the square root of relative PageRank */
    IG(SETVAN(g, "size", v,
              top > 0 ? round((10.0 + 40.0 * sqrt(p / top)) * 100) / 100 : 10.0));
  }
done:
  igraph_vector_int_destroy(&din);
  igraph_vector_int_destroy(&dout);
  igraph_vector_int_destroy(&comm);
  igraph_vector_destroy(&pr);
  igraph_vector_destroy(&btw);
  igraph_vector_destroy(&w);
  return rc;
}
