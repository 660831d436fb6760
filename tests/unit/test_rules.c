/* Rules stage: loading YAML, validation errors with positions, aliases,
 * pattern compilation. */
#include "../check.h"
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>

static const char *BASE =
    "actors:\n"
    "  - id: north-korea\n"
    "    name: North Korea\n"
    "    type: state\n"
    "    aliases: [DPRK, Pyongyang, North Korean]\n"
    "  - id: united-states\n"
    "    name: United States\n"
    "    type: state\n"
    "    aliases: [US, U.S., Washington]\n"
    "  - id: turkey\n"
    "    name: Turkey\n"
    "    type: state\n"
    "    aliases: [{text: Turkey, case: exact}]\n"
    "classes:\n"
    "  HACK: [attack~, \"broke into\"]\n"
    "  PROGRESSIVE: [is, was]\n"
    "  ROLE: [hackers, \"-linked\"]\n"
    "relations:\n"
    "  - name: attacked\n"
    "    describe: attacks\n"
    "    patterns:\n"
    "      - \"{source} $HACK {target}\"\n"
    "      - \"{target} was $HACK by {source:state}\"\n";

/* Load yaml; return the error message formatted as FILE:LINE:COL: msg. */
static const char *load_error(const char *yaml) {
  static char buf[1200];
  ag_rules *r = NULL;
  ag_error err;
  ag_error_clear(&err);
  if (ag_rules_load_string(&r, yaml, strlen(yaml), "t.yaml", &err) == 0) {
    ag_rules_free(r);
    return "ok";
  }
  return ag_error_format(&err, buf, sizeof buf);
}

static void test_counts(void) {
  ag_rules *r = NULL;
  ag_error err;
  ag_rules_counts c;
  CHECK(ag_rules_load_string(&r, BASE, strlen(BASE), "base", &err) == 0);
  if (!r) return;
  ag_rules_get_counts(r, &c);
  CHECK(c.actors == 3);
  CHECK(c.aliases == 9); /* names count; Turkey's exact alias replaces its name */
  CHECK(c.relations == 1);
  CHECK(c.patterns == 2);
  CHECK(c.classes == 3);
  ag_rules_free(r);
  ag_rules_free(NULL); /* harmless */
}

