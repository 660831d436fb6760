/* Merge stage: the reduce of a map/reduce run.  `extract -o part.jsonl`
 * writes, for each article, a record line ("record":"article": its counts,
 * unknown actors, the names it mentions and what its assertions add) before
 * the article's assertion lines.  Reading the records of every shard in
 * order and adding them as extraction does gives the graph a single run
 * over all the articles gives, byte for byte. */
#include "internal.h"

#include <string.h>

typedef struct merger {
  const ag_rules *r;
  ag_art *art;
  ag_json p;
  ag_buf tmp;
  size_t ncounts; /* numbers read of "counts" */
  const char *err;
} merger;

static int fail(merger *m, const char *msg) {
  if (!m->err) m->err = m->p.err ? m->p.err : msg;
  return -1;
}

static int want(merger *m, char c, const char *msg) {
  return ag_json_char(&m->p, c) ? 0 : fail(m, msg);
}

static int string(merger *m, size_t *off) {
  ag_buf_clear(&m->tmp);
  if (ag_json_string(&m->p, &m->tmp)) return fail(m, "a string was expected");
  if (ag_art_str(m->art, m->tmp.data ? m->tmp.data : "", m->tmp.len, off))
    return fail(m, "out of memory");
  return 0;
}

static int count(merger *m, size_t *v) {
  double d;
  if (ag_json_number(&m->p, &d) || d < 0 || d != (double)(size_t)d)
    return fail(m, "a count was expected");
  *v = (size_t)d;
  return 0;
}

/* A dictionary actor by id, or an unknown actor by its index in the
 * record's "unknown" list (checked once the record is read). */
static int actor(merger *m, size_t *out) {
  ag_json_ws(&m->p);
  if (m->p.s < m->p.end && *m->p.s == '"') {
    size_t idx;
    ag_buf_clear(&m->tmp);
    if (ag_json_string(&m->p, &m->tmp)) return fail(m, "an actor was expected");
    if (!ag_map_get(&m->r->actor_index, m->tmp.data ? m->tmp.data : "", m->tmp.len, &idx))
      return fail(m, "an actor that is not in the rules (merge with the rules the "
                     "shards were made with)");
    *out = idx;
    return 0;
  }
  size_t k;
  if (count(m, &k)) return -1;
  *out = m->r->nactors + k;
  return 0;
}

/* [item, item, ...] */
static int list(merger *m, int (*item)(merger *)) {
  if (want(m, '[', "'[' was expected")) return -1;
  if (ag_json_char(&m->p, ']')) return 0;
  do {
    if (item(m)) return -1;
  } while (ag_json_char(&m->p, ','));
  return want(m, ']', "',' or ']' was expected");
}

static int counts_item(merger *m) {
  ag_art *a = m->art;
  size_t *slots[] = {&a->sentences, &a->mentions, &a->assertions, &a->negated,
                     &a->hypothetical};
  if (m->ncounts >= 5) return fail(m, "counts holds five numbers");
  return count(m, slots[m->ncounts++]);
}

static int unknown_item(merger *m) {
  ag_art *a = m->art;
  if (ag_art_reserve_unknowns(a, a->nunk + 1)) return fail(m, "out of memory");
  if (want(m, '[', "'[' was expected") || string(m, &a->unk_name[a->nunk]) ||
      want(m, ',', "',' was expected"))
    return -1;
  ag_buf_clear(&m->tmp);
  if (ag_json_string(&m->p, &m->tmp)) return fail(m, "a type was expected");
  int t = ag_type_from_name(m->tmp.data ? m->tmp.data : "");
  a->unk_type[a->nunk++] = t < 0 ? AG_TYPE_OTHER : t;
  return want(m, ']', "']' was expected");
}

static int mention_item(merger *m) {
  ag_art *a = m->art;
  if (AG_GROW(a->ms, a->cap_ms, a->nms + 1)) return fail(m, "out of memory");
  ag_art_mention *x = &a->ms[a->nms];
  if (want(m, '[', "'[' was expected") || actor(m, &x->actor) ||
      want(m, ',', "',' was expected") || string(m, &x->form) ||
      want(m, ']', "']' was expected"))
    return -1;
  a->nms++;
  return 0;
}

