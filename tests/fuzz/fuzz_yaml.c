/* Fuzz target: the two YAML readers (src/yaml.c) side by side.  For any
 * input the fast reader either leaves the text to libyaml or builds the
 * tree libyaml's events build, node for node: positions, styles, values.
 * A difference aborts. */
#include "fuzz.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* The first document of text as the reader of mode reads it; AG_EUSAGE
 * when the fast reader leaves it, another status for an error. */
static int tree(const char *text, size_t len, int mode, ag_buf *out) {
  ag_ystream *s;
  ag_ydoc d;
  ag_error err;
  int got = 0;
  if (ag_ystream_open(&s, text, len, mode)) return AG_ENOMEM;
  int rc = ag_ystream_next(s, &d, &got, "fuzz.yaml", &err);
  if (!rc && got && ag_ydoc_dump(&d, out)) rc = AG_ENOMEM;
  if (!rc && !got) rc = AG_ERULES; /* an empty stream */
  ag_ydoc_destroy(&d);
  ag_ystream_close(s);
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ag_buf fast, slow;
  ag_buf_init(&fast);
  ag_buf_init(&slow);
  if (tree((const char *)data, size, AG_YAML_FAST, &fast) == 0) {
    int rc = tree((const char *)data, size, AG_YAML_LIBYAML, &slow);
    if (rc == AG_ENOMEM) goto done;
    if (rc || fast.len != slow.len || memcmp(fast.data, slow.data, fast.len) != 0) {
      fprintf(stderr, "fuzz_yaml: the fast reader's tree:\n%.*s\nlibyaml's (status %d):\n%.*s\n",
              (int)fast.len, fast.data ? fast.data : "", rc, (int)slow.len,
              slow.data ? slow.data : "");
      abort();
    }
  }
done:
  ag_buf_destroy(&fast);
  ag_buf_destroy(&slow);
  return 0;
}