static void test_errors(void) {
  CHECK_STR(load_error("actors: [\n"), "t.yaml:2:1: did not find expected node content while parsing a flow node");
  CHECK_STR(load_error("actors:\n  - id: x\n    name: X\n    type: planet\n"),
            "t.yaml:4:11: unknown actor type 'planet' (state, group, agency, "
            "organization, bank, company, person, sector, other)");
  CHECK_STR(load_error("actors:\n  - id: Not A Slug\n    name: X\n    type: state\n"),
            "t.yaml:2:5: actor id 'Not A Slug' must be a slug: a-z, 0-9 and '-'");
  CHECK_STR(load_error("actors:\n  - {id: a, name: A, type: state}\n  - {id: a, name: B, type: state}\n"),
            "t.yaml:3:5: duplicate actor id 'a'");
  CHECK_STR(load_error("actors:\n  - {id: a, name: A, type: state}\n  - {id: b, name: B, type: state, aliases: [a]}\n"),
            "t.yaml:3:45: alias 'a' already names actor 'a'");
  CHECK_STR(load_error("actress: []\n"),
            "t.yaml:1:1: unknown top-level key 'actress' (actors, classes, relations, anaphora)");
  CHECK_STR(load_error("actors:\n  - {id: a, name: A, type: state, colour: red}\n"),
            "t.yaml:2:35: unknown actor field 'colour'");
  CHECK_STR(load_error("relations:\n  - name: r\n    patterns: [\"{source} hit\"]\n"),
            "t.yaml:3:17: a pattern needs both {source} and {target}");
  CHECK_STR(load_error("relations:\n  - name: r\n    patterns: [\"{source} $NOPE {target}\"]\n"),
            "t.yaml:3:26: unknown class '$NOPE'");
  CHECK_STR(load_error("relations:\n  - name: r\n    patterns: [\"{source} (hit|struck {target}\"]\n"),
            "t.yaml:3:26: unclosed '('");
  CHECK_STR(load_error("relations:\n  - name: r\n    patterns: [\"{source} hit {victim}\"]\n"),
            "t.yaml:3:30: unknown slot '{victim}': use {source}, {target} or {amount}");
  CHECK_STR(load_error("relations:\n  - name: r\n    patterns: [\"{source} ...20 {target}\"]\n"),
            "t.yaml:3:26: a gap may span at most 12 tokens");
  CHECK_STR(load_error("relations:\n  - name: r\n    patterns: [\"{source:planet} hit {target}\"]\n"),
            "t.yaml:3:17: unknown actor type 'planet'");
  CHECK_STR(load_error("classes:\n  A: [$B]\n  B: [$A]\n"),
            "t.yaml:2:3: class 'A' refers to itself");
  CHECK_STR(load_error("actors:\n  - {id: a, name: A, type: group, affiliation: nobody}\n"),
            "actor 'a': affiliation 'nobody' is not an actor id");
  CHECK_STR(load_error("relations:\n  - {name: r, color: red, patterns: []}\n"),
            "t.yaml:2:5: relation color must look like #rrggbb, not 'red'");
  CHECK_STR(load_error("relations:\n  - {name: r}\n  - {name: r}\n"),
            "t.yaml:3:5: duplicate relation 'r'");
  CHECK_STR(load_error("--- {}\n--- {}\n"), "t.yaml:2:5: one YAML document per rules file");
  CHECK_STR(load_error("anaphora:\n  - {words: [it], types: [planet]}\n"),
            "t.yaml:2:27: unknown actor type 'planet'");
  CHECK_STR(load_error("anaphora:\n  - {words: [it]}\n"),
            "t.yaml:2:5: anaphora entry needs words and types");
  CHECK_STR(load_error("anaphora:\n  - {word: [it], types: [group]}\n"),
            "t.yaml:2:6: unknown anaphora field 'word' (words, types, possessive)");
  CHECK_STR(load_error("relations:\n  - {name: r, symmetric: maybe}\n"),
            "t.yaml:2:26: symmetric must be true or false, not 'maybe'");
  CHECK_STR(load_error("actors: []\nactors: []\n"), "t.yaml:2:1: duplicate key 'actors'");
  CHECK_STR(load_error("actors:\n  - {id: a, name: A, type: person, aliases: [{text: X Y, from: 2020-13-01}]}\n"),
            "t.yaml:2:64: a date is YYYY-MM-DD, not '2020-13-01'");
  CHECK_STR(load_error("actors:\n  - {id: a, name: A, type: person, aliases: [{text: X Y, resolves-to: b}]}\n"),
            "actor 'a': alias resolves-to 'b', which is not an actor id");
  CHECK_STR(load_error("actors:\n  - {id: a, name: A, type: person, aliases: [{text: X Y, from: 2020-01-01}]}\n"
                       "  - {id: b, name: B, type: person, aliases: [{text: X Y, from: 2021-01-01}]}\n"),
            "ok"); /* dated aliases may share their text */
  CHECK_STR(load_error("relations:\n  - {name: r, plover: ATTACK}\n"),
            "t.yaml:2:23: unknown PLOVER class 'ATTACK' (AGREE, CONSULT, SUPPORT, COOPERATE, AID, "
            "RETREAT, CONCEDE, INVESTIGATE, DEMAND, DISAPPROVE, REJECT, THREATEN, PROTEST, "
            "MOBILIZE, SANCTION, COERCE, ASSAULT, FIGHT)");
  CHECK_STR(load_error("relations:\n  - {name: r, cameo: 19a}\n"),
            "t.yaml:2:22: a CAMEO code is 2 to 4 digits, not '19a'");
  CHECK_STR(load_error("actors:\n  - {id: a, name: A, type: group, sanctions: [{program: X}]}\n"),
            "t.yaml:2:47: a sanction needs an 'authority'");
  CHECK_STR(load_error("actors:\n  - {id: a, name: A, type: group, code: [{code: X, to: 2020}]}\n"),
            "t.yaml:2:56: a date is YYYY-MM-DD, not '2020'");
  CHECK_STR(load_error(""), "ok");
  CHECK_STR(load_error("# only a comment\n"), "ok");
  CHECK_STR(load_error("---\n"), "ok");
  CHECK_STR(load_error("--- {}\n---\nactors: [\n"),
            "t.yaml:4:1: did not find expected node content while parsing a flow node");
  CHECK_STR(load_error("actors:\n  - {id: a, name: A, type: state, aliases: *nope}\n"),
            "t.yaml:2:44: found undefined alias 'nope'");
}

