/* Runs data-driven spec files: blocks of article text and the exact set of
 * edges the bundled rules must extract from it.
 *
 *   spec_runner RULES FILE.spec...            through the library
 *   spec_runner --cli ACTORGRAPH RULES FILE...  through the program, reading
 *                                             its GraphML back with igraph
 *
 * Format: "=== name", text lines, "--- edges", then "SOURCE RELATION TARGET"
 * lines; '#' lines outside the text are comments. */
#include "actorgraph.h"
#include "check.h"

#include <igraph.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct spec_case {
  char name[256];
  char *text;
  size_t text_len;
  char **edges;
  size_t nedges;
  int line;
} spec_case;

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *dup_str(const char *s) {
  char *p = malloc(strlen(s) + 1);
  if (p) strcpy(p, s);
  return p;
}

static void append(char **buf, size_t *len, const char *s) {
  size_t n = strlen(s);
  *buf = realloc(*buf, *len + n + 1);
  memcpy(*buf + *len, s, n + 1);
  *len += n;
}

static void free_case(spec_case *c) {
  free(c->text);
  for (size_t i = 0; i < c->nedges; i++) free(c->edges[i]);
  free(c->edges);
  memset(c, 0, sizeof *c);
}

/* Edges of a graph as sorted "src rel tgt" strings. */
static size_t graph_edges(const ag_graph *g, char ***out) {
  size_t n = ag_graph_edge_count(g);
  char **e = calloc(n + 1, sizeof(char *));
  for (size_t i = 0; i < n; i++) {
    const char *s, *r, *t;
    ag_graph_edge(g, i, &s, &r, &t);
    e[i] = malloc(strlen(s) + strlen(r) + strlen(t) + 3);
    sprintf(e[i], "%s %s %s", s, r, t);
  }
  qsort(e, n, sizeof(char *), cmp_str);
  *out = e;
  return n;
}

static size_t library_edges(const ag_rules *rules, const spec_case *c,
                            char ***out) {
  ag_extractor *ex = NULL;
  ag_graph *g = NULL;
  ag_error err;
  size_t n = 0;
  *out = NULL;
  if (ag_extractor_new(&ex, rules, NULL) ||
      ag_extractor_add(ex, c->name, c->text, c->text_len, &err) ||
      ag_extractor_graph(&g, ex, &err)) {
    fprintf(stderr, "case '%s': extraction failed\n", c->name);
  } else {
    n = graph_edges(g, out);
  }
  ag_graph_free(g);
  ag_extractor_free(ex);
  return n;
}

/* Run the program on the case and read its GraphML back with igraph. */
static size_t cli_edges(const char *program, const char *rules,
                        const spec_case *c, char ***out) {
  char dir[] = "/tmp/ag-spec-XXXXXX", txt[512], gml[512], cmd[2048];
  size_t n = 0;
  *out = NULL;
  if (!mkdtemp(dir)) return 0;
  snprintf(txt, sizeof txt, "%s/case.txt", dir);
  snprintf(gml, sizeof gml, "%s/case.graphml", dir);
  FILE *f = fopen(txt, "wb");
  if (!f) return 0;
  fwrite(c->text, 1, c->text_len, f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "'%s' extract -q -r '%s' -o '%s' '%s'", program,
           rules, gml, txt);
  if (system(cmd) != 0) {
    fprintf(stderr, "case '%s': %s failed\n", c->name, cmd);
  } else if ((f = fopen(gml, "rb")) != NULL) {
    igraph_t g;
    if (igraph_read_graph_graphml(&g, f, 0) == IGRAPH_SUCCESS) {
      n = (size_t)igraph_ecount(&g);
      char **e = calloc(n + 1, sizeof(char *));
      for (size_t i = 0; i < n; i++) {
        const char *s = VAS(&g, "id", IGRAPH_FROM(&g, (igraph_integer_t)i));
        const char *t = VAS(&g, "id", IGRAPH_TO(&g, (igraph_integer_t)i));
        const char *r = EAS(&g, "relation", (igraph_integer_t)i);
        e[i] = malloc(strlen(s) + strlen(r) + strlen(t) + 3);
        sprintf(e[i], "%s %s %s", s, r, t);
      }
      qsort(e, n, sizeof(char *), cmp_str);
      *out = e;
      igraph_destroy(&g);
    } else {
      fprintf(stderr, "case '%s': igraph cannot read the GraphML\n", c->name);
    }
    fclose(f);
  }
  unlink(txt);
  unlink(gml);
  rmdir(dir);
  return n;
}

