/*
 * actorgraph: news articles + YAML rules -> a graph of actors and relations.
 *
 * Pipeline: rules (ag_rules_load) -> extractor (ag_extractor_add, once per
 * article) -> graph (ag_extractor_graph, an igraph graph with attributes)
 * -> exports (ag_graph_write: GraphML, DOT).
 *
 * Conventions: functions return 0 (AG_OK) or a negative AG_E* code and fill
 * an optional ag_error with a one-line message and, where there is one, the
 * position (file, 1-based line and column).  Strings passed in are copied;
 * strings returned are borrowed from the object that returned them and live
 * as long as it does.  Every _free accepts NULL.
 */
#ifndef ACTORGRAPH_H
#define ACTORGRAPH_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AG_OK 0
#define AG_ENOMEM (-1)  /* out of memory */
#define AG_EIO (-2)     /* reading or writing a file failed */
#define AG_ERULES (-3)  /* rules are malformed */
#define AG_EINPUT (-4)  /* an article cannot be used */
#define AG_EGRAPH (-5)  /* igraph reported an error */
#define AG_EUSAGE (-6)  /* a caller passed something meaningless */

typedef struct ag_error {
  int code;           /* AG_OK when nothing failed */
  char message[512];  /* one line, no trailing newline */
  char file[512];     /* "" when the error has no file */
  int line;           /* 1-based; 0 when unknown */
  int col;            /* 1-based; 0 when unknown */
} ag_error;

/* Reset err to "no error". */
void ag_error_clear(ag_error *err);

/* Format err as "FILE:LINE:COL: message" (parts omitted when unknown) into
 * buf; returns buf. */
const char *ag_error_format(const ag_error *err, char *buf, size_t size);

/* Version string, e.g. "0.1.0". Static storage. */
const char *ag_version(void);

/* ---- Rules ------------------------------------------------------------ */

typedef struct ag_rules ag_rules;

typedef struct ag_rules_counts {
  size_t files, actors, aliases, relations, patterns, classes, examples;
} ag_rules_counts;

/* Limits on what rules may hold, against hostile or broken rule files;
 * 0 means the default.  Exceeding one is an error naming it. */
typedef struct ag_rules_limits {
  size_t max_aliases_per_actor; /* default AG_DEFAULT_MAX_ALIASES */
  int max_yaml_depth;           /* nested YAML collections; default 64 */
} ag_rules_limits;

#define AG_DEFAULT_MAX_ALIASES 100000
#define AG_DEFAULT_MAX_YAML_DEPTH 64

/* Load rules from a directory (every *.yaml / *.yml in it, sorted by name) or
 * from one file.  On success *out owns the rules: free with ag_rules_free. */
int ag_rules_load(ag_rules **out, const char *path, ag_error *err);

/* Load several rule sets in order (e.g. the default rules, an imported
 * dictionary, an analyst's overrides).  Later sets add to earlier ones; an
 * actor, alias, class or relation of a later set replaces the earlier one of
 * the same id, text or name (see ag_rules_overrides).  Within one set such
 * duplicates are errors. */
int ag_rules_load_layers(ag_rules **out, const char *const *paths, size_t n,
                         ag_error *err);
/* The same with limits (NULL: the defaults). */
int ag_rules_load_layers_with(ag_rules **out, const char *const *paths, size_t n,
                              const ag_rules_limits *limits, ag_error *err);

/* What later rule sets replaced, one "FILE:LINE:COL: message" per line;
 * "" when nothing.  Borrowed from rules. */
const char *ag_rules_overrides(const ag_rules *rules);

/* Doubtful but legal rules (a pattern repeated, a class entry that can
 * match no words), one "FILE:LINE:COL: message" per line; "" when none. */
const char *ag_rules_warnings(const ag_rules *rules);

/* Load rules from YAML text held in memory; name is used in diagnostics. */
int ag_rules_load_string(ag_rules **out, const char *yaml, size_t len,
                         const char *name, ag_error *err);

void ag_rules_free(ag_rules *rules);

/* Every alias once, as text (the tokens with the rules' capitals), sorted,
 * one per line: a fixed-string list for grep -F -f.  AG_EIO if out fails. */
int ag_rules_list_aliases(const ag_rules *rules, FILE *out);
void ag_rules_get_counts(const ag_rules *rules, ag_rules_counts *counts);

