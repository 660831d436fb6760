/* actorgraph command line: a thin layer over the library in actorgraph.h.
 * One option table drives parsing and --help. */
#include "actorgraph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };
enum { CMD_EXTRACT = 1, CMD_CHECK = 2, CMD_TEST = 4, CMD_EXPLAIN = 8, CMD_IMPORT = 16,
       CMD_STATS = 32, CMD_MERGE = 64 };
#define CMD_ALL \
  (CMD_EXTRACT | CMD_CHECK | CMD_TEST | CMD_EXPLAIN | CMD_IMPORT | CMD_STATS | CMD_MERGE)
#define CMD_GRAPH (CMD_EXTRACT | CMD_STATS) /* commands that read articles */
#define CMD_FILTER (CMD_GRAPH | CMD_MERGE) /* commands that build a graph */

typedef enum {
  OPT_RULES, OPT_OUTPUT, OPT_FORMAT, OPT_FROM, OPT_ISOLATED, OPT_NO_UNKNOWN, OPT_KEEP_MODAL,
  OPT_TRACE, OPT_FOCUS, OPT_DEPTH, OPT_RELATION, OPT_MIN_WEIGHT, OPT_SINCE, OPT_UNTIL,
  OPT_LARGEST, OPT_JSON, OPT_TOP, OPT_PROGRESS, OPT_VERBOSE, OPT_JOBS, OPT_LIST_ALIASES,
  OPT_MAX_ARTICLE, OPT_MAX_SENTENCE, OPT_MAX_ALIASES, OPT_MAX_YAML_DEPTH,
  OPT_QUIET, OPT_HELP,
  OPT_VERSION
} opt_id;

typedef struct option {
  opt_id id;
  char short_name;
  const char *long_name;
  const char *arg;  /* NULL when the option takes no argument */
  unsigned commands;
  const char *help;
} option;

static const option OPTIONS[] = {
    {OPT_RULES, 'r', "rules", "RULES", CMD_FILTER | CMD_CHECK | CMD_TEST | CMD_EXPLAIN,
     "rules directory (every *.yaml, *.yml) or one file; repeat to layer "
     "rule sets, later ones overriding earlier ones; default "
     "$ACTORGRAPH_RULES, the installed rules, else ./rules"},
    {OPT_OUTPUT, 'o', "output", "OUT", CMD_EXTRACT | CMD_MERGE | CMD_IMPORT,
     "write the graph to OUT (repeatable); the format follows the extension: "
     ".graphml, .gexf (with a timeline), .dot, .json (node-link), .csv "
     "(NAME-nodes.csv and NAME-edges.csv), .html (interactive page), .svg, "
     ".png, .pdf (drawn by Graphviz), .jsonl (one JSON object per assertion "
     "with its provenance); '-' or no -o writes GraphML to stdout"},
    {OPT_FROM, 0, "from", "FORMAT", CMD_IMPORT,
     "import: what the files are: tabari (or petrarch: .actors, .agents, "
     "discards), countryinfo, ftm (FollowTheMoney JSON lines), ofac (sdn.csv, "
     "alt.csv)"},
    {OPT_FORMAT, 'f', "format", "FMT", CMD_EXTRACT | CMD_MERGE,
     "force the format of every output: graphml, gexf, dot, json, csv, html, "
     "svg, png, pdf or jsonl"},
    {OPT_ISOLATED, 0, "keep-isolated", NULL, CMD_FILTER,
     "keep actors that are mentioned but take part in no relation"},
    {OPT_NO_UNKNOWN, 0, "no-unknown", NULL, CMD_GRAPH | CMD_EXPLAIN,
     "do not capture actors missing from the dictionary (capitalised names in "
     "a relation, written with known=false)"},
    {OPT_KEEP_MODAL, 0, "keep-modal", NULL, CMD_GRAPH,
     "keep negated and hypothetical statements as edges with the attribute "
     "modality (by default they are dropped and counted)"},
    {OPT_TRACE, 0, "trace", NULL, CMD_EXTRACT,
     "explain on stderr every sentence with an actor: the actors found, each "
     "match and the pattern (file:line) behind it"},
    {OPT_FOCUS, 0, "focus", "ACTOR", CMD_FILTER,
     "keep only ACTOR (id, name or alias) and the actors within --depth steps "
     "of it"},
    {OPT_DEPTH, 0, "depth", "N", CMD_FILTER, "steps from the --focus actor (default 1)"},
    {OPT_RELATION, 0, "relation", "R[,R...]", CMD_FILTER,
     "keep only these relations (repeatable)"},
    {OPT_MIN_WEIGHT, 0, "min-weight", "N", CMD_FILTER,
     "drop edges supported by fewer than N mentions"},
    {OPT_SINCE, 0, "since", "DATE", CMD_FILTER,
     "read only articles dated DATE (YYYY, YYYY-MM or YYYY-MM-DD) or later; "
     "undated articles are skipped"},
    {OPT_UNTIL, 0, "until", "DATE", CMD_FILTER,
     "read only articles dated DATE or earlier (inclusive: --until 2017 "
     "includes December 2017)"},
    {OPT_LARGEST, 0, "largest-component", NULL, CMD_FILTER,
     "keep only the largest connected component"},
    {OPT_JSON, 0, "json", NULL, CMD_STATS, "stats: print JSON instead of a table"},
    {OPT_LIST_ALIASES, 0, "list-aliases", NULL, CMD_CHECK,
     "check: print every alias, one per line (for grep -F -f), instead of "
     "the counts"},
    {OPT_TOP, 0, "top", "N", CMD_STATS, "stats: how many top actors to list (default 10)"},
    {OPT_JOBS, 'j', "jobs", "N", CMD_GRAPH,
     "match articles on N threads (default: one per core); the output is the "
     "same for any N"},
    {OPT_MAX_ARTICLE, 0, "max-article-mb", "N", CMD_GRAPH,
     "an article (or JSON line) longer than N MB is an error (default 64)"},
    {OPT_MAX_SENTENCE, 0, "max-sentence-tokens", "N", CMD_GRAPH,
     "cut a run of words with no sentence end after N tokens (default 250; "
     "10 to 10000)"},
    {OPT_MAX_ALIASES, 0, "max-aliases", "N", CMD_ALL & ~CMD_IMPORT,
     "rules: an actor with more than N aliases is an error (default 100000)"},
    {OPT_MAX_YAML_DEPTH, 0, "max-yaml-depth", "N", CMD_ALL & ~CMD_IMPORT,
     "rules: YAML collections nested deeper than N are an error (default 64)"},
    {OPT_PROGRESS, 0, "progress", NULL, CMD_GRAPH,
     "show a progress line on stderr even when it is not a terminal (it is "
     "shown on a terminal anyway, for runs longer than a second)"},
    {OPT_VERBOSE, 'v', "verbose", NULL, CMD_GRAPH,
     "one line per article on stderr: its sentences and assertions"},
    {OPT_QUIET, 'q', "quiet", NULL, CMD_FILTER | CMD_IMPORT,
     "no summary and no progress on stderr"},
    {OPT_HELP, 'h', "help", NULL, CMD_ALL, "show this help and exit"},
    {OPT_VERSION, 'V', "version", NULL, CMD_ALL,
     "show the version and exit"},
};

