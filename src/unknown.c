/* Match stage, unknown actors: proper-noun phrases that are not in the
 * dictionary ("Ronin Network", "Office of Personnel Management").  They get
 * actor indexes after the dictionary's, a slug id, and a type guessed from
 * their head noun through the HEAD-* classes.  Only pattern slots bind them. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void ag_unknowns_init(ag_unknowns *u) { memset(u, 0, sizeof *u); }

/* Slots an article with many names grew beyond this are given back when
 * it is done, not kept and cleared for every article after it. */
#define KEEP_SLOTS 1024

void ag_unknowns_clear(ag_unknowns *u) {
  for (size_t i = 0; i < u->n; i++) free(u->items[i].id);
  u->n = u->nids = 0;
  ag_buf_clear(&u->text);
  if (u->nslots > KEEP_SLOTS) {
    free(u->slots);
    u->slots = NULL;
    u->nslots = 0;
  } else if (u->nslots) {
    memset(u->slots, 0, u->nslots * sizeof *u->slots);
  }
  if (u->ids.cap > 256) ag_map_destroy(&u->ids);
  ag_map_clear(&u->ids);
}

void ag_unknowns_destroy(ag_unknowns *u) {
  for (size_t i = 0; i < u->n; i++) free(u->items[i].id);
  free(u->items);
  free(u->keys);
  free(u->slots);
  ag_buf_destroy(&u->text);
  ag_map_destroy(&u->ids);
  memset(u, 0, sizeof *u);
}

const ag_actor *ag_actor_at(const ag_rules *r, const ag_unknowns *u,
                            size_t i) {
  return i < r->nactors ? &r->actors[i] : &u->items[i - r->nactors];
}

/* A slug for name that is neither a dictionary id nor taken: "Ronin
 * Network" -> "ronin-network", then "ronin-network-2"... */
static char *make_id(const ag_rules *r, const ag_unknowns *u,
                     const char *name) {
  ag_buf b;
  ag_buf_init(&b);
  int dash = 0;
  for (const char *p = name; *p; p++) {
    char c = *p;
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (dash && b.len && ag_buf_putc(&b, '-')) goto fail;
      if (ag_buf_putc(&b, c)) goto fail;
      dash = 0;
    } else {
      dash = 1;
    }
  }
  if (!b.len && ag_buf_puts(&b, "unknown")) goto fail;
  size_t base = b.len;
  for (int k = 2;
       ag_map_get(&r->actor_index, b.data, b.len, NULL) ||
       ag_map_get(&u->ids, b.data, b.len, NULL);
       k++) {
    b.len = base;
    if (ag_buf_printf(&b, "-%d", k)) goto fail;
  }
  return b.data;
fail:
  ag_buf_destroy(&b);
  return NULL;
}

const char *ag_unknown_id(ag_unknowns *u, const ag_rules *r, size_t i) {
  for (; u->nids <= i && u->nids < u->n; u->nids++) {
    ag_actor *a = &u->items[u->nids];
    if (!(a->id = make_id(r, u, a->name))) return NULL;
    if (ag_map_put(&u->ids, a->id, strlen(a->id), u->nids)) {
      free(a->id);
      a->id = NULL;
      return NULL;
    }
  }
  return i < u->n ? u->items[i].id : NULL;
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c; }

/* ag_word_hash of name's n bytes in lower case. */
static uint32_t lower_hash(const char *name, size_t n) {
  uint64_t h = AG_HASH_START, x;
  char w[8];
  size_t k = 0;
  for (; k + 8 <= n; k += 8) {
    for (int j = 0; j < 8; j++) w[j] = lower(name[k + j]);
    memcpy(&x, w, 8);
    h = ag_hash_step(h, x);
  }
  memset(w, 0, sizeof w);
  for (size_t j = 0; k + j < n; j++) w[j] = lower(name[k + j]);
  memcpy(&x, w, 8);
  return ag_hash_end(h, x, n);
}