/* Run the rules' own examples (each sentence alone, with default options)
 * and report every failure to report as "FILE:LINE:COL: message" with the
 * edges it gave and the patterns behind them.  *passed and *failed count
 * examples.  Returns 0, or AG_ENOMEM. */
int ag_rules_test(const ag_rules *rules, FILE *report, size_t *passed,
                  size_t *failed);

/* ---- Extraction ------------------------------------------------------- */

typedef struct ag_extract_options {
  int keep_isolated;  /* keep actors that are mentioned but in no edge */
  int no_unknown;     /* do not capture actors missing from the dictionary */
  int keep_modal;     /* keep negated and hypothetical statements as edges
                         (edge attribute modality) instead of dropping them */
  FILE *trace;        /* when set, explain every sentence with an actor:
                         its actors (with byte offsets), each match and the
                         pattern behind it */
  int explain;        /* with trace: also near misses (a pattern that fails
                         only on an actor type or a slot with no actor) */
  int provenance;     /* keep every assertion's provenance for JSONL */
  /* Filters.  since/until ("YYYY", "YYYY-MM" or "YYYY-MM-DD", inclusive)
   * skip articles dated outside them, and undated ones, before matching.
   * The rest cut the built graph, in this order: relations (comma-separated
   * names) keeps only those relations; min_weight drops edges with fewer
   * supporting mentions (and then actors left with no edge, unless
   * keep_isolated); focus keeps the actors within depth (0 means 1) steps of
   * the actor it names (id, name or any alias), edges taken either way;
   * largest_component keeps the largest weakly connected component.
   * Measures (degrees, PageRank, betweenness, communities) are computed on
   * what is left. */
  const char *since, *until;
  const char *relations;
  double min_weight;
  const char *focus;
  int depth;
  int largest_component;
  int threads;        /* ag_extractor_add_paths: matching threads, 0 = one
                         per core; the graph is the same for any number */
  size_t max_article_bytes; /* longer articles (or JSON lines) are an error;
                               0 = AG_DEFAULT_MAX_ARTICLE */
  FILE *warnings;     /* files skipped (binary) are named here, or NULL */
  size_t max_sentence_tokens; /* a longer run of words without a sentence
                                 end is cut here; 0 = 250 */
  FILE *provenance_out; /* with provenance: the JSON lines are written here
                           as articles are added, in reading order, instead
                           of being kept for ag_graph_provenance (which then
                           gives ""), so memory does not grow with the
                           corpus; building the graph flushes it, and a
                           failed write is its error (AG_EIO) */
} ag_extract_options;

#define AG_EXTRACT_OPTIONS_INIT \
  {0, 0, 0, NULL, 0, 0, NULL, NULL, NULL, 0, NULL, 0, 0, 0, 0, NULL, 0, NULL}
#define AG_DEFAULT_MAX_ARTICLE ((size_t)64 << 20)
#define AG_MAX_THREADS 256

/* Check the filters against the rules (dates well formed, relations known)
 * before a long run; ag_extractor_graph checks them again. */
int ag_extract_options_check(const ag_rules *rules, const ag_extract_options *opts,
                             ag_error *err);

typedef struct ag_extract_counts {
  size_t articles, sentences, mentions, assertions;
  size_t dropped_negated, dropped_hypothetical; /* counted even when kept */
  size_t out_of_window;  /* articles skipped by since/until */
  size_t unknown_actors; /* distinct actors missing from the dictionary that
                            took part in a relation (each is tracked from the
                            first article that relates it) */
  size_t binary_skipped; /* files not read: NUL bytes where text should be */
} ag_extract_counts;

typedef struct ag_extractor ag_extractor;

/* Create an extractor over rules (borrowed: keep them alive until the
 * extractor is freed).  opts may be NULL for defaults. */
int ag_extractor_new(ag_extractor **out, const ag_rules *rules,
                     const ag_extract_options *opts);
void ag_extractor_free(ag_extractor *ex);

/* Add one article.  id (copied) names it in `sources`; text is UTF-8 and may
 * start with a "date YYYY-MM-DD" marker.  Invalid bytes are replaced. */
int ag_extractor_add(ag_extractor *ex, const char *id, const char *text,
                     size_t len, ag_error *err);

/* Read the article at path ("-" = stdin) and add it; its id is the file
 * name without directories ("stdin" for standard input). */
int ag_extractor_add_file(ag_extractor *ex, const char *path, ag_error *err);