#define NOPTIONS (sizeof OPTIONS / sizeof OPTIONS[0])

typedef struct args {
  unsigned command;
  const char **rules; /* -r, in order: later sets override earlier ones */
  size_t nrules;
  const char **outputs;
  size_t noutputs;
  const char *format;
  const char *from;
  int keep_isolated, no_unknown, keep_modal, trace, quiet, help, version;
  int largest, json, progress, verbose, list_aliases;
  const char *focus, *since, *until;
  const char *depth, *min_weight, *top, *jobs, *max_article, *max_sentence; /* checked when used */
  const char *max_aliases, *max_yaml_depth;
  char *relations;                     /* every --relation, comma-joined */
  const char **paths;
  size_t npaths;
} args;

static void usage(FILE *f) {
  fprintf(f,
          "Usage: actorgraph extract [-r RULES] [-o OUT]... [PATH...]\n"
          "       actorgraph check [-r RULES]\n"
          "       actorgraph test-rules [-r RULES]\n"
          "       actorgraph stats [-r RULES] [--json] [PATH...]\n"
          "       actorgraph merge [-r RULES] [-o OUT]... PART.jsonl...\n"
          "       actorgraph explain [-r RULES] [PATH...]\n"
          "       actorgraph import --from FORMAT FILE... [-o actors.yaml]\n"
          "\n"
          "Turn news articles into a graph of actors and what they did to each\n"
          "other, using YAML rules.\n"
          "\n"
          "Commands:\n"
          "  extract   read articles (files, directories of *.txt, '-' or\n"
          "            nothing for stdin) and write the graph\n"
          "  stats     read articles as extract does and print what was found:\n"
          "            counts, top actors by PageRank, edges per relation\n"
          "  merge     build the graph from shards written by extract -o\n"
          "            PART.jsonl (map/reduce); the same graph, byte for byte,\n"
          "            as one extract over all the articles, given the same\n"
          "            rules and the shards in order\n"
          "  check     validate the rules and print what they hold\n"
          "  test-rules  run the examples written in the rules and report\n"
          "            every one that fails\n"
          "  explain   show, per sentence, the actors found (with byte\n"
          "            offsets), every match with its pattern, kept or dropped,\n"
          "            and near misses; writes no graph\n"
          "  import    turn other dictionaries and sanctions lists into actor\n"
          "            YAML (stdout, or -o FILE)\n"
          "\n"
          "Options:\n");
  for (size_t i = 0; i < NOPTIONS; i++) {
    const option *o = &OPTIONS[i];
    char left[64];
    if (o->short_name)
      snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->long_name,
               o->arg ? " " : "", o->arg ? o->arg : "");
    else
      snprintf(left, sizeof left, "    --%s%s%s", o->long_name, o->arg ? " " : "",
               o->arg ? o->arg : "");
    fprintf(f, "  %-24s", left);
    if (strlen(left) > 24) fprintf(f, "\n  %24s", "");
    /* the help text, wrapped at 79 columns under its own column */
    const char *h = o->help;
    size_t col = 26;
    while (*h) {
      size_t w = strcspn(h, " ");
      if (col > 26 && col + 1 + w > 79) {
        fprintf(f, "\n%26s", "");
        col = 26;
      }
      fprintf(f, " %.*s", (int)w, h);
      col += 1 + w;
      h += w;
      while (*h == ' ') h++;
    }
    fputc('\n', f);
  }
  fprintf(f,
          "\nExit status: 0 ok, 1 input or processing error, 2 usage error.\n"
          "Rule format: see rules/README.md.\n");
}