static void test_files(void) {
  ag_rules *r = NULL;
  ag_error err;
  ag_error_clear(&err);
  CHECK(ag_rules_load(&r, "/nonexistent/rules", &err) == AG_EIO);
  CHECK_STR(err.file, "/nonexistent/rules");
  CHECK(ag_rules_load(&r, AG_SOURCE_DIR "/rules", &err) == 0);
  if (r) {
    ag_rules_counts c;
    ag_rules_get_counts(r, &c);
    CHECK(c.actors > 500);
    CHECK(c.relations >= 16);
    CHECK(c.files >= 2);
  }
  ag_rules_free(r);
}

/* Extract one sentence with BASE rules; edges as "src rel tgt;" list. */
static const char *edges(const char *text) {
  static char out[1024];
  ag_rules *r = NULL;
  ag_extractor *ex = NULL;
  ag_graph *g = NULL;
  ag_error err;
  out[0] = '\0';
  if (ag_rules_load_string(&r, BASE, strlen(BASE), "base", &err) ||
      ag_extractor_new(&ex, r, NULL) ||
      ag_extractor_add(ex, "a.txt", text, strlen(text), &err) ||
      ag_extractor_graph(&g, ex, &err)) {
    strcpy(out, "error");
  } else {
    for (size_t i = 0; i < ag_graph_edge_count(g); i++) {
      const char *s, *rel, *t;
      ag_graph_edge(g, i, &s, &rel, &t);
      snprintf(out + strlen(out), sizeof out - strlen(out), "%s %s %s;", s, rel, t);
    }
  }
  ag_graph_free(g);
  ag_extractor_free(ex);
  ag_rules_free(r);
  return out;
}

static void test_aliases(void) {
  CHECK_STR(edges("North Korea attacked US banks."), "north-korea attacked united-states;");
  CHECK_STR(edges("Pyongyang broke into U.S. networks."), "north-korea attacked united-states;");
  /* all-capital aliases match capitals only: "us" is a pronoun */
  CHECK_STR(edges("North Korea attacked us."), "");
  /* case: exact: the bird is not the state */
  CHECK_STR(edges("North Korea attacked turkey."), "");
  CHECK_STR(edges("North Korea attacked Turkey."), "north-korea attacked turkey;");
  /* word forms and passive with a type-limited slot */
  CHECK_STR(edges("Turkey was attacked by Washington."), "united-states attacked turkey;");
  CHECK_STR(edges("Washington is attacking Turkey."), "united-states attacked turkey;");
  /* hyphenated compound and list */
  CHECK_STR(edges("North Korea-linked hackers attacked Turkey and US banks."),
            "north-korea attacked turkey;north-korea attacked united-states;");
  /* no edge across sentences, no self-edge */
  CHECK_STR(edges("North Korea attacked. Turkey was fine."), "");
  CHECK_STR(edges("North Korea attacked DPRK."), "");
}

/* A verb frame derives active, passive, participle and nominal patterns. */
/* The edges extracted from text, as "source relation target;" each. */
static const char *edges_of(ag_rules *r, const char *text) {
  static char got[512];
  ag_extractor *ex = NULL;
  ag_graph *g = NULL;
  ag_error err;
  got[0] = '\0';
  if (ag_extractor_new(&ex, r, NULL) == 0 &&
      ag_extractor_add(ex, "f", text, strlen(text), &err) == 0 &&
      ag_extractor_graph(&g, ex, &err) == 0)
    for (size_t e = 0; e < ag_graph_edge_count(g); e++) {
      const char *src, *rel, *tgt;
      ag_graph_edge(g, e, &src, &rel, &tgt);
      snprintf(got + strlen(got), sizeof got - strlen(got), "%s %s %s;", src, rel, tgt);
    }
  ag_graph_free(g);
  ag_extractor_free(ex);
  return got;
}

