/* Fuzz target: the article reader and the extractor.  The first byte picks
 * how the rest arrives: as an article in memory, or as a file the reader
 * opens (plain, record file, JSON lines, gzip, UTF-16 are all told apart by
 * the bytes and the name); then the graph is built and written as GraphML. */
#include "fuzz.h"

#include <actorgraph.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ag_rules *rules;

static void load_rules(void) {
  ag_error err;
  if (!rules && ag_rules_load_string(&rules, FUZZ_RULES, sizeof FUZZ_RULES - 1, "fuzz.yaml", &err)) {
    fprintf(stderr, "fuzz_extract: the fuzz rules do not load\n");
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const NAMES[] = {"a.txt", "a.jsonl", "a.txt.gz"};
  if (size < 1) return 0;
  load_rules();
  ag_extract_options opts = AG_EXTRACT_OPTIONS_INIT;
  opts.keep_modal = data[0] & 1;
  opts.provenance = 1;
  opts.threads = 1;
  ag_extractor *ex = NULL;
  ag_graph *g = NULL;
  ag_error err;
  if (ag_extractor_new(&ex, rules, &opts)) return 0;
  int mode = (data[0] >> 1) % 4;
  if (mode == 0) {
    ag_extractor_add(ex, "fuzz", (const char *)data + 1, size - 1, &err);
  } else {
    char dir[] = "/tmp/ag-fuzz-XXXXXX", path[64];
    if (mkdtemp(dir)) {
      snprintf(path, sizeof path, "%s/%s", dir, NAMES[mode - 1]);
      FILE *f = fopen(path, "wb");
      if (f) {
        fwrite(data + 1, 1, size - 1, f);
        fclose(f);
        ag_extractor_add_file(ex, path, &err);
        unlink(path);
      }
      rmdir(dir);
    }
  }
  if (ag_extractor_graph(&g, ex, &err) == 0) {
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
      ag_graph_write_stream(g, sink, AG_FORMAT_GRAPHML, &err);
      ag_graph_write_stream(g, sink, AG_FORMAT_JSONL, &err);
      fclose(sink);
    }
  }
  ag_graph_free(g);
  ag_extractor_free(ex);
  return 0;
}