static int usage_error(const char *msg, const char *arg) {
  fprintf(stderr, "actorgraph: %s%s%s\nTry 'actorgraph --help'.\n", msg,
          arg ? ": " : "", arg ? arg : "");
  return EXIT_USAGE;
}

static const option *find_option(const char *arg, const char **value) {
  *value = NULL;
  for (size_t i = 0; i < NOPTIONS; i++) {
    const option *o = &OPTIONS[i];
    if (arg[1] == '-') {
      size_t n = strlen(o->long_name);
      if (strncmp(arg + 2, o->long_name, n) != 0) continue;
      if (arg[2 + n] == '=' && o->arg) *value = arg + 3 + n;
      else if (arg[2 + n] != '\0') continue;
      return o;
    }
    if (o->short_name && arg[1] == o->short_name) {
      if (arg[2] && o->arg) *value = arg + 2;
      else if (arg[2]) continue;
      return o;
    }
  }
  return NULL;
}

static int apply(args *a, const option *o, const char *value) {
  switch (o->id) {
    case OPT_RULES: a->rules[a->nrules++] = value; break;
    case OPT_OUTPUT: a->outputs[a->noutputs++] = value; break;
    case OPT_FORMAT: a->format = value; break;
    case OPT_FROM: a->from = value; break;
    case OPT_ISOLATED: a->keep_isolated = 1; break;
    case OPT_NO_UNKNOWN: a->no_unknown = 1; break;
    case OPT_KEEP_MODAL: a->keep_modal = 1; break;
    case OPT_TRACE: a->trace = 1; break;
    case OPT_FOCUS: a->focus = value; break;
    case OPT_DEPTH: a->depth = value; break;
    case OPT_MIN_WEIGHT: a->min_weight = value; break;
    case OPT_SINCE: a->since = value; break;
    case OPT_UNTIL: a->until = value; break;
    case OPT_LARGEST: a->largest = 1; break;
    case OPT_JSON: a->json = 1; break;
    case OPT_LIST_ALIASES: a->list_aliases = 1; break;
    case OPT_TOP: a->top = value; break;
    case OPT_JOBS: a->jobs = value; break;
    case OPT_MAX_ARTICLE: a->max_article = value; break;
    case OPT_MAX_SENTENCE: a->max_sentence = value; break;
    case OPT_MAX_ALIASES: a->max_aliases = value; break;
    case OPT_MAX_YAML_DEPTH: a->max_yaml_depth = value; break;
    case OPT_PROGRESS: a->progress = 1; break;
    case OPT_VERBOSE: a->verbose = 1; break;
    case OPT_RELATION: {
      size_t old = a->relations ? strlen(a->relations) : 0, n = strlen(value);
      char *p = realloc(a->relations, old + n + 2);
      if (!p) return EXIT_INPUT;
      if (old) p[old++] = ',';
      memcpy(p + old, value, n + 1);
      a->relations = p;
      break;
    }
    case OPT_QUIET: a->quiet = 1; break;
    case OPT_HELP: a->help = 1; break;
    case OPT_VERSION: a->version = 1; break;
  }
  return 0;
}