/* Rules from YAML text, checked to load (NULL when they do not). */
static ag_rules *rules_from(const char *yaml, const char *name) {
  ag_rules *r = NULL;
  ag_error err;
  CHECK(ag_rules_load_string(&r, yaml, strlen(yaml), name, &err) == 0);
  return r;
}

/* The arena the aliases live in: aligned pieces that stay put, big ones
 * too, all freed at once (ASan and valgrind check the rest). */
static void test_arena(void) {
  ag_arena a = {0};
  char *first = ag_arena_strndup(&a, "Lazarus Group", 7);
  CHECK(first && strcmp(first, "Lazarus") == 0);
  char *s[3000];
  for (int i = 0; i < 3000; i++) {
    char buf[32];
    snprintf(buf, sizeof buf, "alias-%d", i);
    s[i] = ag_arena_strndup(&a, buf, strlen(buf));
    CHECK(s[i] && ((uintptr_t)s[i] % _Alignof(max_align_t)) == 0);
  }
  /* bigger than a quarter of a block: a block of its own */
  char *big = ag_arena_alloc(&a, 100000);
  CHECK(big != NULL);
  if (big) memset(big, 'x', 100000);
  uint64_t *words = ag_arena_alloc(&a, 5 * sizeof *words);
  CHECK(words && ((uintptr_t)words % _Alignof(max_align_t)) == 0);
  if (words) words[4] = 42;
  CHECK(strcmp(first, "Lazarus") == 0 && strcmp(s[0], "alias-0") == 0 &&
        strcmp(s[2999], "alias-2999") == 0);
  ag_arena_destroy(&a);
  /* a big piece first, then small ones */
  CHECK(ag_arena_alloc(&a, 1 << 20) != NULL);
  char *after = ag_arena_strndup(&a, "Sony", 4);
  CHECK(after && strcmp(after, "Sony") == 0);
  ag_arena_destroy(&a);
  CHECK(a.head == NULL);
}

/* YAML anchors and aliases: the aliased node is read again where it is
 * named, as libyaml's own loader did. */
static void test_yaml_aliases(void) {
  const char *yaml =
      "actors:\n"
      "  - id: a\n"
      "    name: Alpha\n"
      "    type: &t group\n"
      "    aliases: &names [Alpha Team, The Alphas]\n"
      "  - {id: b, name: Beta, type: *t, code: [&c XYZ]}\n"
      "  - {id: c, name: Gamma, type: *t, code: [*c]}\n";
  ag_rules *r = rules_from(yaml, "aliases");
  if (!r) return;
  CHECK(r->nactors == 3);
  CHECK(r->actors[1].type == AG_TYPE_GROUP && r->actors[2].type == AG_TYPE_GROUP);
  CHECK(r->actors[2].ncodes == 1 && strcmp(r->actors[2].codes[0].code, "XYZ") == 0);
  /* Alpha's name and both its aliases */
  size_t n = 0;
  for (size_t i = 0; i < r->naliases; i++) n += r->aliases[i].actor == 0;
  CHECK(n == 3);
  ag_rules_free(r);
}

static void test_frames(void) {
  const char *yaml =
      "actors:\n"
      "  - {id: lazarus, name: Lazarus, type: group}\n"
      "  - {id: sony, name: Sony, type: company}\n"
      "  - {id: bb, name: Bangladesh Bank, type: bank}\n"
      "relations:\n"
      "  - name: attacked\n"
      "    frames: [{verb: hack, noun: (hack|attack), noun-prep: on|of}]\n"
      "  - name: stole-from\n"
      "    frames: [{verb: steal, prep: from|out of, noun: theft}]\n";
  static const char *const cases[][2] = {
      {"Lazarus hacked Sony.", "lazarus attacked sony;"},
      {"Sony was hacked by Lazarus.", "lazarus attacked sony;"},
      {"Sony, hacked by Lazarus, recovered.", "lazarus attacked sony;"},
      {"Lazarus's attack on Sony shocked Hollywood.", "lazarus attacked sony;"},
      {"The hack of Sony by Lazarus shocked Hollywood.", "lazarus attacked sony;"},
      {"Lazarus stole $81 million from Bangladesh Bank.", "lazarus stole-from bb;"},
      {"$81 million was stolen from Bangladesh Bank by Lazarus.", "lazarus stole-from bb;"},
      {"The theft of $81 million from Bangladesh Bank by Lazarus was huge.", "lazarus stole-from bb;"},
  };
  ag_rules *r = rules_from(yaml, "frames");
  if (!r) return;
  ag_rules_counts c;
  ag_rules_get_counts(r, &c);
  CHECK(c.patterns == 6 + 5);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    CHECK_STR(edges_of(r, cases[i][0]), cases[i][1]);
  ag_rules_free(r);
  CHECK_STR(load_error("relations:\n  - {name: r, frames: [{noun: theft}]}\n"),
            "t.yaml:2:24: a frame needs a 'verb'");
}

