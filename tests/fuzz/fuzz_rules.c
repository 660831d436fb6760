/* Fuzz target: the rules loader (YAML, actors, aliases, classes, relations,
 * patterns, frames, examples).  Any input must give rules or an error
 * value: no crash, no leak, no hang. */
#include "fuzz.h"

#include <actorgraph.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ag_rules *rules = NULL;
  ag_error err;
  if (ag_rules_load_string(&rules, (const char *)data, size, "fuzz.yaml", &err) == 0) {
    ag_rules_counts c;
    ag_rules_get_counts(rules, &c);
    /* the rules' own examples run the matcher on what was loaded */
    if (c.examples < 50) {
      size_t passed, failed;
      FILE *sink = fopen("/dev/null", "w");
      if (sink) {
        ag_rules_test(rules, sink, &passed, &failed);
        fclose(sink);
      }
    }
    ag_rules_free(rules);
  } else {
    char buf[1200];
    ag_error_format(&err, buf, sizeof buf);
  }
  return 0;
}