static int parse_args(args *a, int argc, char **argv) {
  int i = 1, only_paths = 0;
  if (argc > 1 && strcmp(argv[1], "extract") == 0) a->command = CMD_EXTRACT, i++;
  else if (argc > 1 && strcmp(argv[1], "check") == 0) a->command = CMD_CHECK, i++;
  else if (argc > 1 && strcmp(argv[1], "test-rules") == 0) a->command = CMD_TEST, i++;
  else if (argc > 1 && strcmp(argv[1], "explain") == 0) a->command = CMD_EXPLAIN, i++;
  else if (argc > 1 && strcmp(argv[1], "import") == 0) a->command = CMD_IMPORT, i++;
  else if (argc > 1 && strcmp(argv[1], "stats") == 0) a->command = CMD_STATS, i++;
  else if (argc > 1 && strcmp(argv[1], "merge") == 0) a->command = CMD_MERGE, i++;
  for (; i < argc; i++) {
    const char *arg = argv[i], *value;
    if (only_paths || arg[0] != '-' || strcmp(arg, "-") == 0) {
      if (!a->command) return usage_error("unknown command", arg);
      a->paths[a->npaths++] = arg;
      continue;
    }
    if (strcmp(arg, "--") == 0) {
      only_paths = 1;
      continue;
    }
    const option *o = find_option(arg, &value);
    if (!o) return usage_error("unknown option", arg);
    if (a->command && !(o->commands & a->command))
      return usage_error("option not valid for this command", arg);
    if (o->arg && !value) {
      if (i + 1 >= argc) return usage_error("option needs an argument", arg);
      value = argv[++i];
    }
    if (apply(a, o, value)) {
      fprintf(stderr, "actorgraph: out of memory\n");
      return EXIT_INPUT;
    }
  }
  return EXIT_OK;
}

/* The rules installed beside the binary: BINDIR/../share/actorgraph/rules,
 * wherever the install prefix was (cmake --install --prefix ...). */
static const char *rules_beside_binary(void) {
#ifdef AG_RULES_FROM_BINDIR
  static char path[4096];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0 || (size_t)n >= sizeof path - 1) return NULL;
  path[n] = '\0';
  char *slash = strrchr(path, '/');
  if (!slash) return NULL;
  *slash = '\0';
  size_t used = strlen(path);
  if ((size_t)snprintf(path + used, sizeof path - used, "/%s", AG_RULES_FROM_BINDIR) >=
      sizeof path - used)
    return NULL;
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return path;
#endif
  return NULL;
}

static const char *default_rules(void) {
  struct stat st;
  const char *env = getenv("ACTORGRAPH_RULES"), *beside = rules_beside_binary();
  if (env && *env) return env;
  if (beside) return beside;
#ifdef AG_RULES_INSTALL_DIR
  if (stat(AG_RULES_INSTALL_DIR, &st) == 0 && S_ISDIR(st.st_mode))
    return AG_RULES_INSTALL_DIR;
#endif
  return "rules";
}

static void report(const ag_error *err) {
  char buf[1200];
  fprintf(stderr, "actorgraph: %s\n", ag_error_format(err, buf, sizeof buf));
}

/* A whole number >= 0 from an option's value. */
static int parse_count(const char *value, const char *name, long *out) {
  char *end;
  long v = strtol(value, &end, 10);
  if (!*value || *end || v < 0) return usage_error("needs a whole number >= 0", name);
  *out = v;
  return EXIT_OK;
}

static int load_rules(const args *a, ag_rules **rules) {
  ag_error err;
  ag_rules_limits limits = {0, 0};
  const char *fallback = default_rules();
  long n;
  ag_error_clear(&err);
  if (a->max_aliases) {
    if (parse_count(a->max_aliases, "--max-aliases", &n)) return EXIT_USAGE;
    if (n < 1) return usage_error("--max-aliases needs 1 or more", a->max_aliases);
    limits.max_aliases_per_actor = (size_t)n;
  }
  if (a->max_yaml_depth) {
    if (parse_count(a->max_yaml_depth, "--max-yaml-depth", &n)) return EXIT_USAGE;
    if (n < 2 || n > 100000) return usage_error("--max-yaml-depth needs 2 to 100000", a->max_yaml_depth);
    limits.max_yaml_depth = (int)n;
  }
  if (ag_rules_load_layers_with(rules, a->nrules ? a->rules : &fallback,
                                a->nrules ? a->nrules : 1, &limits, &err)) {
    report(&err);
    return EXIT_INPUT;
  }
  return EXIT_OK;
}

static int cmd_check(const args *a) {
  ag_rules *rules = NULL;
  ag_rules_counts c;
  if (a->npaths) return usage_error("check takes no paths", a->paths[0]);
  int rc = load_rules(a, &rules);
  if (rc) return rc;
  if (a->list_aliases) {
    rc = ag_rules_list_aliases(rules, stdout);
    if (rc) fprintf(stderr, "actorgraph: cannot write the aliases\n");
    ag_rules_free(rules);
    return rc ? EXIT_INPUT : EXIT_OK;
  }
  ag_rules_get_counts(rules, &c);
  /* what later rule sets (-r given again) replaced */
  fputs(ag_rules_overrides(rules), stdout);
  for (const char *w = ag_rules_warnings(rules); *w;) {
    const char *nl = strchr(w, '\n');
    size_t n = nl ? (size_t)(nl - w) : strlen(w);
    fprintf(stderr, "actorgraph: warning: %.*s\n", (int)n, w);
    w += n + (nl != NULL);
  }
  printf("%zu actors\n%zu aliases\n%zu relations\n%zu patterns\n%zu classes\n"
         "%zu examples\n%zu files\nrules ok\n",
         c.actors, c.aliases, c.relations, c.patterns, c.classes, c.examples,
         c.files);
  ag_rules_free(rules);
  return EXIT_OK;
}