/* The slot that holds name's item, or the free one where it would go. */
static size_t find_slot(const ag_unknowns *u, const char *name, size_t n, uint32_t h) {
  size_t mask = u->nslots - 1;
  for (size_t s = h & mask;; s = (s + 1) & mask) {
    if (!u->slots[s]) return s;
    const ag_unknown_key *k = &u->keys[u->slots[s] - 1];
    if (k->hash != h || k->len != n) continue;
    const char *key = u->text.data + k->name + n + 1;
    size_t j = 0;
    while (j < n && key[j] == lower(name[j])) j++;
    if (j == n) return s;
  }
}

int ag_unknowns_find(const ag_unknowns *u, const char *name, size_t *i) {
  if (!u->nslots) return 0;
  size_t n = strlen(name), s = find_slot(u, name, n, lower_hash(name, n));
  if (!u->slots[s]) return 0;
  *i = u->slots[s] - 1;
  return 1;
}

/* Room for one more item in the slots, at most half of which are used. */
static int grow_slots(ag_unknowns *u) {
  if ((u->n + 1) * 2 <= u->nslots) return 0;
  size_t ns = u->nslots ? 2 * u->nslots : 64;
  uint32_t *slots = calloc(ns, sizeof *slots);
  if (!slots || u->n >= UINT32_MAX) {
    free(slots);
    return AG_ENOMEM;
  }
  for (size_t i = 0; i < u->n; i++) {
    size_t s = u->keys[i].hash & (ns - 1);
    while (slots[s]) s = (s + 1) & (ns - 1);
    slots[s] = (uint32_t)i + 1;
  }
  free(u->slots);
  u->slots = slots;
  u->nslots = ns;
  return 0;
}

int ag_unknowns_get(ag_unknowns *u, const ag_rules *r, const char *name,
                    int type, size_t *index) {
  size_t n = strlen(name);
  if (n >= UINT32_MAX) return AG_ENOMEM;
  uint32_t h = lower_hash(name, n);
  if (u->nslots) {
    size_t s = find_slot(u, name, n, h);
    if (u->slots[s]) {
      *index = r->nactors + u->slots[s] - 1;
      return 0;
    }
  }
  if (grow_slots(u) || AG_GROW(u->items, u->cap, u->n + 1) ||
      AG_GROW(u->keys, u->cap_keys, u->n + 1))
    return AG_ENOMEM;
  /* the name and its key; the names move when the text does */
  const char *before = u->text.data;
  size_t at = u->text.len;
  if (ag_buf_reserve(&u->text, at + 2 * n + 2)) return AG_ENOMEM;
  char *p = u->text.data + at;
  memcpy(p, name, n);
  p[n] = '\0';
  for (size_t j = 0; j < n; j++) p[n + 1 + j] = lower(name[j]);
  p[2 * n + 1] = '\0';
  u->text.len = at + 2 * n + 2;
  if (u->text.data != before)
    for (size_t i = 0; i < u->n; i++) u->items[i].name = u->text.data + u->keys[i].name;
  ag_actor *a = &u->items[u->n];
  memset(a, 0, sizeof *a);
  a->type = type;
  a->affiliation = a->country_state = -1;
  a->unknown = 1;
  a->name = p;
  u->keys[u->n] = (ag_unknown_key){at, (uint32_t)n, h};
  if (!u->lazy_ids) {
    if (!(a->id = make_id(r, u, name))) return AG_ENOMEM;
    if (ag_map_put(&u->ids, a->id, strlen(a->id), u->n)) {
      free(a->id);
      a->id = NULL;
      return AG_ENOMEM;
    }
  }
  size_t s = find_slot(u, name, n, h);
  u->slots[s] = (uint32_t)u->n + 1;
  *index = r->nactors + u->n++;
  if (!u->lazy_ids) u->nids = u->n;
  return 0;
}
