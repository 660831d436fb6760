/* SVG, PNG and PDF, drawn by a Graphviz program.
 *
 * We run the `dot` or `sfdp` program rather than link libgvc: the library
 * stays free of Graphviz's plugin loading and global state, a crash or a
 * runaway layout in Graphviz cannot take the caller down, and every other
 * format works on machines without Graphviz.  The DOT text goes to a
 * temporary file, the program writes its picture to another, and the picture
 * is read back so the caller writes it atomically like any other output. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Up to this many actors `dot` (layered, rankdir=LR) reads well; above it
 * the force-directed `sfdp` scales. */
#define AG_DOT_MAX_NODES 150

static int temp_file(ag_buf *name, ag_error *err) {
  const char *dir = getenv("TMPDIR");
  ag_buf_clear(name);
  if (ag_buf_printf(name, "%s/actorgraph-XXXXXX", dir && *dir ? dir : "/tmp"))
    return ag_err_set(err, AG_ENOMEM, NULL, 0, 0, "out of memory");
  int fd = mkstemp(name->data);
  if (fd < 0)
    return ag_err_set(err, AG_EIO, name->data, 0, 0, "cannot create a temporary file: %s",
                      strerror(errno));
  close(fd);
  return 0;
}

/* The first line of what the program said on stderr, for the message. */
static void first_line(const char *path, char *out, size_t size) {
  char *text = NULL;
  size_t len = 0;
  out[0] = '\0';
  if (ag_read_file(path, &text, &len, NULL) == 0 && text) {
    size_t n = strcspn(text, "\n");
    snprintf(out, size, ": %.*s", (int)(n < 200 ? n : 200), text);
  }
  free(text);
}

int ag_render_graphviz(const ag_graph *g, ag_format format, ag_buf *out,
                       ag_error *err) {
  const char *type = format == AG_FORMAT_SVG ? "-Tsvg" : format == AG_FORMAT_PNG ? "-Tpng" : "-Tpdf";
  int big = ag_graph_node_count(g) > AG_DOT_MAX_NODES;
  const char *program = big ? "sfdp" : "dot";
  ag_buf dot, in, pic, log, oarg;
  ag_buf_init(&dot);
  ag_buf_init(&in);
  ag_buf_init(&pic);
  ag_buf_init(&log);
  ag_buf_init(&oarg);
  int rc = 0, made = 0;
  if (ag_write_dot(g, &dot) || ag_buf_puts(&oarg, "-o"))
    return ag_err_set(err, AG_ENOMEM, NULL, 0, 0, "out of memory");
  if ((rc = temp_file(&in, err))) goto done;
  made |= 1;
  if ((rc = temp_file(&pic, err))) goto done;
  made |= 2;
  if ((rc = temp_file(&log, err))) goto done;
  made |= 4;
  if ((rc = ag_write_atomic(in.data, dot.data ? dot.data : "", dot.len, err))) goto done;
  if (ag_buf_puts(&oarg, pic.data)) {
    rc = ag_err_set(err, AG_ENOMEM, NULL, 0, 0, "out of memory");
    goto done;
  }
  char *argv[8];
  int argc = 0;
  argv[argc++] = (char *)program;
  argv[argc++] = (char *)type;
  if (big) argv[argc++] = "-Goverlap=prism", argv[argc++] = "-Gsplines=true";
  argv[argc++] = oarg.data;
  argv[argc++] = in.data;
  argv[argc] = NULL;
  posix_spawn_file_actions_t fa;
  pid_t pid;
  int status = 0;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, log.data, O_WRONLY | O_TRUNC, 0);
  int e = posix_spawnp(&pid, program, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (e == 0 && waitpid(pid, &status, 0) < 0) e = errno;
  char said[256];
  first_line(log.data, said, sizeof said);
  if (e == ENOENT || (e == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127)) {
    rc = ag_err_set(err, AG_EIO, NULL, 0, 0,
                    "drawing %s needs Graphviz's '%s' program: install graphviz "
                    "(apt-get install graphviz), or write .dot and run it yourself",
                    type + 2, program);
  } else if (e != 0) {
    rc = ag_err_set(err, AG_EIO, NULL, 0, 0, "cannot run %s: %s", program, strerror(e));
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    rc = ag_err_set(err, AG_EIO, NULL, 0, 0, "%s failed%s", program, said);
  } else {
    char *data = NULL;
    size_t len = 0;
    if ((rc = ag_read_file(pic.data, &data, &len, err)) == 0) {
      if (ag_buf_add(out, data, len)) rc = ag_err_set(err, AG_ENOMEM, NULL, 0, 0, "out of memory");
      free(data);
    }
  }
done:
  if (made & 1) unlink(in.data);
  if (made & 2) unlink(pic.data);
  if (made & 4) unlink(log.data);
  ag_buf_destroy(&dot);
  ag_buf_destroy(&in);
  ag_buf_destroy(&pic);
  ag_buf_destroy(&log);
  ag_buf_destroy(&oarg);
  return rc;
}