/* A list of article paths.  Zero-initialise ({0}) before use. */
typedef struct ag_paths {
  char **items;
  size_t n, cap;
} ag_paths;

/* Append path: a file as it is, "-" as it is, a directory as every *.txt
 * below it (recursively; hidden entries skipped), in sorted order. */
int ag_paths_add(ag_paths *paths, const char *path, ag_error *err);
void ag_paths_destroy(ag_paths *paths);

/* Read every article of paths (plain articles, record files separated by
 * form-feed lines, JSON lines, any of them gzip-compressed) and add them in
 * order, matching on opts.threads threads; memory stays bounded (articles
 * are read and matched in batches).  progress, when not NULL, is called
 * with each path's index once all of it is added.  Stops at the first path
 * that cannot be read. */
typedef void (*ag_progress_fn)(void *user, size_t path_index);
int ag_extractor_add_paths(ag_extractor *ex, const ag_paths *paths,
                           ag_progress_fn progress, void *user, ag_error *err);

/* Add a shard written by extract with a .jsonl output (each article's
 * record line, then its assertions' provenance; plain or gzip): the reduce
 * of a map/reduce run.  Adding the shards of a corpus in order gives the
 * graph a single run over the corpus gives, byte for byte.  The rules must
 * be the ones the shards were made with; opts.since/until apply again. */
int ag_extractor_merge_file(ag_extractor *ex, const char *path, ag_error *err);

/* The number of threads used when opts.threads is 0: the online cores. */
int ag_default_threads(void);

void ag_extractor_get_counts(const ag_extractor *ex, ag_extract_counts *counts);

/* ---- Graph ------------------------------------------------------------ */

typedef struct ag_graph ag_graph;

/* Build the aggregated graph of everything added so far.  Caller frees with
 * ag_graph_free.  Vertices are sorted by actor id, edges by (source id,
 * relation, target id), so equal input gives equal graphs. */
int ag_extractor_graph(ag_graph **out, const ag_extractor *ex, ag_error *err);
/* The same, but the extractor hands what it found over to the graph as it
 * is built, so the two are never both in memory: afterwards ex takes no
 * more articles and no second graph (AG_EUSAGE); free it. */
int ag_extractor_take_graph(ag_graph **out, ag_extractor *ex, ag_error *err);
void ag_graph_free(ag_graph *graph);

size_t ag_graph_node_count(const ag_graph *graph);
size_t ag_graph_edge_count(const ag_graph *graph);

/* Borrowed strings of node i: its id (slug) and label. */
const char *ag_graph_node_id(const ag_graph *graph, size_t i);
const char *ag_graph_node_label(const ag_graph *graph, size_t i);

/* Edge i as borrowed (source id, relation, target id); returns AG_EUSAGE
 * when i is out of range. */
int ag_graph_edge(const ag_graph *graph, size_t i, const char **source,
                  const char **relation, const char **target);

/* The igraph_t inside (borrowed; cast to const igraph_t *).  Vertex
 * attributes: id, label, actor_type, color, size, mentions, articles,
 * first_seen, last_seen, aliases, country, affiliation, known (boolean:
 * false for actors found in text but missing from the dictionary), code
 * (its source code, e.g. Phoenix "PRKGOV", dated codes resolved against
 * last_seen), sanctioned (boolean), sanction_programs ("OFAC:DPRK3 | ..."),
 * in_degree, out_degree, degree (edges, each relation counted), pagerank
 * (weighted by mentions, damping 0.85), betweenness (directed, in hops;
 * estimated from pivot actors on large graphs),
 * community (multilevel communities of the undirected projection, numbered
 * by size from 0), and size (10..50, following PageRank).
 * Edge
 * attributes:
 * relation, label, weight, mentions, articles, first_seen, last_seen,
 * evidence, sources, color, modality ("asserted", "hypothetical",
 * "negated": the strongest of its mentions), confidence (0..1, lowered by
 * hedges such as "suspected"), amount (total money over its mentions; NaN
 * when none), currency ("USD"..., "mixed"), amounts (each, " | "-joined),
 * attributed_by (ids of who reported it: "according to the FBI"),
 * source_role and target_role (role words: "hackers" in "North Korean
 * hackers"), cameo and plover (the relation's event codes, "" if none). */
const void *ag_graph_igraph(const ag_graph *graph);

