/* A very small test harness: CHECK counts, the summary line is the plain
 * "N passed, N failed" that CI reads. */
#ifndef AG_TEST_CHECK_H
#define AG_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                   \
  do {                                                                \
    if (cond) {                                                       \
      check_passed++;                                                 \
    } else {                                                          \
      check_failed++;                                                 \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
              #cond);                                                 \
    }                                                                 \
  } while (0)

#define CHECK_STR(a, b)                                                    \
  do {                                                                     \
    const char *a_ = (a), *b_ = (b);                                       \
    if (a_ && b_ && strcmp(a_, b_) == 0) {                                 \
      check_passed++;                                                      \
    } else {                                                               \
      check_failed++;                                                      \
      fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\" (%s)\n", __FILE__, \
              __LINE__, b_ ? b_ : "(null)", a_ ? a_ : "(null)", #a);       \
    }                                                                      \
  } while (0)

static int check_summary(const char *name) {
  printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
  return check_failed ? 1 : 0;
}

#endif