/* Each pattern is indexed under the words of its most selective required
 * element; a sentence without any of them skips the pattern. */
static void test_anchors(void) {
  const char *yaml =
      "actors:\n"
      "  - {id: lazarus, name: Lazarus, type: group}\n"
      "  - {id: sony, name: Sony, type: company}\n"
      "classes:\n"
      "  HACK: [attack~, \"broke into\"]\n"
      "  SKIP: [reportedly]\n"
      "relations:\n"
      "  - name: near\n"
      "    patterns: [\"{source} ...3 {target} ...2 met\", \"{source} ...1 {target}\"]\n"
      "  - name: stole-from\n"
      "    patterns: [\"{source} (stole|took) ...3 from {target}\"]\n"
      "  - name: attacked\n"
      "    patterns: [\"{source} (then)? $HACK {target}\"]\n"
      "  - {name: met, symmetric: true, patterns: [\"{source} met\"]}\n";
  ag_rules *r = rules_from(yaml, "anchors");
  if (!r) return;
  CHECK(r->npatterns == 5);
  CHECK(r->rels[0].pats[0].anchored);     /* "met" after the gap */
  CHECK(!r->rels[0].pats[1].anchored);    /* only slots and a gap */
  CHECK(r->rels[1].pats[0].anchored);
  CHECK(r->rels[2].pats[0].anchored);     /* past the optional "then" */
  size_t k, from, stole;
  const ag_map *m = &r->anchors.by_word;
  /* every necessary word set is an anchor: "stole-from" needs one of
   * stole/took and "from", each an anchor set of its own */
  const ag_pattern *sp = &r->rels[1].pats[0];
  CHECK(sp->nanchors == 2);
  CHECK(ag_map_get(m, "from", 4, &from) && r->anchors.lists[from][0] == 1);
  CHECK(ag_map_get(m, "stole", 5, &stole) && r->anchors.lists[stole][0] == 1);
  CHECK(ag_map_get(m, "took", 4, &k) && r->anchors.lists[k][1] == r->anchors.lists[stole][1]);
  CHECK(r->anchors.lists[from][1] != r->anchors.lists[stole][1]);
  CHECK(r->rels[0].pats[0].nanchors == 1 && r->rels[2].pats[0].nanchors == 1);
  CHECK(ag_map_get(m, "attacked", 8, &k) && ag_map_get(m, "broke", 5, &k));
  CHECK(!ag_map_get(m, "then", 4, &k));
  /* slots: each takes a mention of its own */
  CHECK(r->prefs[sp->gid].min_mentions == 2);
  CHECK(r->prefs[r->rels[0].pats[1].gid].min_mentions == 2);
  /* one slot ("A and B met" fills it with both): a sentence with one actor
   * marks only the anchor sets of such patterns */
  CHECK(r->prefs[r->rels[3].pats[0].gid].min_mentions == 1);
  const ag_start_index *one = &r->anchors_level[1];
  uint32_t met = ag_word_id(r, "met", 3), took = ag_word_id(r, "took", 4);
  CHECK(one->by_id != NULL && r->anchors_level[2].by_id == NULL);
  CHECK(one->by_id && met < one->nby_id && one->by_id[met] && one->lists[one->by_id[met] - 1][0] == 1);
  CHECK(one->by_id && (took >= one->nby_id || !one->by_id[took]));
  static const char *const cases[][2] = {
      {"Lazarus reportedly took $5 million from Sony.", "lazarus stole-from sony;"},
      {"Lazarus took the files. Sony said so.", ""},
      /* both anchor sets in the sentence, but "from" before the subject */
      {"From the Sony office came reports that Lazarus took nothing.", ""},
      {"From Sony came word that Lazarus took $5 million from Sony.", "lazarus stole-from sony;"},
      {"Lazarus then broke into Sony.", "lazarus attacked sony;"},
      {"Lazarus, Sony.", "lazarus near sony;"},
      {"Lazarus and Sony met.", "lazarus met sony;lazarus near sony;"},
      {"Lazarus met.", ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    CHECK_STR(edges_of(r, cases[i][0]), cases[i][1]);
  ag_rules_free(r);
}

/* Aliases of several words are looked up only where their first two words
 * stand together. */
static void test_alias_pairs(void) {
  static const char yaml[] =
      "actors:\n"
      "  - {id: nk, name: North Korea, type: state, aliases: [DPRK, North Korean regime of Kim]}\n"
      "  - {id: sony, name: Sony, type: company, aliases: [Sony Pictures Entertainment]}\n"
      "relations:\n"
      "  - {name: attacked, patterns: [\"{source} attacked {target}\"]}\n";
  ag_rules *r = rules_from(yaml, "pairs");
  if (!r) return;
  uint32_t north = ag_word_id(r, "north", 5), korea = ag_word_id(r, "korea", 5),
           korean = ag_word_id(r, "korean", 6), sony = ag_word_id(r, "sony", 4),
           pictures = ag_word_id(r, "pictures", 8);
  CHECK(ag_alias_pair(r, north, korea) && ag_alias_pair(r, north, korean));
  CHECK(ag_alias_pair(r, sony, pictures));
  CHECK(!ag_alias_pair(r, north, sony) && !ag_alias_pair(r, korea, north));
  CHECK(!ag_alias_pair(r, sony, AG_W_NONE));
  CHECK_STR(edges_of(r, "The North Korean regime of Kim attacked Sony Pictures Entertainment."),
            "nk attacked sony;");
  CHECK_STR(edges_of(r, "North Korea attacked Sony."), "nk attacked sony;");
  CHECK_STR(edges_of(r, "DPRK attacked Sony."), "nk attacked sony;");
  ag_rules_free(r);
}

/* Unknown actors with lazy ids get the ids eager ones get: made in the
 * order the actors were found, whatever order they are asked for in. */
static void test_unknown_ids(void) {
  static const char yaml[] = "actors:\n  - {id: ronin-bridge, name: Ronin Bridge, type: company}\n";
  ag_rules *r = rules_from(yaml, "unk");
  if (!r) return;
  static const char *const names[] = {"Ronin Network", "Ronin-Network", "Ronin Bridge", "Sky Mavis"};
  ag_unknowns eager, lazy;
  ag_unknowns_init(&eager);
  ag_unknowns_init(&lazy);
  lazy.lazy_ids = 1;
  size_t i;
  for (size_t k = 0; k < 4; k++) {
    CHECK(ag_unknowns_get(&eager, r, names[k], AG_TYPE_OTHER, &i) == 0 && i == r->nactors + k);
    CHECK(ag_unknowns_get(&lazy, r, names[k], AG_TYPE_OTHER, &i) == 0 && i == r->nactors + k);
  }
  CHECK(lazy.items[0].id == NULL); /* not made until asked for */
  const char *last = ag_unknown_id(&lazy, r, 3); /* asked for the last first */
  CHECK(last && strcmp(last, "sky-mavis") == 0);
  for (size_t k = 0; k < 4; k++) {
    const char *id = ag_unknown_id(&lazy, r, k);
    CHECK(id && strcmp(id, eager.items[k].id) == 0);
  }
  CHECK_STR(eager.items[1].id, "ronin-network-2");
  CHECK_STR(eager.items[2].id, "ronin-bridge-2"); /* the dictionary's id is taken */
  CHECK(ag_unknown_id(&lazy, r, 4) == NULL);
  ag_unknowns_clear(&lazy);
  CHECK(lazy.n == 0 && lazy.nids == 0 && lazy.lazy_ids);
  ag_unknowns_destroy(&eager);
  ag_unknowns_destroy(&lazy);
  ag_rules_free(r);
}

/* Many unknown actors in one article: one item per name whatever its
 * capitals, every name still readable after the store grew, found again
 * after growing, and nothing left after a clear. */
static void test_unknown_store(void) {
  static const char yaml[] = "actors:\n  - {id: sony, name: Sony, type: company}\n";
  ag_rules *r = rules_from(yaml, "unk-store");
  if (!r) return;
  ag_unknowns u;
  ag_unknowns_init(&u);
  u.lazy_ids = 1;
  char name[64], upper[64];
  size_t i, n = 300;
  for (int round = 0; round < 2; round++) {
    for (size_t k = 0; k < n; k++) {
      snprintf(name, sizeof name, "Harbor Works Number %zu of the Long Coastal Road", k);
      CHECK(ag_unknowns_get(&u, r, name, AG_TYPE_COMPANY, &i) == 0 && i == r->nactors + k);
    }
    CHECK(u.n == n);
    for (size_t k = 0; k < n; k++) {
      snprintf(name, sizeof name, "Harbor Works Number %zu of the Long Coastal Road", k);
      CHECK_STR(u.items[k].name, name);
      for (size_t j = 0; name[j]; j++)
        upper[j] = (char)(name[j] >= 'a' && name[j] <= 'z' ? name[j] - 32 : name[j]);
      upper[strlen(name)] = '\0';
      CHECK(ag_unknowns_find(&u, upper, &i) && i == k);
      CHECK(ag_unknowns_get(&u, r, upper, AG_TYPE_OTHER, &i) == 0 && i == r->nactors + k);
    }
    CHECK(u.n == n);
    CHECK(!ag_unknowns_find(&u, "Harbor Works Number 300 of the Long Coastal Road", &i));
    CHECK(!ag_unknowns_find(&u, "Harbor Works", &i));
    CHECK_STR(ag_unknown_id(&u, r, 7), "harbor-works-number-7-of-the-long-coastal-road");
    ag_unknowns_clear(&u);
    CHECK(u.n == 0 && !ag_unknowns_find(&u, "Harbor Works Number 1 of the Long Coastal Road", &i));
  }
  ag_unknowns_destroy(&u);
  ag_rules_free(r);
}


/* ---- the two YAML readers ---------------------------------------------- */

/* The tree a reader makes of text (or its error), as text; AG_EUSAGE when
 * the fast reader leaves text to libyaml. */
static int yaml_tree(const char *text, size_t len, int mode, ag_buf *out) {
  ag_ystream *s;
  ag_ydoc d;
  ag_error err;
  int got = 0, rc;
  ag_buf_clear(out);
  if (ag_ystream_open(&s, text, len, mode)) return AG_ENOMEM;
  for (int k = 0; k < 2; k++) { /* a second document is read, as the loader does */
    rc = ag_ystream_next(s, &d, &got, "t.yaml", &err);
    if (!rc && got) rc = ag_ydoc_dump(&d, out);
    else if (rc && rc != AG_EUSAGE) ag_buf_printf(out, "%s:%d:%d: %s\n", err.file, err.line, err.col, err.message);
    ag_ydoc_destroy(&d);
    if (rc || !got) break;
  }
  ag_ystream_close(s);
  return rc == AG_EUSAGE ? rc : 0;
}

/* The fast reader reads text (or leaves it to libyaml: fast 0) and the
 * tree is libyaml's; reading on its own (AUTO) gives libyaml's answer. */
static void same_tree(const char *text, int fast) {
  ag_buf a, b, c;
  ag_buf_init(&a);
  ag_buf_init(&b);
  ag_buf_init(&c);
  size_t len = strlen(text);
  int rc = yaml_tree(text, len, AG_YAML_FAST, &a);
  CHECK(yaml_tree(text, len, AG_YAML_LIBYAML, &b) == 0);
  CHECK(yaml_tree(text, len, AG_YAML_AUTO, &c) == 0);
  if (fast) {
    CHECK(rc == 0);
    CHECK_STR(a.data ? a.data : "", b.data ? b.data : "");
  } else {
    CHECK(rc == AG_EUSAGE);
  }
  CHECK_STR(c.data ? c.data : "", b.data ? b.data : "");
  if ((fast && rc) || (!fast && !rc)) fprintf(stderr, "  text: %s\n", text);
  ag_buf_destroy(&a);
  ag_buf_destroy(&b);
  ag_buf_destroy(&c);
}

static void test_yaml_readers(void) {
  /* the subset: nodes, positions and styles as libyaml gives them */
  same_tree("actors:\n- id: x\n  name: \"Z\xc3\xbcrich \\\"Bank\\\"\"\n"
            "  aliases: [Banco de M\xc3\xa9xico, \"a\\\\b\", c#d]\nother: z\n", 1);
  same_tree("a:\n  - [x, [y, z], {k: v, k2: [1, 2]}]\n  - {}\n  - []\n"
            "  -   spaced: 1\n      more: 2\n", 1);
  same_tree("k: [a,\n    b, # comment\n# at the start\n    c\n    ]\nj: v # c\n", 1);
  same_tree("key  : value\nurl: http://x.y/z\ntime: 10:30\n", 1);
  same_tree("a:\n- b\n- c:\n  - d\n  - e\n  f: g\nh: i\n", 1);
  same_tree("# only a comment\n\n  \nroot:\n    deep:\n        deeper: [1]\n    back: 2\n", 1);
  same_tree("a: \"x\"  # c\nb: {k: \"v\"}   \nc: [a , b ,c]\nd: [ ]\ne: { }\n", 1);
  same_tree("- a\n- b: c\n  d: e\n- [f]\n", 1);
  same_tree("\xc3\xa9: \xc3\xbc\nb: [\xc3\xa9, \"\xc3\xbc\", x]\nc: \"\xc3\xa9 x\"\n", 1);
  same_tree("a: 1\na: 2\n", 1); /* duplicate keys are the loader's to refuse */
  /* beyond it: libyaml reads them, errors and all */
  same_tree("long: \xc3\xa4\xc3\xa4: x\n", 0);      /* ": " inside a value */
  same_tree("a: [b\n  c]\n", 0);                   /* a scalar over two lines */
  same_tree("a: b\n  c\n", 0);
  same_tree("x: [a: b]\n", 0);
  same_tree("a:\n  b: 1\n c: 2\n", 0);             /* bad indentation */
  same_tree("x: [a, ]\n", 0);
  same_tree("x: {d:[ ]}\n", 0);                  /* libyaml refuses "d:" before "[" */
  same_tree("a: &x [1]\nb: *x\n", 0);              /* anchors */
  same_tree("a: 'single'\n", 0);
  same_tree("a: |\n  block\n", 0);
  same_tree("a: \"tab\\tescape\"\n", 0);
  same_tree("---\na: 1\n", 0);
  same_tree("a: 1\n---\nb: 2\n", 0);               /* two documents */
  same_tree("a:\tb\n", 0);
  same_tree("a: b\r\n", 0);
  same_tree("a: abcdefg\x7fhijklmnopqrstuvwxyz\n", 0); /* control characters, */
  same_tree("a: abcdefghijklmn\x01opqrstuvwxyz\n", 0);
  same_tree("a: abc\xc2\x85" "def\n", 0);          /* NEL, */
  same_tree("a: abc\xe2\x80\xa8" "def\n", 0);      /* a line separator, */
  same_tree("a: abc\xc3\x28" "def\n", 0);          /* bad UTF-8 */
  same_tree("a: [b, c\n", 0);                      /* an unclosed list */
  same_tree("a:\n", 0);                            /* an empty value */
  same_tree("", 0);
  same_tree("just a scalar\n", 0);
  /* the bundled rules are all in the subset */
  static const char *const files[] = {"actors-banks-companies.yaml", "actors-groups.yaml",
                                      "actors-organizations.yaml", "actors-people.yaml",
                                      "actors-sectors.yaml", "actors-states.yaml",
                                      "language.yaml", "relations.yaml"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char path[512], *text;
    size_t len;
    ag_error err;
    snprintf(path, sizeof path, "%s/rules/%s", AG_SOURCE_DIR, files[i]);
    CHECK(ag_read_file(path, &text, &len, &err) == 0);
    if (!text) continue;
    CHECK(memchr(text, '\0', len) == NULL);
    same_tree(text, 1);
    free(text);
  }
}

int main(void) {
  test_counts();
  test_errors();
  test_files();
  test_aliases();
  test_frames();
  test_anchors();
  test_yaml_aliases();
  test_arena();
  test_alias_pairs();
  test_unknown_ids();
  test_unknown_store();
  test_yaml_readers();
  return check_summary("rules");
}