static int cmd_test(const args *a) {
  ag_rules *rules = NULL;
  size_t passed = 0, failed = 0;
  if (a->npaths) return usage_error("test-rules takes no paths", a->paths[0]);
  int rc = load_rules(a, &rules);
  if (rc) return rc;
  if (ag_rules_test(rules, stdout, &passed, &failed)) {
    fprintf(stderr, "actorgraph: out of memory\n");
    rc = EXIT_INPUT;
  } else {
    printf("test-rules: %zu passed, %zu failed\n", passed, failed);
    rc = failed ? EXIT_INPUT : EXIT_OK;
  }
  ag_rules_free(rules);
  return rc;
}

static int read_articles(const args *a, ag_extractor *ex);

/* explain: the extraction trace on stdout, near misses included. */
static int cmd_explain(const args *a) {
  ag_rules *rules = NULL;
  ag_extractor *ex = NULL;
  ag_extract_options opts = AG_EXTRACT_OPTIONS_INIT;
  int status = load_rules(a, &rules);
  if (status) return status;
  opts.trace = stdout;
  opts.explain = 1;
  opts.keep_modal = 1;
  opts.no_unknown = a->no_unknown;
  if (ag_extractor_new(&ex, rules, &opts)) {
    fprintf(stderr, "actorgraph: out of memory\n");
    status = EXIT_INPUT;
  } else {
    status = read_articles(a, ex);
  }
  ag_extractor_free(ex);
  ag_rules_free(rules);
  return status;
}

static int cmd_import(const args *a) {
  char *yaml = NULL;
  size_t len = 0;
  ag_import_counts c;
  ag_error err;
  ag_error_clear(&err);
  if (!a->from) return usage_error("import needs --from FORMAT", NULL);
  if (!a->npaths) return usage_error("import needs input files", NULL);
  if (a->noutputs > 1) return usage_error("import writes one file", a->outputs[1]);
  if (ag_import(a->from, a->paths, a->npaths, &yaml, &len, &c, &err)) {
    report(&err);
    return err.code == AG_EUSAGE ? EXIT_USAGE : EXIT_INPUT;
  }
  int status = EXIT_OK;
  if (ag_write_file(a->noutputs ? a->outputs[0] : "-", yaml, len, &err)) {
    report(&err);
    status = EXIT_INPUT;
  } else if (!a->quiet) {
    fprintf(stderr,
            "actorgraph: imported %zu actors, %zu aliases from %zu files (%zu entries "
            "merged by name; %zu aliases dropped: another actor had them; %zu uncoded "
            "phrases; %zu bad dates; %zu dated aliases; %zu sanctions; %zu role nouns; "
            "%zu discards)\n",
            c.actors, c.aliases, c.files, c.merged, c.clashes, c.uncoded, c.bad_dates,
            c.dated_aliases, c.sanctions, c.roles, c.discards);
  }
  free(yaml);
  return status;
}

