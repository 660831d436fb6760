/* actorgraph command line: a thin layer over the library in actorgraph.h.
 * One option table drives parsing and --help. */
#include "actorgraph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };
enum { CMD_EXTRACT = 1, CMD_CHECK = 2, CMD_TEST = 4, CMD_EXPLAIN = 8, CMD_IMPORT = 16 };
#define CMD_ALL (CMD_EXTRACT | CMD_CHECK | CMD_TEST | CMD_EXPLAIN | CMD_IMPORT)

typedef enum {
  OPT_RULES, OPT_OUTPUT, OPT_FORMAT, OPT_FROM, OPT_ISOLATED, OPT_NO_UNKNOWN, OPT_KEEP_MODAL,
  OPT_TRACE,
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
    {OPT_RULES, 'r', "rules", "RULES", CMD_EXTRACT | CMD_CHECK | CMD_TEST | CMD_EXPLAIN,
     "rules directory (every *.yaml, *.yml) or one file; repeat to layer "
     "rule sets, later ones overriding earlier ones; default "
     "$ACTORGRAPH_RULES, the installed rules, else ./rules"},
    {OPT_OUTPUT, 'o', "output", "OUT", CMD_EXTRACT | CMD_IMPORT,
     "write the graph to OUT (repeatable); the format follows the extension "
     "(.graphml, .dot; .jsonl: one JSON object per assertion with its "
     "provenance); '-' or no -o writes GraphML to stdout"},
    {OPT_FROM, 0, "from", "FORMAT", CMD_IMPORT,
     "import: what the files are: tabari (or petrarch: .actors, .agents, "
     "discards), countryinfo, ftm (FollowTheMoney JSON lines), ofac (sdn.csv, "
     "alt.csv)"},
    {OPT_FORMAT, 'f', "format", "FMT", CMD_EXTRACT,
     "force the format of every output: graphml, dot or jsonl"},
    {OPT_ISOLATED, 0, "keep-isolated", NULL, CMD_EXTRACT,
     "keep actors that are mentioned but take part in no relation"},
    {OPT_NO_UNKNOWN, 0, "no-unknown", NULL, CMD_EXTRACT | CMD_EXPLAIN,
     "do not capture actors missing from the dictionary (capitalised names in "
     "a relation, written with known=false)"},
    {OPT_KEEP_MODAL, 0, "keep-modal", NULL, CMD_EXTRACT,
     "keep negated and hypothetical statements as edges with the attribute "
     "modality (by default they are dropped and counted)"},
    {OPT_TRACE, 0, "trace", NULL, CMD_EXTRACT,
     "explain on stderr every sentence with an actor: the actors found, each "
     "match and the pattern (file:line) behind it"},
    {OPT_QUIET, 'q', "quiet", NULL, CMD_EXTRACT | CMD_IMPORT, "no summary on stderr"},
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
  const char **paths;
  size_t npaths;
} args;

static void usage(FILE *f) {
  fprintf(f,
          "Usage: actorgraph extract [-r RULES] [-o OUT]... [PATH...]\n"
          "       actorgraph check [-r RULES]\n"
          "       actorgraph test-rules [-r RULES]\n"
          "       actorgraph explain [-r RULES] [PATH...]\n"
          "       actorgraph import --from FORMAT FILE... [-o actors.yaml]\n"
          "\n"
          "Turn news articles into a graph of actors and what they did to each\n"
          "other, using YAML rules.\n"
          "\n"
          "Commands:\n"
          "  extract   read articles (files, directories of *.txt, '-' or\n"
          "            nothing for stdin) and write the graph\n"
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
    snprintf(left, sizeof left, "%s%c%s--%s%s%s", o->short_name ? "-" : "",
             o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ",
             o->long_name, o->arg ? " " : "", o->arg ? o->arg : "");
    fprintf(f, "  %-22s %s\n", o->short_name ? left : left + 2, o->help);
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
    apply(a, o, value);
  }
  return EXIT_OK;
}