static const char *const MODALITIES[] = {"asserted", "hypothetical", "negated"};

static int edge_item(merger *m) {
  ag_art *a = m->art;
  if (AG_GROW(a->es, a->cap_es, a->nes + 1)) return fail(m, "out of memory");
  ag_art_edge *e = &a->es[a->nes];
  memset(e, 0, sizeof *e);
  if (want(m, '[', "'[' was expected") || actor(m, &e->src) || want(m, ',', "',' was expected"))
    return -1;
  ag_buf_clear(&m->tmp);
  if (ag_json_string(&m->p, &m->tmp)) return fail(m, "a relation was expected");
  long rel = ag_rules_relation(m->r, m->tmp.data ? m->tmp.data : "", m->tmp.len);
  if (rel < 0) return fail(m, "a relation that is not in the rules");
  e->rel = (size_t)rel;
  if (want(m, ',', "',' was expected") || actor(m, &e->tgt) || want(m, ',', "',' was expected"))
    return -1;
  ag_buf_clear(&m->tmp);
  if (ag_json_string(&m->p, &m->tmp)) return fail(m, "a modality was expected");
  e->modality = -1;
  for (int k = 0; k < 3; k++)
    if (m->tmp.data && strcmp(m->tmp.data, MODALITIES[k]) == 0) e->modality = k;
  if (e->modality < 0) return fail(m, "an unknown modality");
  if (want(m, ',', "',' was expected") || ag_json_number(&m->p, &e->confidence) ||
      want(m, ',', "',' was expected"))
    return fail(m, "a confidence was expected");
  if (!ag_json_null(&m->p)) {
    if (ag_json_number(&m->p, &e->amount)) return fail(m, "an amount was expected");
    e->has_amount = 1;
  }
  ag_buf_clear(&m->tmp);
  if (want(m, ',', "',' was expected") || ag_json_string(&m->p, &m->tmp) ||
      m->tmp.len >= sizeof e->currency)
    return fail(m, "a currency was expected");
  memcpy(e->currency, m->tmp.data ? m->tmp.data : "", m->tmp.len + 1);
  if (want(m, ',', "',' was expected")) return -1;
  e->reporter = -1;
  if (!ag_json_null(&m->p)) {
    size_t rep;
    if (actor(m, &rep)) return -1;
    e->reporter = (long)rep;
  }
  if (want(m, ',', "',' was expected") || string(m, &e->role[0]) ||
      want(m, ',', "',' was expected") || string(m, &e->role[1]) ||
      want(m, ',', "',' was expected") || string(m, &e->evidence) ||
      want(m, ']', "']' was expected"))
    return -1;
  a->nes++;
  return 0;
}

static int in_range(const ag_art *a, size_t nactors, size_t x) {
  return x < nactors || x - nactors < a->nunk;
}

/* An article record into m->art. */
static int read_article(merger *m) {
  ag_art *a = m->art;
  int have_id = 0;
  ag_art_clear(a);
  if (want(m, '{', "a JSON object was expected")) return -1;
  do {
    ag_buf key;
    ag_buf_init(&key);
    int bad = ag_json_string(&m->p, &key) || !ag_json_char(&m->p, ':');
    const char *k = key.data ? key.data : "";
    int rc = 0;
    if (bad) rc = fail(m, "a key was expected");
    else if (!strcmp(k, "article")) rc = string(m, &a->id), have_id = 1;
    else if (!strcmp(k, "date")) {
      ag_buf_clear(&m->tmp);
      if (ag_json_string(&m->p, &m->tmp) || m->tmp.len >= sizeof a->date)
        rc = fail(m, "a date was expected");
      else
        memcpy(a->date, m->tmp.data ? m->tmp.data : "", m->tmp.len + 1);
    } else if (!strcmp(k, "skipped")) {
      ag_buf_clear(&m->tmp);
      if (ag_json_value(&m->p, &m->tmp, 0)) rc = fail(m, "a value was expected");
      a->skipped = m->tmp.data && !strcmp(m->tmp.data, "true");
    } else if (!strcmp(k, "counts")) {
      m->ncounts = 0;
      rc = list(m, counts_item);
    } else if (!strcmp(k, "unknown")) rc = list(m, unknown_item);
    else if (!strcmp(k, "mentions")) rc = list(m, mention_item);
    else if (!strcmp(k, "edges")) rc = list(m, edge_item);
    else if (ag_json_value(&m->p, NULL, 0)) rc = fail(m, "a value was expected");
    ag_buf_destroy(&key);
    if (rc) return -1;
  } while (ag_json_char(&m->p, ','));
  if (want(m, '}', "',' or '}' was expected")) return -1;
  ag_json_ws(&m->p);
  if (m->p.s < m->p.end) return fail(m, "text after the object");
  if (!have_id) return fail(m, "an article record without \"article\"");
  size_t n = m->r->nactors;
  for (size_t i = 0; i < a->nms; i++)
    if (!in_range(a, n, a->ms[i].actor)) return fail(m, "an unknown actor out of range");
  for (size_t i = 0; i < a->nes; i++) {
    const ag_art_edge *e = &a->es[i];
    if (!in_range(a, n, e->src) || !in_range(a, n, e->tgt) ||
        (e->reporter >= 0 && !in_range(a, n, (size_t)e->reporter)))
      return fail(m, "an unknown actor out of range");
  }
  return 0;
}