static void compare(const spec_case *c, const char *file, char **got,
                    size_t ngot) {
  int ok = 1;
  for (size_t i = 0; i < c->nedges; i++) {
    int found = 0;
    for (size_t j = 0; j < ngot && !found; j++) found = !strcmp(got[j], c->edges[i]);
    if (!found) {
      if (ok) fprintf(stderr, "%s:%d: case '%s'\n", file, c->line, c->name);
      fprintf(stderr, "    missing  %s\n", c->edges[i]);
      ok = 0;
    }
  }
  for (size_t j = 0; j < ngot; j++) {
    int found = 0;
    for (size_t i = 0; i < c->nedges && !found; i++) found = !strcmp(got[j], c->edges[i]);
    if (!found) {
      if (ok) fprintf(stderr, "%s:%d: case '%s'\n", file, c->line, c->name);
      fprintf(stderr, "    extra    %s\n", got[j]);
      ok = 0;
    }
  }
  if (ok) check_passed++;
  else check_failed++;
}

static void run_case(const spec_case *c, const char *file, const ag_rules *rules,
                     const char *program, const char *rules_path) {
  char **got;
  size_t n = program ? cli_edges(program, rules_path, c, &got)
                     : library_edges(rules, c, &got);
  compare(c, file, got, n);
  for (size_t i = 0; i < n; i++) free(got[i]);
  free(got);
}

static int run_file(const char *file, const ag_rules *rules,
                    const char *program, const char *rules_path) {
  FILE *f = fopen(file, "r");
  char line[8192];
  spec_case c = {0};
  int state = 0, lineno = 0; /* 0 outside, 1 text, 2 edges */
  if (!f) {
    fprintf(stderr, "%s: cannot open\n", file);
    return 1;
  }
  while (fgets(line, sizeof line, f)) {
    lineno++;
    if (strncmp(line, "===", 3) == 0) {
      if (state == 2) run_case(&c, file, rules, program, rules_path);
      else if (state == 1) {
        fprintf(stderr, "%s:%d: case '%s' has no '--- edges'\n", file, lineno, c.name);
        check_failed++;
      }
      free_case(&c);
      char *name = line + 3;
      while (*name == ' ') name++;
      name[strcspn(name, "\n")] = '\0';
      state = *name ? 1 : 0;
      snprintf(c.name, sizeof c.name, "%.200s", name);
      c.line = lineno;
      continue;
    }
    if (state == 1 && strncmp(line, "--- edges", 9) == 0) {
      state = 2;
      continue;
    }
    if (state == 1) {
      append(&c.text, &c.text_len, line);
    } else if (state == 2 && line[0] != '#' && line[strspn(line, " \t\n")]) {
      char s[256], r[256], t[256], buf[800];
      if (sscanf(line, "%255s %255s %255s", s, r, t) != 3) {
        fprintf(stderr, "%s:%d: expected SOURCE RELATION TARGET\n", file, lineno);
        check_failed++;
        continue;
      }
      snprintf(buf, sizeof buf, "%s %s %s", s, r, t);
      c.edges = realloc(c.edges, (c.nedges + 1) * sizeof(char *));
      c.edges[c.nedges++] = dup_str(buf);
    }
  }
  if (state == 2) run_case(&c, file, rules, program, rules_path);
  free_case(&c);
  fclose(f);
  return 0;
}

int main(int argc, char **argv) {
  const char *program = NULL;
  int i = 1;
  if (argc > 2 && strcmp(argv[1], "--cli") == 0) {
    program = argv[2];
    i = 3;
  }
  if (argc - i < 2) {
    fprintf(stderr, "usage: spec_runner [--cli PROGRAM] RULES FILE.spec...\n");
    return 2;
  }
  const char *rules_path = argv[i++];
  ag_rules *rules = NULL;
  ag_error err;
  if (ag_rules_load(&rules, rules_path, &err)) {
    char buf[1200];
    fprintf(stderr, "%s\n", ag_error_format(&err, buf, sizeof buf));
    return 1;
  }
  igraph_set_attribute_table(&igraph_cattribute_table);
  for (; i < argc; i++) run_file(argv[i], rules, program, rules_path);
  ag_rules_free(rules);
  return check_summary(program ? "spec (cli)" : "spec");
}