static const char *default_rules(void) {
  struct stat st;
  const char *env = getenv("ACTORGRAPH_RULES");
  if (env && *env) return env;
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

static int load_rules(const args *a, ag_rules **rules) {
  ag_error err;
  const char *fallback = default_rules();
  ag_error_clear(&err);
  if (ag_rules_load_layers(rules, a->nrules ? a->rules : &fallback,
                           a->nrules ? a->nrules : 1, &err)) {
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
    return usage_error("unknown format (graphml, dot, jsonl)", a->format);
  for (size_t i = 0; i < a->noutputs; i++) {
    formats[i] = forced;
    if (!forced && strcmp(a->outputs[i], "-") == 0) formats[i] = AG_FORMAT_GRAPHML;
    if (!formats[i]) formats[i] = ag_format_from_path(a->outputs[i]);
    if (!formats[i])
      return usage_error("cannot tell the format from the extension "
                         "(.graphml, .dot, .jsonl); use --format",
                         a->outputs[i]);
  }
  return EXIT_OK;
}

static int read_articles(const args *a, ag_extractor *ex) {
  ag_paths paths = {0};
  ag_error err;
  int status = EXIT_OK;
  ag_error_clear(&err);
  if (a->npaths == 0 && ag_paths_add(&paths, "-", &err)) status = EXIT_INPUT;
  for (size_t i = 0; i < a->npaths; i++) {
    if (ag_paths_add(&paths, a->paths[i], &err)) {
      report(&err);
      status = EXIT_INPUT;
    }
  }
  for (size_t i = 0; i < paths.n && status == EXIT_OK; i++) {
    if (ag_extractor_add_file(ex, paths.items[i], &err)) {
      report(&err);
      status = EXIT_INPUT;
    }
  }
  ag_paths_destroy(&paths);
  return status;
}

static int write_outputs(const args *a, const ag_format *formats,
                         const ag_graph *g) {
  ag_error err;
  ag_error_clear(&err);
  if (a->noutputs == 0) {
    ag_format f = a->format ? ag_format_from_name(a->format) : AG_FORMAT_GRAPHML;
    if (ag_graph_write(g, "-", f, &err)) return report(&err), EXIT_INPUT;
    return EXIT_OK;
  }
  for (size_t i = 0; i < a->noutputs; i++)
    if (ag_graph_write(g, a->outputs[i], formats[i], &err))
      return report(&err), EXIT_INPUT;
  return EXIT_OK;
}

static int cmd_extract(const args *a) {
  ag_rules *rules = NULL;
  ag_extractor *ex = NULL;
  ag_graph *g = NULL;
  ag_extract_options opts = AG_EXTRACT_OPTIONS_INIT;
  ag_format *formats = calloc(a->noutputs + 1, sizeof *formats);
  ag_error err;
  int status;
  ag_error_clear(&err);
  if (!formats) return EXIT_INPUT;
  if ((status = output_formats(a, formats))) goto done;
  if ((status = load_rules(a, &rules))) goto done;
  opts.keep_isolated = a->keep_isolated;
  opts.no_unknown = a->no_unknown;
  opts.keep_modal = a->keep_modal;
  for (size_t i = 0; i < a->noutputs; i++)
    opts.provenance |= formats[i] == AG_FORMAT_JSONL;
  if (a->format && ag_format_from_name(a->format) == AG_FORMAT_JSONL) opts.provenance = 1;
  if (a->trace) opts.trace = stderr;
  if (ag_extractor_new(&ex, rules, &opts)) {
    fprintf(stderr, "actorgraph: out of memory\n");
    status = EXIT_INPUT;
    goto done;
  }
  if ((status = read_articles(a, ex))) goto done;
  if (ag_extractor_graph(&g, ex, &err)) {
    report(&err);
    status = EXIT_INPUT;
    goto done;
  }
  if ((status = write_outputs(a, formats, g))) goto done;
  if (!a->quiet) {
    ag_extract_counts c;
    ag_extractor_get_counts(ex, &c);
    fprintf(stderr,
            "actorgraph: %zu articles, %zu sentences, %zu mentions, %zu "
            "assertions (%zu negated, %zu hypothetical: %s) -> %zu actors, "
            "%zu edges\n",
            c.articles, c.sentences, c.mentions, c.assertions,
            c.dropped_negated, c.dropped_hypothetical,
            a->keep_modal ? "kept" : "dropped", ag_graph_node_count(g),
            ag_graph_edge_count(g));
  }
done:
  ag_graph_free(g);
  ag_extractor_free(ex);
  ag_rules_free(rules);
  free(formats);
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
    status = usage_error("missing command (extract, check, test-rules, explain or import)", NULL);
  } else {
    status = a.command == CMD_CHECK     ? cmd_check(&a)
             : a.command == CMD_TEST    ? cmd_test(&a)
             : a.command == CMD_EXPLAIN ? cmd_explain(&a)
             : a.command == CMD_IMPORT  ? cmd_import(&a)
                                        : cmd_extract(&a);
  }
  free(a.rules);
  free(a.outputs);
  free(a.paths);
  return status;
}