static int is_article_record(const char *line, size_t len) {
  static const char KEY[] = "{\"record\":\"article\"";
  return len >= sizeof KEY - 1 && memcmp(line, KEY, sizeof KEY - 1) == 0;
}

int ag_extractor_merge_file(ag_extractor *ex, const char *path, ag_error *err) {
  ag_reader rd;
  ag_art art;
  merger m = {ag_extractor_rules(ex), &art, {0}, {0}, 0, NULL};
  ag_buf out; /* a record rewritten as skipped */
  const ag_extract_options *o = ag_extractor_options(ex);
  const char *line;
  size_t len;
  int rc = ag_reader_open(&rd, path, err), got, records = 0, skipping = 0;
  if (rc) return rc;
  ag_art_init(&art);
  ag_buf_init(&m.tmp);
  ag_buf_init(&out);
  while ((got = ag_reader_line(&rd, &line, &len, err)) > 0) {
    size_t lineno = rd.line - 1, k = 0;
    while (k < len && strchr(" \t\r", line[k])) k++;
    if (k == len) continue;
    if (!is_article_record(line, len)) {
      if (line[0] != '{' || !records) {
        rc = ag_err_set(err, AG_EINPUT, path, lineno, 1,
                        "not a shard written by actorgraph extract -o FILE.jsonl "
                        "(each article's record line comes first)");
        break;
      }
      /* an assertion's provenance: passed through, unless its article is
       * outside --since/--until */
      if (skipping) continue;
      if ((rc = ag_extractor_add_art(ex, NULL, line, len, err)) ||
          (rc = ag_extractor_add_art(ex, NULL, "\n", 1, err)))
        break;
      continue;
    }
    m.p = (ag_json){line, line + len, NULL};
    m.err = NULL;
    if (read_article(&m)) {
      rc = ag_err_set(err, AG_EINPUT, path, lineno, (size_t)(m.p.s - line) + 1, "%s", m.err);
      break;
    }
    records++;
    skipping = art.skipped;
    if (!art.skipped && !ag_date_in_window(art.date, o->since, o->until)) {
      /* as extract --since/--until would have written it */
      art.skipped = skipping = 1;
      ag_buf_clear(&out);
      if (ag_art_json(m.r, &art, &out)) {
        rc = ag_err_set(err, AG_ENOMEM, path, 0, 0, "out of memory");
        break;
      }
      line = out.data;
      len = out.len - 1; /* without its newline */
    }
    if ((rc = ag_extractor_add_art(ex, &art, line, len, err)) ||
        (rc = ag_extractor_add_art(ex, NULL, "\n", 1, err)))
      break;
  }
  if (got < 0 && !rc) rc = err && err->code ? err->code : AG_EINPUT;
  ag_buf_destroy(&m.tmp);
  ag_buf_destroy(&out);
  ag_art_destroy(&art);
  ag_reader_close(&rd);
  return rc;
}