/* The provenance of every assertion as JSON lines (article, date, sentence,
 * byte offsets, source, relation, target, the words of each, the rule and
 * pattern, the matched text, modality, confidence, coreference, attribution,
 * amount); "" unless extracted with opts.provenance.  Borrowed. */
const char *ag_graph_provenance(const ag_graph *graph, size_t *len);

/* Write what a run read and found to out: the counts, the top actors by
 * PageRank, edges and mentions per relation; a readable table, or JSON when
 * json is set.  keep_modal says whether negated and hypothetical statements
 * were kept as edges. */
int ag_graph_stats(const ag_graph *graph, const ag_extract_counts *counts,
                   int keep_modal, int json, size_t top, FILE *out, ag_error *err);

/* ---- Import ----------------------------------------------------------- */

typedef struct ag_import_counts {
  size_t files, actors, aliases;
  size_t clashes;       /* aliases dropped: another actor already had them */
  size_t merged;        /* entries merged into an actor of the same name */
  size_t uncoded;       /* TABARI phrases never given a code */
  size_t bad_dates;     /* date ranges that could not be read */
  size_t dated_aliases, sanctions, roles, discards;
} ag_import_counts;

/* Convert dictionaries or sanctions lists into actor YAML: format "tabari"
 * (or "petrarch": .actors files, .agents files -> IMPORTED-ROLES, discard
 * files -> IMPORTED-DISCARDS), "countryinfo", "ftm" (FollowTheMoney JSON
 * lines), "ofac" (sdn.csv and alt.csv).  The output is sorted by id, so the
 * same input gives the same file.  Caller frees *yaml with free(). */
int ag_import(const char *format, const char *const *files, size_t nfiles,
              char **yaml, size_t *len, ag_import_counts *counts, ag_error *err);

/* ---- Export ----------------------------------------------------------- */

typedef enum ag_format {
  AG_FORMAT_UNKNOWN = 0,
  AG_FORMAT_GRAPHML,
  AG_FORMAT_DOT,
  AG_FORMAT_JSONL, /* provenance: one JSON object per assertion */
  AG_FORMAT_GEXF,  /* GEXF 1.3 with edge spells from article dates */
  AG_FORMAT_CSV,   /* NAME.csv -> NAME-nodes.csv and NAME-edges.csv */
  AG_FORMAT_JSON,  /* node-link JSON: {"nodes": [...], "links": [...]} */
  AG_FORMAT_HTML,  /* one self-contained interactive page */
  AG_FORMAT_SVG,   /* rendered by Graphviz (the dot or sfdp program) */
  AG_FORMAT_PNG,
  AG_FORMAT_PDF
} ag_format;

/* Format named by a path's extension (".graphml", ".dot", ".gv", ".jsonl")
 * or by a format name ("graphml", "dot", "jsonl"); AG_FORMAT_UNKNOWN
 * otherwise.  JSONL holds the provenance of every assertion and needs
 * ag_extract_options.provenance. */
ag_format ag_format_from_path(const char *path);
ag_format ag_format_from_name(const char *name);

/* Write graph to path atomically: a temporary file beside it is renamed over
 * path only when everything was written.  path "-" writes to stdout. */
int ag_graph_write(const ag_graph *graph, const char *path, ag_format format,
                   ag_error *err);

/* Write n bytes to path atomically (temp file + rename); "-" is stdout. */
int ag_write_file(const char *path, const char *data, size_t n, ag_error *err);

/* Write graph to an open stream (not closed). */
int ag_graph_write_stream(const ag_graph *graph, FILE *out, ag_format format,
                          ag_error *err);

/* An output written bit by bit, yet atomically: ag_output_file's stream
 * goes to a temporary file beside path, renamed over path by
 * ag_output_commit.  path "-" is stdout, which gets the bytes only at the
 * commit (kept until then in an unnamed file in $TMPDIR, else /tmp); a
 * FIFO or a device is written directly.  commit and abort free o (abort removes what was
 * written).  With ag_extract_options.provenance_out, a JSONL output of any
 * size takes no memory. */
typedef struct ag_output ag_output;
int ag_output_open(ag_output **o, const char *path, ag_error *err);
FILE *ag_output_file(ag_output *o);
int ag_output_commit(ag_output *o, ag_error *err);
void ag_output_abort(ag_output *o);

#ifdef __cplusplus
}
#endif

#endif
