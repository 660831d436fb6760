/* Match stage, unknown actors: proper-noun phrases that are not in the
 * dictionary ("Ronin Network", "Office of Personnel Management").  They get
 * actor indexes after the dictionary's, a slug id, and a type guessed from
 * their head noun through the HEAD-* classes.  Only pattern slots bind them. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void ag_unknowns_init(ag_unknowns *u) { memset(u, 0, sizeof *u); }

void ag_unknowns_clear(ag_unknowns *u) {
  for (size_t i = 0; i < u->n; i++) {
    free(u->items[i].id);
    free(u->items[i].name);
  }
  u->n = u->nids = 0;
  /* a map an article with many names grew is given back: clearing visits
   * every slot */
  if (u->by_name.cap > 256) {
    ag_map_destroy(&u->by_name);
    ag_map_destroy(&u->ids);
  }
  ag_map_clear(&u->by_name);
  ag_map_clear(&u->ids);
}

void ag_unknowns_destroy(ag_unknowns *u) {
  for (size_t i = 0; i < u->n; i++) {
    free(u->items[i].id);
    free(u->items[i].name);
  }
  free(u->items);
  ag_map_destroy(&u->by_name);
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

int ag_unknowns_get(ag_unknowns *u, const ag_rules *r, const char *name,
                    int type, size_t *index) {
  /* the lower-case name: on the stack when short, as names are */
  char small[256];
  ag_buf key = {small, 0, sizeof small, NULL, 0};
  size_t i, n = strlen(name);
  int rc = 0;
  if (n >= sizeof small) {
    ag_buf_init(&key);
    if ((rc = ag_buf_reserve(&key, n + 1))) goto done;
  }
  for (size_t k = 0; k < n; k++) {
    char c = name[k];
    key.data[k] = c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
  }
  key.data[n] = '\0';
  key.len = n;
  if (ag_map_get(&u->by_name, key.data, key.len, &i)) {
    *index = r->nactors + i;
    goto done;
  }
  if (AG_GROW(u->items, u->cap, u->n + 1)) {
    rc = AG_ENOMEM;
    goto done;
  }
  ag_actor *a = &u->items[u->n];
  memset(a, 0, sizeof *a);
  a->type = type;
  a->affiliation = a->country_state = -1;
  a->unknown = 1;
  a->name = ag_strdup(name);
  if (!u->lazy_ids) a->id = make_id(r, u, name);
  if (!a->name || (!u->lazy_ids && (!a->id || ag_map_put(&u->ids, a->id, strlen(a->id), u->n))) ||
      ag_map_put(&u->by_name, key.data, key.len, u->n)) {
    free(a->name);
    free(a->id);
    rc = AG_ENOMEM;
    goto done;
  }
  *index = r->nactors + u->n++;
  if (!u->lazy_ids) u->nids = u->n;
done:
  if (key.data != small) ag_buf_destroy(&key);
  return rc;
}
