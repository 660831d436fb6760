/* Shared internals of the actorgraph library.  Not installed. */
#ifndef AG_INTERNAL_H
#define AG_INTERNAL_H

#include "actorgraph.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- util.c: errors, buffers, maps, strings --------------------------- */

int ag_err_set(ag_error *err, int code, const char *file, int line, int col,
               const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

void *ag_xrealloc_array(void *ptr, size_t n, size_t size); /* NULL on overflow */
/* src (NULL: "") into dst of size bytes, cut to fit, always ended. */
void ag_copy_str(char *dst, size_t size, const char *src);
char *ag_strdup(const char *s);
char *ag_strndup(const char *s, size_t n);

/* Grow *arr (of *cap elements of size each) to hold at least need elements. */
int ag_grow(void **arr, size_t *cap, size_t need, size_t size);
/* need is evaluated twice: no side effects in it */
#define AG_GROW(arr, cap, need) \
  ((need) <= (cap) ? 0 : ag_grow((void **)&(arr), &(cap), (need), sizeof *(arr)))

/* Many small allocations that live and die together (the rules' alias
 * words): carved from blocks, freed all at once.  Pointers stay put. */
typedef struct ag_arena {
  struct ag_arena_block *head;
  size_t left;  /* bytes free in head */
} ag_arena;
/* n bytes aligned for any type, or NULL when out of memory. */
void *ag_arena_alloc(ag_arena *a, size_t n);
char *ag_arena_strndup(ag_arena *a, const char *s, size_t n);
void ag_arena_destroy(ag_arena *a);

typedef struct ag_buf {
  char *data;
  size_t len, cap;
  /* A buffer with a sink writes what it holds there once it passes
   * AG_SINK_CHUNK bytes, and starts again empty: writers that only append
   * then stream.  sink_bad is set when a write fails. */
  FILE *sink;
  int sink_bad;
} ag_buf;

#define AG_SINK_CHUNK (1u << 20)

/* Write what b holds to its sink now; 0, or -1 when a write ever failed. */
int ag_buf_drain(ag_buf *b);

void ag_buf_init(ag_buf *b);
void ag_buf_destroy(ag_buf *b);
int ag_buf_add(ag_buf *b, const char *s, size_t n);
/* Room for cap bytes in all (len unchanged). */
int ag_buf_reserve(ag_buf *b, size_t cap);
int ag_buf_puts(ag_buf *b, const char *s);
int ag_buf_putc(ag_buf *b, char c);
int ag_buf_printf(ag_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void ag_buf_clear(ag_buf *b);

/* Open-addressing hash map from strings (copied) to size_t values. */
typedef struct ag_map {
  char **keys;
  size_t *vals;
  size_t cap, len;
  uint32_t *hashes;  /* per slot: its key's hash, so most probes skip the compare */
} ag_map;

void ag_map_init(ag_map *m);
void ag_map_destroy(ag_map *m);
/* Empty, keeping the room. */
void ag_map_clear(ag_map *m);
/* 1 and *val when found, 0 otherwise. */
int ag_map_get(const ag_map *m, const char *key, size_t n, size_t *val);
/* Insert or overwrite. */
int ag_map_put(ag_map *m, const char *key, size_t n, size_t val);
/* The hash ag_map uses (FNV-1a). */
uint64_t ag_hash_bytes(const char *s, size_t n);

/* Replace invalid UTF-8 by U+FFFD and C0 controls other than tab, newline and
 * CR by a space; drops a leading BOM.  Caller frees the result. */
char *ag_utf8_clean(const char *s, size_t n, size_t *out_len);
/* The same into out (cleared first; its memory reused): 0 or AG_ENOMEM. */
int ag_utf8_clean_into(ag_buf *out, const char *s, size_t n);

int ag_is_slug(const char *s);
/* ASCII lower-case copy into b (replacing its contents). */
int ag_lower(ag_buf *b, const char *s, size_t n);
/* Collapse whitespace runs to one space, trim, cut to at most max bytes on a
 * UTF-8 boundary (adding "...") into b. */
int ag_squeeze(ag_buf *b, const char *s, size_t n, size_t max);
/* The same appended to b. */
int ag_squeeze_add(ag_buf *b, const char *s, size_t n, size_t max);

/* Write the content of buf to path atomically (temp file + rename). */
int ag_write_atomic(const char *path, const char *data, size_t n, ag_error *err);

/* An output file written in pieces: to a temporary file beside path that is
 * renamed over it at the end ("-" is stdout, and a FIFO or device is
 * written directly).  Nothing is left half-written: on any error the
 * temporary file goes. */
typedef struct ag_out {
  char *path;  /* the output's path */
  char *tmp;   /* the temporary file, or NULL */
  FILE *f;
  int closed;
} ag_out;
int ag_out_open(ag_out *o, const char *path, ag_error *err);
/* Flush and close (the temporary file); an error discards it. */
int ag_out_close(ag_out *o, ag_error *err);
/* Close if still open, then rename the temporary file over the path. */
int ag_out_commit(ag_out *o, ag_error *err);
/* Discard: close and remove the temporary file. */
void ag_out_abort(ag_out *o);

/* Read a whole file (path "-" = stdin); caller frees *out. */
int ag_read_file(const char *path, char **out, size_t *len, ag_error *err);

/* ---- text.c: tokens and sentences -------------------------------------- */

enum {
  AG_TOK_WORD = 1,     /* letters, digits */
  AG_TOK_PUNCT = 2,    /* one punctuation mark */
  AG_TOK_CAP = 4,      /* starts with an upper-case ASCII letter */
  AG_TOK_ALLCAPS = 8,  /* two or more letters, all upper case */
  AG_TOK_NUMBER = 16,
  AG_TOK_TERMINAL = 32, /* . ! ? or ... */
  AG_TOK_CLOSING = 64,  /* " ' ) ] */
  AG_TOK_OPENING = 128  /* " ' ( $ */
};

typedef struct ag_token {
  uint32_t start, len;  /* bytes in the article text */
  uint32_t norm;        /* offset of the lower-case form in ag_doc.norm */
  uint16_t flags;
  uint16_t newlines;    /* newlines in the whitespace before the token */
  uint32_t line_len;    /* length of the line that ended before it, if any */
  uint32_t hash;        /* ag_word_hash of the lower-case form */
} ag_token;

/* The hash of a lower-case word, eight bytes at a time (a word is hashed
 * once per token of every article): step over each whole eight bytes, end
 * with the rest (zero bytes when none) and the length, so that the
 * tokenizer can hash a word before it knows where it ends. */
#define AG_HASH_START 0x9E3779B97F4A7C15ull
static inline uint64_t ag_hash_step(uint64_t h, uint64_t x) {
  h = (h ^ x) * 0xFF51AFD7ED558CCDull;
  return h ^ (h >> 32);
}
static inline uint32_t ag_hash_end(uint64_t h, uint64_t rest, size_t n) {
  h = (h ^ rest ^ ((uint64_t)n << 56)) * 0xC4CEB9FE1A85EC53ull;
  return (uint32_t)(h ^ (h >> 29));
}
static inline uint32_t ag_word_hash(const char *w, size_t n) {
  uint64_t h = AG_HASH_START, x;
  size_t len = n;
  for (; n >= 8; w += 8, n -= 8) {
    memcpy(&x, w, 8);
    h = ag_hash_step(h, x);
  }
  x = 0;
  memcpy(&x, w, n);
  return ag_hash_end(h, x, len);
}

typedef struct ag_sentence {
  size_t first, count;  /* token range */
} ag_sentence;

typedef struct ag_doc {
  const char *text;
  size_t len;
  ag_token *toks;
  size_t ntoks, cap_toks;
  ag_buf norm;  /* NUL-separated lower-case token forms */
  ag_sentence *sents;
  size_t nsents, cap_sents;
  size_t max_sentence_tokens; /* a sentence is cut after this many; 0 = 250 */
} ag_doc;

void ag_doc_init(ag_doc *d);
void ag_doc_destroy(ag_doc *d);
/* Tokenize text (borrowed; must outlive d) and split it into sentences. */
int ag_doc_parse(ag_doc *d, const char *text, size_t len);
static inline const char *ag_tok_norm(const ag_doc *d, size_t i) {
  return d->norm.data + d->toks[i].norm;
}
/* Forms in ag_doc.norm can be read eight bytes at a time past their end:
 * the buffer keeps this much room after the last. */
#define AG_NORM_SLACK 8
/* Tokenize a short phrase (rules side) into lower-case words, appended to
 * *words (each malloc'd) with flags; returns count or negative code. */
int ag_phrase_tokens(const char *s, char ***words, uint16_t **flags,
                     size_t *n);

/* ---- input.c ----------------------------------------------------------- */

typedef struct ag_article {
  char *id;    /* file name */
  char *text;  /* cleaned UTF-8, date marker removed */
  size_t len;
  char date[11];  /* "YYYY-MM-DD" or "" */
} ag_article;

/* Split off a leading "date YYYY-MM-DD" marker: fills date (or "") and
 * returns the offset where the article text starts. */
size_t ag_article_date(const char *text, size_t len, char date[11]);

/* ---- json.c ------------------------------------------------------------ */

typedef struct ag_json {
  const char *s, *end; /* the cursor and the end of the text */
  const char *err;     /* what went wrong, when a call returned -1 */
} ag_json;

void ag_json_ws(ag_json *p);
/* Skip white space, then consume c if it is next: 1, else 0. */
int ag_json_char(ag_json *p, char c);
/* A string into out (appended; NULL skips it): 0, or -1. */
int ag_json_string(ag_json *p, ag_buf *out);
int ag_json_number(ag_json *p, double *v);
/* null next: consumed, 1; else 0. */
int ag_json_null(ag_json *p);
/* Append code point c as UTF-8. */
int ag_utf8_put(ag_buf *b, unsigned c);
/* Any value; a string or scalar is appended to out (NULL skips). */
int ag_json_value(ag_json *p, ag_buf *out, int depth);

/* One article read from a file. */
typedef struct ag_record {
  ag_buf id;        /* file name; url or FILE#N in a record file; id or FILE#LINE in JSON lines */
  char date[11];    /* from the record's header or JSON, "" if none */
  int date_in_text; /* a plain article: its date marker is still in text */
  ag_buf text;
} ag_record;

void ag_record_init(ag_record *rec);
void ag_record_destroy(ag_record *rec);

/* Articles from one path ("-" = stdin), read in chunks: a plain article,
 * a file of records separated by form-feed lines (each with header lines
 * date/url/source/id, a blank line, then text), or JSON lines (.jsonl,
 * .ndjson; objects with "id", "date", "text"), any of them gzip-compressed. */
typedef struct ag_reader {
  struct gzFile_s *gz;
  const char *path;
  ag_buf name;             /* base name without .gz, for ids */
  ag_buf buf;              /* read, not consumed: [pos, len) */
  size_t pos, scan, records, line;
  size_t max_bytes;        /* longest article or line read; 0 = no limit */
  int eof, jsonl, multi, started;
  int binary;              /* not read: NUL bytes where text should be */
} ag_reader;

int ag_reader_open(ag_reader *r, const char *path, ag_error *err);
/* 1: rec holds the next article; 0: no more; -1: error (in err). */
int ag_reader_next(ag_reader *r, ag_record *rec, ag_error *err);
void ag_reader_close(ag_reader *r);
/* The next raw line (without its newline; valid until the next call), its
 * number in r->line - 1: 1, 0 at the end, -1 on error. */
int ag_reader_line(ag_reader *r, const char **line, size_t *len, ag_error *err);

/* ---- yaml.c: a YAML text as a tree ------------------------------------ */

/* One document as a tree: one array of nodes, one of children and one block
 * of text.  libyaml's own document takes a malloc per node, value and tag,
 * twenty times the file's size; this takes about three.  Types and styles
 * are libyaml's (YAML_SCALAR_NODE, YAML_DOUBLE_QUOTED_SCALAR_STYLE, ...). */
typedef struct ag_ynode {
  uint8_t type;        /* YAML_SCALAR_NODE, YAML_SEQUENCE_NODE, YAML_MAPPING_NODE */
  uint8_t style;       /* scalars: yaml_scalar_style_t */
  uint32_t line, col;  /* where it starts, from 0; col in characters */
  uint32_t first, n;   /* collections: kids[first ...], n items or n pairs
                          (key, value, ...); scalars while building: the
                          value's offset in text and its length */
  const char *value;   /* scalars: NUL-ended */
} ag_ynode;

typedef struct ag_ydoc {
  ag_ynode *nodes;     /* ids from 1, as libyaml's */
  size_t nnodes, cap_nodes;
  uint32_t *kids;
  size_t nkids, cap_kids;
  ag_buf text;
  uint32_t root;       /* 0: none (an empty stream) */
} ag_ydoc;

/* How a stream is read: the fast reader where it can (AUTO), libyaml
 * alone, or the fast reader alone (ag_ystream_next returns AG_EUSAGE, with
 * no message, for a text it leaves to libyaml). */
enum { AG_YAML_AUTO, AG_YAML_LIBYAML, AG_YAML_FAST };

typedef struct ag_ystream ag_ystream;

/* A stream over text (not copied: it must outlive the stream); AG_ENOMEM. */
int ag_ystream_open(ag_ystream **out, const char *text, size_t len, int mode);
/* The next document into d (initialised here; ag_ydoc_destroy it in any
 * case); *got 0 at the end of the stream.  Syntax errors carry FILE:LINE:COL
 * in libyaml's words, whichever reader read the text. */
int ag_ystream_next(ag_ystream *s, ag_ydoc *d, int *got, const char *file, ag_error *err);
void ag_ystream_close(ag_ystream *s);
void ag_ydoc_destroy(ag_ydoc *d);
/* d as text, one node per line (tests compare the two readers with it). */
int ag_ydoc_dump(const ag_ydoc *d, ag_buf *out);
/* Flow collections nested deeper than most: an error at the first one. */
int ag_yaml_check_nesting(const char *text, size_t len, int most, const char *file,
                          ag_error *err);

/* ---- rules.c / pattern.c ---------------------------------------------- */

typedef enum {
  AG_EL_LIT,   /* one token: any of forms[] */
  AG_EL_ALT,   /* alternatives: alts[] sequences */
  AG_EL_SLOT,  /* {source} / {target} */
  AG_EL_GAP,   /* up to max tokens */
  AG_EL_AMOUNT /* {amount}: money */
} ag_el_kind;

typedef struct ag_seq ag_seq;

typedef struct ag_el {
  ag_el_kind kind;
  int optional;
  char **forms;  /* LIT: lower-case forms */
  uint32_t *ids; /* LIT: their word ids (set once the rules are loaded) */
  size_t nforms;
  ag_seq *alts;  /* ALT: borrowed when class != NULL */
  size_t nalts;
  int slot;          /* SLOT: 0 source, 1 target */
  uint32_t types;    /* SLOT: bit set of allowed actor types, 0 = any */
  int max;           /* GAP */
  int owns_alts;
  long cls;          /* ALT from a $CLASS: its index, else -1 */
} ag_el;

struct ag_seq {
  ag_el *els;
  size_t n;
  int plain; /* class entries: only words, none optional ("state media"),
                so a match is a comparison of word ids */
};

enum {
  AG_TYPE_STATE, AG_TYPE_GROUP, AG_TYPE_AGENCY, AG_TYPE_ORGANIZATION,
  AG_TYPE_BANK, AG_TYPE_COMPANY, AG_TYPE_PERSON, AG_TYPE_SECTOR,
  AG_TYPE_OTHER, AG_TYPE_COUNT
};

const char *ag_type_name(int type);
int ag_type_from_name(const char *name);
const char *ag_type_color(int type);
const char *ag_type_shape(int type);

/* A code an actor carries (Phoenix/TABARI "PRKGOV", an OFAC or FtM id),
 * possibly only from one date to another. */
typedef struct ag_code {
  char *code;
  char from[11], to[11];
} ag_code;

typedef struct ag_sanction {
  char *authority, *program;
  char listed[11];
} ag_sanction;

typedef struct ag_actor {
  char *id, *name, *country, *affiliation_id;
  int type;
  ag_code *codes;
  size_t ncodes;
  ag_sanction *sanctions;
  size_t nsanctions;
  long affiliation;    /* actor index or -1 */
  long country_state;  /* the state actor whose country is ours, or -1 */
  int unknown;         /* found in text, not in the dictionary */
  int layer;           /* the rule set (-r) that defined it, from 0 */
  size_t naliases;     /* aliases given to it, against the limit */
} ag_actor;

typedef struct ag_alias {
  size_t actor;
  /* the arrays and strings below live in ag_rules.alias_store */
  char **words;      /* lower-case tokens */
  uint32_t *ids;     /* their word ids */
  uint16_t *exact;   /* per token: 1 = must match capitals exactly */
  char **orig;       /* original tokens, for exact matching */
  size_t n;
  long next;         /* next alias with the same key, or -1 */
  char from[11], to[11]; /* valid for articles dated from..to ("" = open) */
  int dated;         /* from or to given: needs a dated article */
  char *resolves_id; /* the actor it means, if not its owner */
  long resolves;     /* index of that actor, or -1 */
  int layer;         /* the rule set that defined it */
  int disabled;      /* overridden by a later rule set */
} ag_alias;

#define AG_MAX_ANCHORS 8
#define AG_INDEXED_ANCHORS 3 /* the most selective: the ones checked */
#define AG_NEED_LEVELS 4
/* 64-bit words in a bit set of all patterns */
#define AG_PBITS(r) (((r)->npatterns + 63) / 64)

typedef struct ag_pattern {
  ag_seq seq;
  ag_map first;    /* the words a match can start with ... */
  uint8_t *first_ids; /* ... as a bit set of word ids below r->nlow ... */
  int first_any;   /* ... unless it can start anywhere (a slot) */
  size_t gid;      /* index among all patterns of all relations */
  int anchored;    /* a match needs one word of each of its anchors in the
                      sentence (r->anchors) */
  size_t anchor0;  /* its anchors: r->anchor_of[anchor0 .. + nanchors - 1] */
  int nanchors;
  char *text;
  char file[256];
  int line, col;
} ag_pattern;

typedef struct ag_relation {
  char *name, *describe, *color;
  char *cameo, *plover;  /* event codes, for lining up with event data */
  char *intent;          /* PLOVER class of its hypothetical form ("will
                            help" is AGREE, "may attack" THREATEN), or NULL */
  int layer;
  int symmetric;
  int blame;  /* attributed by a reporter, the source is also blamed-by it */
  char **exclude_roles; /* role words that keep a mention out of its slots */
  uint32_t *exclude_ids; /* their word ids */
  size_t nexclude;
  ag_pattern *pats;
  size_t npats, cap_pats;
} ag_relation;

/* Which alternatives of a list can start at a given word: the matcher only
 * tries those (and the ones that can start anywhere). */
typedef struct ag_start_index {
  ag_map by_word;   /* word -> index into lists */
  uint32_t *by_id;  /* word id -> index into lists + 1, 0 none (ids < nby_id);
                       only for r->anchors and r->starts, see r->word_classes */
  size_t nby_id;
  size_t **lists;   /* lists[k][0] = count, then alternative indexes */
  size_t nlists, cap_lists;
  size_t *any;      /* alternatives that can start at any token */
  size_t nany;
  /* r->anchors and r->starts: per list k, the patterns (gid) it stands for
   * as a bit set of PBITS words, only the words not 0: mask_word[i] and
   * mask_bits[i] for i in mask_off[k] .. mask_off[k + 1] */
  uint32_t *mask_off, *mask_word;
  uint64_t *mask_bits;
} ag_start_index;

typedef struct ag_class {
  char *name;
  int layer;
  ag_seq *alts;
  size_t nalts;
  ag_start_index index;
  int state;  /* 0 not compiled, 1 compiling, 2 done */
  char **entries;
  size_t nentries;
  char file[256];
  int line, col;
} ag_class;

/* What the matcher checks before it tries a pattern, packed. */
typedef struct ag_pattern_ref {
  const ag_pattern *pattern;
  uint32_t rel;        /* its relation */
  uint8_t slot_first;  /* starts with a slot: tried at subjects only */
  uint8_t anchored;    /* see ag_pattern */
  uint8_t nanchors;
  uint32_t anchor0;
  uint8_t first_any;   /* can start at any word (else see r->starts) */
  uint8_t min_mentions; /* slots any match fills: it needs as many mentions */
} ag_pattern_ref;

/* A class whose start index lists a word: its list there. */
typedef struct ag_word_class {
  uint32_t cls, list;
} ag_word_class;

/* Classes the engine uses by name (see rules/README.md). */
enum {
  AG_SP_SKIP,        /* may stand between pattern elements */
  AG_SP_PROGRESSIVE, /* may stand before a verb in -ing: "is attacking" */
  AG_SP_ROLE,        /* after an actor, still that actor: "Russian hackers" */
  AG_SP_PREFIX,      /* before an actor, still that actor: "the", "members of" */
  AG_SP_EVENT,       /* after an actor, makes it a modifier: "the Sony hack" */
  AG_SP_PREPOSITION, /* before an actor, it cannot be a pattern's subject */
  AG_SP_NEGATION,    /* near a match: it did not happen */
  AG_SP_HYPOTHETICAL,/* near a match: it may happen or may have happened */
  AG_SP_HEDGE,       /* near a match: lowers its confidence ("suspected") */
  AG_SP_REPORT,      /* "A said B attacked C": A reports the match */
  AG_SP_ACCUSE,      /* "accused B of attacking C": B is the subject */
  AG_SP_DISCARD,     /* phrases that never hold an actor ("Atlanta, Georgia") */
  AG_SP_NOT_NAME,    /* capitalised words that never make an unknown actor */
  AG_SP_TITLE,       /* before an unknown name, makes it a person: "Mr." */
  AG_SP_HEAD_BANK,   /* last word of an unknown name -> its type */
  AG_SP_HEAD_AGENCY,
  AG_SP_HEAD_GROUP,
  AG_SP_HEAD_COMPANY,
  AG_SP_HEAD_ORGANIZATION,
  AG_SP_COUNT
};
extern const char *const AG_SPECIAL_CLASSES[AG_SP_COUNT];

/* A pronoun or definite noun phrase that refers back to a recent actor of
 * one of the given types. */
typedef struct ag_anaphor {
  char **words;    /* lower-case tokens */
  uint32_t *ids;   /* their word ids */
  size_t n;
  uint32_t types;  /* bit set of actor types it may refer to */
  int possessive;  /* "its": an actor only before a role word */
} ag_anaphor;

/* A sentence a rule must handle, checked by `actorgraph test-rules`. */
typedef struct ag_example {
  char *text;
  char **yields;  /* "SRC REL TGT" edges it must give ("?" = any) */
  size_t nyields;
  char **nots;    /* edges it must not give */
  size_t nnots;
  int any;        /* a plain sentence: at least one edge of the relation */
  long relation;  /* the relation it belongs to, or -1 (an actor's) */
  long actor;     /* the actor it belongs to, or -1 */
  char file[256];
  int line, col;
} ag_example;

struct ag_rules {
  ag_actor *actors;
  size_t nactors, cap_actors;
  ag_alias *aliases;
  size_t naliases, cap_aliases;
  ag_arena alias_store; /* the aliases' words, forms and per-word arrays */
  ag_map alias_index;  /* joined lower-case words -> first alias index */
  ag_map actor_index;  /* id -> actor index */
  ag_relation *rels;
  size_t nrels, cap_rels;
  ag_class *classes;
  size_t nclasses, cap_classes;
  ag_anaphor *anaphora;  /* "it", "the group": resolved to a recent actor */
  size_t nanaphora, cap_anaphora;
  ag_example *examples;
  size_t nexamples, cap_examples;
  ag_map class_index;
  ag_map pattern_words; /* every literal of every pattern and class */
  size_t nfiles;
  int layer;                  /* the rule set being loaded */
  ag_rules_limits limits;     /* 0 fields: the defaults */
  ag_buf overrides;           /* what later rule sets replaced, one per line */
  ag_buf warnings;            /* doubtful but legal rules, one per line */
  long rel_affiliated;        /* relation index of affiliated-with or -1 */
  long rel_blamed;            /* relation index of blamed-by or -1 */
  long special[AG_SP_COUNT];  /* class index of each special class, or -1 */
  uint32_t *sp_first;         /* per word id below nlow: bit sp set when the
                                 special class sp can start at it */
  uint32_t sp_any;            /* special classes that can start at any word */
  ag_start_index anchors;     /* anchor word -> the anchor sets it is in */
  /* per level k (see need_bits) where fewer than all patterns fill at most
   * k slots: the same index for those patterns only (same list and set
   * numbers; lists without their sets are empty), else by_id NULL */
  ag_start_index anchors_level[AG_NEED_LEVELS];
  size_t nanchor_sets;
  uint32_t *anchor_of;        /* the anchor sets of the patterns (see
                                 ag_pattern) */
  size_t nanchors;
  size_t npatterns;
  ag_pattern_ref *prefs;      /* per pattern (gid), in the order they run */
  /* bit sets of patterns (gid), PBITS words each: those that can start at
   * any word; per level k, those that fill at most k slots (the last level:
   * any number) */
  uint64_t *anywhere_bits, *need_bits;
  uint64_t *unanchored_bits;  /* patterns with no anchor set */
  uint32_t *first_of_off;     /* per anchor set: where the patterns whose
                                 first (most selective) set it is start in */
  uint32_t *first_of;         /* ... this list of gids */
  size_t need_count[AG_NEED_LEVELS]; /* how many patterns each level has */
  ag_start_index starts;      /* first word -> the patterns (gid) that can start
                                 only at their first words */
  /* Word ids: every word the rules name gets one (see AG_W_*), the words of
   * classes, patterns and anaphora first (ids below nlow), then the words of
   * aliases; a text word no rule names has id AG_W_NONE. */
  ag_map vocab;               /* word -> id */
  size_t nwords, nlow;
  struct ag_vocab_slot *vocab_slots; /* the same, packed for lookups */
  size_t vocab_cap;
  char *vocab_text;           /* the words the slots point into */
  uint8_t *word_flags;        /* per id: AG_WF_* */
  uint8_t *word_kind;         /* per id: AG_K_*, what may start at the word */
  uint32_t *anaphora_off;     /* per id: where its anaphora start in ... */
  uint32_t *anaphora_by_first;/* ... this list of anaphora by first word, in
                                 rule order: index + 1, then the id of the
                                 second word (0: a one-word anaphor) */
  uint32_t *alias_longest;    /* per id: longest alias starting with it */
  uint32_t *alias_lens;       /* per id: bit n - 1 set when an alias of n words
                                 starts with it (bit 31: of 32 or more) */
  uint32_t *alias_slots;      /* hash of word id sequences -> first alias + 1,
                                 then that hash: 2 per slot */
  uint64_t *pair_slots;       /* the first two word ids of every alias of two
                                 or more words (id << 32 | id), a set */
  size_t pair_cap;
  size_t alias_cap;
  /* the class start indexes turned around, so one word's entries are
   * together: for id < nlow, word_classes[class_off[id] .. class_off[id + 1])
   * by ascending class */
  uint32_t *class_off;
  ag_word_class *word_classes;
};

/* One word of the packed vocabulary (open addressing, id 0 = empty). */
typedef struct ag_vocab_slot {
  uint32_t hash, id, len, off;  /* off: into ag_rules.vocab_text */
} ag_vocab_slot;

/* Words the matcher tests by name, with fixed ids. */
enum {
  AG_W_NONE, AG_W_COMMA, AG_W_AND, AG_W_OR, AG_W_AS, AG_W_WELL, AG_W_LPAREN,
  AG_W_RPAREN, AG_W_POSS, AG_W_OF, AG_W_FOR, AG_W_ACCORDING, AG_W_TO, AG_W_THAT,
  AG_W_DOT, AG_W_SEMICOLON, AG_W_COLON, AG_W_DASHES, AG_W_BUT, AG_W_WHILE,
  AG_W_ALTHOUGH, AG_W_THOUGH, AG_W_QUOTE, AG_W_DE, AG_W_DEL, AG_W_AMP, AG_W_THE,
  AG_W_COUNT
};
enum {
  AG_WF_PATTERN = 1, /* a literal of some relation pattern */
  AG_WF_ANAPHOR = 2, /* the first word of an anaphor */
  AG_WF_ANAPHOR_ALONE = 4,  /* ... of a one-word anaphor ("it") */
  AG_WF_ANAPHOR_SECOND = 8  /* the second word of an anaphor */
};
/* What may happen at a word, so that the matcher's passes over a sentence
 * step over the words where nothing can (ag_rules.word_kind; NAME comes
 * from the token's capitals, not the word). */
enum {
  AG_K_ALIAS = 1,   /* an alias starts with it */
  AG_K_DISCARD = 2, /* a DISCARD phrase may start at it */
  AG_K_ANAPHOR = 4, /* an anaphor starts with it */
  AG_K_START = 8,   /* a pattern that starts at given words may start here */
  AG_K_ANCHOR = 16, /* it is in an anchor set */
  AG_K_NAME = 32    /* a capitalised word: may be part of an unknown name */
};

/* The id of a lower-case word of n bytes, AG_W_NONE when no rule names it. */
uint32_t ag_word_id(const ag_rules *r, const char *w, size_t n);
/* The first alias (chained by next) whose words are ids[0..n), or -1. */
/* Can an alias of two or more words start with these two word ids? */
int ag_alias_pair(const ag_rules *r, uint32_t first, uint32_t second);
long ag_alias_lookup(const ag_rules *r, const uint32_t *ids, size_t n);

/* pattern.c */
int ag_pattern_compile(ag_rules *r, const char *text, ag_seq *out,
                       int is_class, ag_error *err, const char *file,
                       int line, int col);
void ag_seq_destroy(ag_seq *s);
int ag_class_compile(ag_rules *r, size_t ci, ag_error *err);
/* First-word index of a list of alternatives / of a pattern. */
int ag_start_index_build(ag_start_index *ix, const ag_seq *alts, size_t n);
void ag_start_index_destroy(ag_start_index *ix);
/* The words seq can start with into *set; 0 when it can start anywhere. */
int ag_seq_first_words(const ag_seq *seq, ag_map *set, int *any);
/* Number the patterns and find their anchor sets: words one of which every
 * match passes through, so a pattern cannot match in a sentence that has no
 * word of one of its sets.  The AG_INDEXED_ANCHORS most selective sets of
 * each pattern are kept and their words indexed. */
int ag_anchor_index_build(ag_rules *r);
/* Give every word of the classes, patterns and anaphora an id in r->vocab and
 * build the id-indexed forms of the first-word and anchor indexes. */
int ag_pattern_ids_build(ag_rules *r);
/* The id of w in r->vocab, added when new; 0 out of memory. */
uint32_t ag_vocab_add(ag_rules *r, const char *w);
/* Word forms of a verb or noun (attack -> attacks, attacked, attacking). */
int ag_word_forms(const char *word, char ***forms, size_t *n);

/* ---- unknown.c: actors found in text, not in the dictionary ------------- */

typedef struct ag_unknown_key {
  size_t name;      /* offset in ag_unknowns.text; the lower-case key follows */
  uint32_t len;     /* of both */
  uint32_t hash;    /* ag_word_hash of the key */
} ag_unknown_key;

typedef struct ag_unknowns {
  ag_actor *items;  /* actor index r->nactors + i; their names live in text */
  ag_unknown_key *keys; /* per item */
  size_t cap_keys;
  size_t n, cap;
  ag_buf text;      /* per item: its name, NUL, its lower-case key, NUL */
  uint32_t *slots;  /* open addressing by key hash: item index + 1, 0 free */
  size_t nslots;    /* a power of two, or 0 */
  ag_map ids;       /* slug -> i */
  int lazy_ids;     /* items get their id only when ag_unknown_id asks ... */
  size_t nids;      /* ... in order: items[0 .. nids) have theirs */
} ag_unknowns;

void ag_unknowns_init(ag_unknowns *u);
/* The id of items[i], made now if the ids are lazy (NULL out of memory).
 * Ids are made in item order, so they are the ones ag_unknowns_get would
 * have made at once. */
const char *ag_unknown_id(ag_unknowns *u, const ag_rules *r, size_t i);
void ag_unknowns_destroy(ag_unknowns *u);
/* Forget every actor, keeping the room. */
void ag_unknowns_clear(ag_unknowns *u);
/* 1 and the item of the actor named name (capitals aside) into *i, else 0. */
int ag_unknowns_find(const ag_unknowns *u, const char *name, size_t *i);
/* The actor index of name (created with type when new). */
int ag_unknowns_get(ag_unknowns *u, const ag_rules *r, const char *name,
                    int type, size_t *index);
/* Dictionary actor i, or unknown actor i - r->nactors (u may be NULL when
 * i < r->nactors). */
const ag_actor *ag_actor_at(const ag_rules *r, const ag_unknowns *u, size_t i);
/* The actor's code for an article of that date ("" = undated): the dated
 * code that holds then, else the first undated one; "" when none. */
const char *ag_actor_code(const ag_actor *a, const char *date);

/* ---- amount.c ---------------------------------------------------------- */

/* Money at token pos ("$81 million", "1.3 billion dollars", "roughly $6m"):
 * the number of tokens it spans (0 if none), its value and currency code. */
size_t ag_amount_at(const ag_doc *d, size_t pos, size_t end, double *value,
                    char currency[8]);

/* ---- match.c ----------------------------------------------------------- */

typedef struct ag_mention {
  size_t first, end;   /* token range, end exclusive, after role words */
  size_t actor;
  size_t alias_end;    /* end of the alias itself, before role words */
  int coref;           /* a pronoun or "the group" resolved to actor */
} ag_mention;

enum { AG_MOD_ASSERTED, AG_MOD_HYPOTHETICAL, AG_MOD_NEGATED };

typedef struct ag_assertion {
  size_t source, target;  /* actor indexes */
  size_t relation;
  size_t sentence;
  int modality;           /* AG_MOD_*; only ASSERTED unless keep_modal */
  double confidence;      /* 1, lowered by hedges ("suspected", "allegedly") */
  long reporter;          /* who said so ("according to the FBI"), or -1 */
  int has_amount;         /* money in the match: amount of currency */
  double amount;
  char currency[8];
  /* provenance */
  const ag_pattern *pattern; /* the pattern that matched; NULL when made by: */
  int how;                /* AG_HOW_* */
  size_t match_first, match_end;  /* matched tokens */
  long smention, tmention;        /* mention indexes in the result, or -1 */
} ag_assertion;

enum { AG_HOW_PATTERN, AG_HOW_DICTIONARY, AG_HOW_REPORTING };

/* What matching needs per sentence, kept from one document to the next
 * (with the rules it was sized for). */
typedef struct ag_match_scratch {
  const struct ag_rules *rules;
  size_t npatterns, nanchor_sets, nby_id; /* its sizes */
  uint32_t *ids;          /* per token: word id */
  size_t cap_ids;
  uint8_t *kinds;         /* per token: AG_K_*, then 8 zero bytes */
  size_t cap_kinds;
  size_t *mention_at;     /* per token of the sentence, then its subjects */
  size_t cap_mention_at;
  uint8_t *cache;         /* special-class cache, covered and literal flags */
  size_t cap_cache;
  uint64_t *first_seen;   /* 2 x PBITS words */
  uint8_t *alast;         /* per anchor set, all 0 between sentences */
  uint32_t *touched;      /* per anchor set */
  uint32_t *wstamp;       /* per anchor word id */
  uint32_t stamp;         /* the current sentence's stamp in wstamp */
  ag_buf name;            /* an unknown actor's name being read */
} ag_match_scratch;

typedef struct ag_match_result {
  ag_mention *mentions;
  size_t nmentions, cap_mentions;
  ag_assertion *asserts;
  size_t nasserts, cap_asserts;
  size_t dropped_negated, dropped_hypothetical;
  ag_match_scratch scratch;
} ag_match_result;

typedef struct ag_match_options {
  ag_unknowns *unknowns; /* capture unknown actors here, or NULL */
  FILE *trace;           /* explain matches here, or NULL */
  int keep_modal;        /* keep negated and hypothetical assertions */
  int explain;           /* also trace near misses */
  size_t text_offset;    /* where doc's text starts in its file */
  const char *date;      /* the article's date, "" when unknown */
  ag_match_scratch *scratch; /* buffers to use, or NULL: the result's own */
} ag_match_options;

/* Free a scratch's buffers (it can be used again). */
void ag_match_scratch_destroy(ag_match_scratch *x);

void ag_match_result_init(ag_match_result *m);
void ag_match_result_destroy(ag_match_result *m);
/* Find mentions and assertions in every sentence of doc. */
int ag_match_doc(const ag_rules *r, const ag_doc *doc, ag_match_result *m,
                 const ag_match_options *opts);

/* ---- graph.c ----------------------------------------------------------- */

struct ag_extractor;
const ag_rules *ag_extractor_rules(const struct ag_extractor *ex);
const ag_extract_options *ag_extractor_options(const struct ag_extractor *ex);
/* Add one article whose date is known (date "" = undated); date NULL reads
 * a "date YYYY-MM-DD" marker at the start of text, as ag_extractor_add. */
int ag_extractor_add_record(struct ag_extractor *ex, const char *id, const char *date,
                            const char *text, size_t len, ag_error *err);

/* What one article adds to the graph, as plain values: made from a matched
 * article, or read back from a JSON lines shard by merge.  Actors are
 * numbered as in the article: below the dictionary's count a dictionary
 * actor, above it the article's own unknown actors (unk_*). Strings are
 * offsets into pool. */
typedef struct ag_art_mention {
  size_t actor, form;
} ag_art_mention;

typedef struct ag_art_edge {
  size_t src, rel, tgt;
  int modality;
  double confidence;
  int has_amount;
  double amount;
  char currency[8];
  long reporter;        /* actor, or -1 */
  size_t role[2];       /* role words of source and target ("" none) */
  size_t evidence;
} ag_art_edge;

typedef struct ag_art {
  ag_buf pool;
  size_t id;
  char date[11];
  int skipped;          /* outside since/until */
  size_t sentences, mentions, assertions, negated, hypothetical;
  size_t *unk_name;     /* pool offsets */
  int *unk_type;
  size_t nunk, cap_unk;
  ag_art_mention *ms;   /* names only (no pronouns), in text order */
  size_t nms, cap_ms;
  ag_art_edge *es;
  size_t nes, cap_es;
} ag_art;

void ag_art_init(ag_art *a);
void ag_art_clear(ag_art *a);
void ag_art_destroy(ag_art *a);
/* Room for n unknown actors. */
int ag_art_reserve_unknowns(ag_art *a, size_t n);
/* Store s (n bytes) in a's pool; *off receives its offset. */
int ag_art_str(ag_art *a, const char *s, size_t n, size_t *off);
#define AG_ART_S(a, off) ((a)->pool.data + (off))
/* Add an article record to the graph (and, with provenance, the JSON line
 * `line` of len bytes verbatim: merge passes its input through). */
int ag_extractor_add_art(struct ag_extractor *ex, ag_art *art, const char *line,
                         size_t len, ag_error *err);
/* Append the JSON line of art (record "article") to b. */
int ag_art_json(const ag_rules *r, const ag_art *art, ag_buf *b);

/* In functions that keep int rc and a done: label: an igraph call that
 * fails sets rc to AG_EGRAPH and jumps there. */
#define IG(call)                    \
  do {                              \
    if ((call) != IGRAPH_SUCCESS) { \
      rc = AG_EGRAPH;               \
      goto done;                    \
    }                               \
  } while (0)

/* ---- analyze.c --------------------------------------------------------- */

/* 1 when date ("" = undated) lies in [since, until] (either may be NULL;
 * partial dates compare by their prefix). */
int ag_date_in_window(const char *date, const char *since, const char *until);
/* The relation named name[0..n), or -1. */
long ag_rules_relation(const ag_rules *r, const char *name, size_t n);
struct igraph_s;
/* Apply the graph filters of o to g in place (see ag_extract_options). */
int ag_graph_filter(struct igraph_s *g, const ag_rules *r, const ag_extract_options *o,
                    ag_error *err);
/* Degrees, PageRank, betweenness, communities and size as vertex attributes. */
int ag_graph_analyze(struct igraph_s *g);

/* ---- export_*.c -------------------------------------------------------- */

/* The attributes every exporter writes, in this order (one table, so the
 * formats agree).  Strings may be "" (left out where a format allows),
 * numbers may be NaN (left out likewise). */
typedef enum { AG_ATTR_STRING, AG_ATTR_INT, AG_ATTR_DOUBLE, AG_ATTR_BOOL } ag_attr_type;
typedef struct ag_attr_key {
  const char *name;
  ag_attr_type type;
} ag_attr_key;
extern const ag_attr_key ag_node_keys[];
extern const size_t ag_n_node_keys;
extern const ag_attr_key ag_edge_keys[];
extern const size_t ag_n_edge_keys;

int ag_write_graphml(const ag_graph *g, ag_buf *out);
int ag_write_dot(const ag_graph *g, ag_buf *out);
int ag_write_gexf(const ag_graph *g, ag_buf *out);
int ag_write_csv_nodes(const ag_graph *g, ag_buf *out);
int ag_write_csv_edges(const ag_graph *g, ag_buf *out);
int ag_write_json(const ag_graph *g, ag_buf *out);
int ag_write_html(const ag_graph *g, ag_buf *out);
/* 1 when the HTML viewer (its vendored JavaScript) was built in. */
int ag_html_available(void);
/* Render through a Graphviz program (dot up to 150 nodes, sfdp above) into
 * out; a clear error when Graphviz is not installed. */
int ag_render_graphviz(const ag_graph *g, ag_format format, ag_buf *out,
                       ag_error *err);

/* Escapers append to b. */
int ag_json_escape(ag_buf *b, const char *s);
int ag_xml_escape(ag_buf *b, const char *s, int attribute);
int ag_dot_escape(ag_buf *b, const char *s);

#endif