/* Check every output's format before reading any article. */
static int output_formats(const args *a, ag_format *formats) {
  ag_format forced = AG_FORMAT_UNKNOWN;
  if (a->format && (forced = ag_format_from_name(a->format)) == AG_FORMAT_UNKNOWN)
    return usage_error("unknown format (graphml, gexf, dot, json, csv, html, svg, png, "
                       "pdf, jsonl)",
                       a->format);
  for (size_t i = 0; i < a->noutputs; i++) {
    formats[i] = forced;
    if (!forced && strcmp(a->outputs[i], "-") == 0) formats[i] = AG_FORMAT_GRAPHML;
    if (!formats[i]) formats[i] = ag_format_from_path(a->outputs[i]);
    if (!formats[i])
      return usage_error("cannot tell the format from the extension (.graphml, .gexf, "
                         ".dot, .json, .csv, .html, .svg, .png, .pdf, .jsonl); use "
                         "--format",
                         a->outputs[i]);
  }
  return EXIT_OK;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The progress line: on a terminal for runs past a second, or when asked. */
typedef struct progress {
  int on, forced, shown, tty;
  double start, last;
  size_t total_bytes, done_bytes, total, done;
} progress;

static void progress_show(progress *p, int final) {
  double t = now(), el = t - p->start;
  if (!p->on || (!final && t - p->last < 0.25) || (!p->forced && el < 1.0)) return;
  if (final && !p->shown) return;
  double mb = (double)p->done_bytes / 1e6, rate = el > 0 ? mb / el : 0;
  fprintf(stderr, "\ractorgraph: %zu/%zu articles, %.1f/%.1f MB, %.1f MB/s", p->done,
          p->total, mb, (double)p->total_bytes / 1e6, rate);
  if (!final && rate > 0 && p->total_bytes > p->done_bytes)
    fprintf(stderr, ", ETA %.0f s", (double)(p->total_bytes - p->done_bytes) / 1e6 / rate);
  if (p->tty) fputs("\033[K", stderr); /* erase the rest of a longer line */
  if (final) fputc('\n', stderr);
  fflush(stderr);
  p->last = t;
  p->shown = 1;
}

typedef struct reading {
  const args *a;
  ag_extractor *ex;
  const ag_paths *paths;
  progress pr;
  ag_extract_counts before;
} reading;

/* Called once each path is all added. */
static void path_done(void *user, size_t i) {
  reading *rd = user;
  ag_extract_counts after;
  ag_extractor_get_counts(rd->ex, &after);
  const char *path = rd->paths->items[i];
  if (rd->a->verbose) {
    if (rd->pr.shown) fputs(rd->pr.tty ? "\r\033[K" : "\n", stderr);
    size_t articles = after.articles - rd->before.articles;
    size_t skipped = after.out_of_window - rd->before.out_of_window;
    if (skipped && !articles)
      fprintf(stderr, "actorgraph: %s: outside --since/--until, skipped\n", path);
    else
      fprintf(stderr, "actorgraph: %s: %s%zu sentences, %zu mentions, %zu assertions\n",
              path, "", after.sentences - rd->before.sentences,
              after.mentions - rd->before.mentions, after.assertions - rd->before.assertions);
    if (articles > 1)
      fprintf(stderr, "actorgraph: %s: %zu articles%s\n", path, articles,
              skipped ? " (more outside --since/--until)" : "");
  }
  rd->before = after;
  struct stat st;
  if (rd->pr.on && stat(path, &st) == 0) rd->pr.done_bytes += (size_t)st.st_size;
  rd->pr.done = i + 1;
  progress_show(&rd->pr, 0);
}

static int read_articles(const args *a, ag_extractor *ex) {
  ag_paths paths = {0};
  ag_error err;
  reading rd = {a, ex, &paths, {0}, {0}};
  int status = EXIT_OK;
  ag_error_clear(&err);
  if (a->npaths == 0 && ag_paths_add(&paths, "-", &err)) status = EXIT_INPUT;
  for (size_t i = 0; i < a->npaths; i++) {
    if (ag_paths_add(&paths, a->paths[i], &err)) {
      report(&err);
      status = EXIT_INPUT;
    }
  }
  progress *pr = &rd.pr;
  pr->tty = isatty(2);
  pr->forced = a->progress && !a->quiet;
  pr->on = (a->command & CMD_GRAPH) && !a->quiet && (a->progress || pr->tty);
  pr->start = now();
  pr->total = paths.n;
  for (size_t i = 0; pr->on && i < paths.n; i++) {
    struct stat st;
    if (stat(paths.items[i], &st) == 0) pr->total_bytes += (size_t)st.st_size;
  }
  ag_extractor_get_counts(ex, &rd.before);
  if (status == EXIT_OK && ag_extractor_add_paths(ex, &paths, path_done, &rd, &err)) {
    if (pr->shown) fputc('\n', stderr);
    report(&err);
    status = EXIT_INPUT;
  }
  if (status == EXIT_OK) progress_show(pr, 1);
  ag_paths_destroy(&paths);
  return status;
}

/* The outputs, in order; the one at streamed (when it is < noutputs, or
 * the only one, on stdout) was written while reading, into jo: committed in
 * its turn, or given up when an output before it fails. */
static int write_outputs(const args *a, const ag_format *formats, const ag_graph *g,
                         size_t streamed, ag_output *jo) {
  ag_error err;
  ag_error_clear(&err);
  if (a->noutputs == 0) {
    ag_format f = a->format ? ag_format_from_name(a->format) : AG_FORMAT_GRAPHML;
    if (jo ? ag_output_commit(jo, &err) : ag_graph_write(g, "-", f, &err))
      return report(&err), EXIT_INPUT;
    return EXIT_OK;
  }
  for (size_t i = 0; i < a->noutputs; i++) {
    int rc = i == streamed ? ag_output_commit(jo, &err)
                           : ag_graph_write(g, a->outputs[i], formats[i], &err);
    if (i == streamed) jo = NULL;
    if (rc) {
      ag_output_abort(jo);
      return report(&err), EXIT_INPUT;
    }
  }
  return EXIT_OK;
}

/* A single JSONL output is written while the articles are read, not held
 * in memory to the end (it holds every article: it grows with the corpus).
 * Into *streamed its index (a->noutputs: the only output, on stdout), into
 * *jo the output, and opts->provenance_out its stream; none when there is
 * no JSONL output or more than one. */
static int open_streamed(const args *a, const ag_format *formats, ag_extract_options *opts,
                         size_t *streamed, ag_output **jo) {
  size_t n = 0, at = a->noutputs;
  ag_error err;
  *jo = NULL;
  *streamed = (size_t)-1;
  for (size_t i = 0; i < a->noutputs; i++)
    if (formats[i] == AG_FORMAT_JSONL) n++, at = i;
  if (!a->noutputs && a->format && ag_format_from_name(a->format) == AG_FORMAT_JSONL) n = 1;
  if (n != 1) return EXIT_OK;
  ag_error_clear(&err);
  if (ag_output_open(jo, at < a->noutputs ? a->outputs[at] : "-", &err))
    return report(&err), EXIT_INPUT;
  opts->provenance_out = ag_output_file(*jo);
  *streamed = at;
  return EXIT_OK;
}


/* Options shared by extract, stats and merge. */
static int graph_options(const args *a, ag_extract_options *o) {
  long n;
  char *end;
  o->keep_isolated = a->keep_isolated;
  o->no_unknown = a->no_unknown;
  o->keep_modal = a->keep_modal;
  o->focus = a->focus;
  o->since = a->since;
  o->until = a->until;
  o->relations = a->relations;
  o->largest_component = a->largest;
  if (a->depth) {
    if (parse_count(a->depth, "--depth", &n)) return EXIT_USAGE;
    if (!a->focus) return usage_error("--depth needs --focus", a->depth);
    o->depth = n > 1000000 ? 1000000 : (int)n;
  }
  if (a->min_weight) {
    o->min_weight = strtod(a->min_weight, &end);
    if (!*a->min_weight || *end || !(o->min_weight >= 0))
      return usage_error("--min-weight needs a number >= 0", a->min_weight);
  }
  if (a->jobs) {
    if (parse_count(a->jobs, "--jobs", &n)) return EXIT_USAGE;
    if (n < 1 || n > AG_MAX_THREADS) return usage_error("--jobs needs 1 to 256", a->jobs);
    o->threads = (int)n;
  }
  if (a->max_article) {
    if (parse_count(a->max_article, "--max-article-mb", &n)) return EXIT_USAGE;
    if (n < 1 || n > 1 << 20) return usage_error("--max-article-mb needs 1 to 1048576", a->max_article);
    o->max_article_bytes = (size_t)n << 20;
  }
  if (a->max_sentence) {
    if (parse_count(a->max_sentence, "--max-sentence-tokens", &n)) return EXIT_USAGE;
    if (n < 10 || n > 10000)
      return usage_error("--max-sentence-tokens needs 10 to 10000", a->max_sentence);
    o->max_sentence_tokens = (size_t)n;
  }
  o->warnings = stderr;
  if (a->trace) o->trace = stderr;
  return EXIT_OK;
}

/* merge: the shards, in the order given. */
static int merge_shards(const args *a, ag_extractor *ex) {
  ag_error err;
  ag_error_clear(&err);
  for (size_t i = 0; i < a->npaths; i++) {
    if (ag_extractor_merge_file(ex, a->paths[i], &err)) {
      report(&err);
      return EXIT_INPUT;
    }
  }
  return EXIT_OK;
}

/* Load the rules, read the articles (or merge the shards) and build the
 * (filtered, measured) graph. */
static int extract_graph(const args *a, ag_extract_options *opts, ag_rules **rules,
                         ag_extractor **ex, ag_graph **g) {
  ag_error err;
  int status;
  ag_error_clear(&err);
  if ((status = graph_options(a, opts)) || (status = load_rules(a, rules))) return status;
  if (ag_extract_options_check(*rules, opts, &err)) {
    report(&err);
    return EXIT_USAGE;
  }
  if (ag_extractor_new(ex, *rules, opts)) {
    fprintf(stderr, "actorgraph: out of memory\n");
    return EXIT_INPUT;
  }
  if ((status = a->command == CMD_MERGE ? merge_shards(a, *ex) : read_articles(a, *ex)))
    return status;
  if (ag_extractor_take_graph(g, *ex, &err)) {
    report(&err);
    return EXIT_INPUT;
  }
  return EXIT_OK;
}

/* extract_graph, then free the extractor once the graph holds what it found
 * (its counts go to *c), so the two are not in memory at once while the
 * outputs are written. */
static int build_graph(const args *a, ag_extract_options *opts, ag_rules **rules,
                       ag_graph **g, ag_extract_counts *c) {
  ag_extractor *ex = NULL;
  int status = extract_graph(a, opts, rules, &ex, g);
  if (ex) ag_extractor_get_counts(ex, c);
  ag_extractor_free(ex);
  return status;
}

/* extract, and merge (the same but for where the articles come from). */
static int cmd_extract(const args *a) {
  ag_rules *rules = NULL;
  ag_graph *g = NULL;
  ag_output *jo = NULL;
  size_t streamed = (size_t)-1;
  ag_extract_counts c;
  ag_extract_options opts = AG_EXTRACT_OPTIONS_INIT;
  ag_format *formats = calloc(a->noutputs + 1, sizeof *formats);
  int status;
  if (!formats) return EXIT_INPUT;
  if (a->command == CMD_MERGE && !a->npaths) {
    status = usage_error("merge needs the shards (PART.jsonl files from extract)", NULL);
    goto done;
  }
  if ((status = output_formats(a, formats))) goto done;
  for (size_t i = 0; i < a->noutputs; i++)
    opts.provenance |= formats[i] == AG_FORMAT_JSONL;
  if (a->format && ag_format_from_name(a->format) == AG_FORMAT_JSONL) opts.provenance = 1;
  memset(&c, 0, sizeof c);
  if ((status = open_streamed(a, formats, &opts, &streamed, &jo))) goto done;
  if ((status = build_graph(a, &opts, &rules, &g, &c))) goto done;
  status = write_outputs(a, formats, g, streamed, jo);
  jo = NULL; /* committed or given up */
  if (status) goto done;
  if (!a->quiet && a->command == CMD_MERGE) {
    fprintf(stderr, "actorgraph: merged %zu shards: %zu articles, %zu assertions -> %zu actors, %zu edges\n",
            a->npaths, c.articles, c.assertions, ag_graph_node_count(g), ag_graph_edge_count(g));
  } else if (!a->quiet) {
    fprintf(stderr,
            "actorgraph: %zu articles, %zu sentences, %zu mentions, %zu "
            "assertions (%zu negated, %zu hypothetical: %s) -> %zu actors, "
            "%zu edges\n",
            c.articles, c.sentences, c.mentions, c.assertions,
            c.dropped_negated, c.dropped_hypothetical,
            a->keep_modal ? "kept" : "dropped", ag_graph_node_count(g),
            ag_graph_edge_count(g));
    if (c.out_of_window)
      fprintf(stderr, "actorgraph: %zu articles outside --since/--until skipped\n",
              c.out_of_window);
    if (c.binary_skipped)
      fprintf(stderr, "actorgraph: %zu files skipped: not text\n", c.binary_skipped);
  }
done:
  ag_output_abort(jo);
  ag_graph_free(g);
  ag_rules_free(rules);
  free(formats);
  return status;
}

static int cmd_stats(const args *a) {
  ag_rules *rules = NULL;
  ag_graph *g = NULL;
  ag_extract_options opts = AG_EXTRACT_OPTIONS_INIT;
  ag_extract_counts c;
  ag_error err;
  long top = 10;
  int status;
  ag_error_clear(&err);
  if (a->top && parse_count(a->top, "--top", &top)) return EXIT_USAGE;
  if (a->noutputs) return usage_error("stats writes no graph; use extract -o", a->outputs[0]);
  memset(&c, 0, sizeof c);
  if ((status = build_graph(a, &opts, &rules, &g, &c))) goto done;
  if (ag_graph_stats(g, &c, a->keep_modal, a->json, (size_t)top, stdout, &err)) {
    report(&err);
    status = EXIT_INPUT;
  }
done:
  ag_graph_free(g);
  ag_rules_free(rules);
  return status;
}

int main(int argc, char **argv) {
  args a = {0};
  a.rules = calloc((size_t)argc + 1, sizeof(char *));
  a.outputs = calloc((size_t)argc + 1, sizeof(char *));
  a.paths = calloc((size_t)argc + 1, sizeof(char *));
  int status;
  if (!a.rules || !a.outputs || !a.paths) {
    fprintf(stderr, "actorgraph: out of memory\n");
    status = EXIT_INPUT;
  } else if ((status = parse_args(&a, argc, argv))) {
    /* reported */
  } else if (a.help) {
    usage(stdout);
  } else if (a.version) {
    printf("actorgraph %s\n", ag_version());
  } else if (!a.command) {
    status = usage_error("missing command (extract, stats, merge, check, test-rules, explain or import)", NULL);
  } else {
    status = a.command == CMD_CHECK     ? cmd_check(&a)
             : a.command == CMD_TEST    ? cmd_test(&a)
             : a.command == CMD_EXPLAIN ? cmd_explain(&a)
             : a.command == CMD_IMPORT  ? cmd_import(&a)
             : a.command == CMD_STATS   ? cmd_stats(&a)
                                        : cmd_extract(&a);
  }
  free(a.rules);
  free(a.outputs);
  free(a.paths);
  free(a.relations);
  return status;
}
