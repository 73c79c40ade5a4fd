/*
 * follow.c - follows the stats file for stdhttpd-admin.
 *
 * It reads what the handlers appended since the last look, whole lines
 * only, and survives truncation and rotation: a file rotated away is still
 * read while handlers that opened it may append, and a file that came and
 * went between two looks is found by its inode.  Each line goes to
 * agg_line(); nothing here counts or writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"

/* Counts the whole lines among the n new bytes at src->buf + have. */
static void
take_lines(struct agg *a, struct agg_src *src, size_t n)
{
	char *p = src->buf, *end = src->buf + src->have + n, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (src->skipping)
			src->skipping = 0;
		else
			(void)agg_line(a, p, (size_t)(nl - p));
		src->offset += (uint64_t)(nl + 1 - p);
		p = nl + 1;
	}
	src->have = (size_t)(end - p);
	if (src->have > AGG_LINE_MAX || (src->skipping && src->have > 0)) {
		if (!src->skipping)
			a->c.bad++;
		src->skipping = 1;
		src->offset += src->have;
		src->have = 0;
		return;
	}
	memmove(src->buf, p, src->have);
}

/*
 * Feeds bytes as if appended to the file: whole lines are counted, a partial
 * last line waits for the rest.  For tests and fuzzers.  Returns 0.
 */
int
agg_feed(struct agg *a, const char *data, size_t len)
{
	size_t n;

	while (len > 0) {
		n = len < AGG_READ_SIZE ? len : AGG_READ_SIZE;
		memcpy(a->cur.buf + a->cur.have, data, n);
		take_lines(a, &a->cur, n);
		data += n;
		len -= n;
	}
	return 0;
}

/* Reads src to its end; returns how many bytes, or -1 with errno. */
static int64_t
read_to_eof(struct agg *a, struct agg_src *src)
{
	int64_t total = 0;
	ssize_t n;

	for (;;) {
		n = pread(src->fd, src->buf + src->have, AGG_READ_SIZE,
		    (off_t)(src->offset + src->have));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			return total;
		total += n;
		take_lines(a, src, (size_t)n);
	}
}

static void
src_reset(struct agg_src *src)
{
	src->offset = 0;
	src->have = 0;
	src->skipping = 0;
}

/* Opens name as the current file, to be read from its start. */
static int
open_as_current(struct agg *a, const char *name)
{
	struct stat st;

	if ((a->cur.fd = open(name, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(a->cur.fd, &st) == -1) {
		(void)close(a->cur.fd);
		a->cur.fd = -1;
		return -1;
	}
	a->cur.dev = st.st_dev;
	a->cur.ino = st.st_ino;
	src_reset(&a->cur);
	return 0;
}

static int
open_path(struct agg *a)
{
	return open_as_current(a, a->path);
}

/* Stops following rotated file i; a torn last line in it is bad. */
static void
old_retire(struct agg *a, int i)
{
	if (a->old[i].fd == -1)
		return;
	if (a->old[i].have > 0 && !a->old[i].skipping)
		a->c.bad++;
	(void)close(a->old[i].fd);
	a->old[i].fd = -1;
	src_reset(&a->old[i]);
}

static int64_t
mono_sec(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * Makes the current file the newest rotated one.  The oldest rotated file
 * gives up its place when all are taken.  Buffers are swapped, not copied.
 */
static void
old_push(struct agg *a)
{
	struct agg_src	spare;
	int		i;

	old_retire(a, AGG_OLD_MAX - 1);
	spare = a->old[AGG_OLD_MAX - 1];
	for (i = AGG_OLD_MAX - 1; i > 0; i--) {
		a->old[i] = a->old[i - 1];
		a->old_active[i] = a->old_active[i - 1];
	}
	a->old[0] = a->cur;
	a->old_active[0] = mono_sec();
	a->cur = spare;
	a->cur.fd = -1;
	src_reset(&a->cur);
}

/*
 * Two rotations between two looks at the path (logrotate renames PATH.1 to
 * PATH.2 and PATH to PATH.1) leave a file that was never opened here as
 * PATH.1.  Any file there that is not followed already is read from its
 * start as one more rotated file; every file that was followed is known by
 * its inode, so nothing is counted twice.
 */
static void
missed_rotation(struct agg *a)
{
	char		name[PATH_MAX + 2];
	struct stat	st;
	int		i, n;

	n = snprintf(name, sizeof(name), "%s.1", a->path);
	if (n < 0 || (size_t)n >= sizeof(name) || stat(name, &st) == -1 ||
	    !S_ISREG(st.st_mode))
		return;
	for (i = 0; i < AGG_OLD_MAX; i++)
		if (a->old[i].fd != -1 && a->old[i].dev == st.st_dev &&
		    a->old[i].ino == st.st_ino)
			return;
	if (open_as_current(a, name) == -1)
		return;
	old_push(a);
	a->rotations++;
	if (read_to_eof(a, &a->old[0]) > 0)
		a->old_active[0] = mono_sec();
}

/*
 * Reads what was appended to the stats file since the last call.  When the
 * file shrank below the offset (truncated) it starts again from its
 * beginning.  When the path names another file (rotated) it continues with
 * the new one but keeps reading the old one until it has been quiet for
 * AGG_OLD_QUIET_SEC, since a handler appends to the file it opened when its
 * connection began.  A missing file is not an error: it may not have been
 * written yet.  Returns 0, or -1 with errno when reading failed.
 */
int
agg_follow(struct agg *a)
{
	struct stat st;
	int64_t n;
	int i;

	for (i = 0; i < AGG_OLD_MAX; i++) {
		if (a->old[i].fd == -1)
			continue;
		if ((n = read_to_eof(a, &a->old[i])) > 0)
			a->old_active[i] = mono_sec();
		/* While the path is gone the newest rotated file stays
		 * open: missed_rotation() tells it by its inode. */
		if (n == -1 || (mono_sec() - a->old_active[i] >=
		    AGG_OLD_QUIET_SEC && !(a->path_gone && i == 0)))
			old_retire(a, i);
	}
	if (a->cur.fd == -1) {
		/* The path went missing at a rotation; a file that appeared
		 * there since may have been rotated away in its turn. */
		if (a->path_gone && stat(a->path, &st) == 0) {
			missed_rotation(a);
			a->path_gone = 0;
		}
		if (open_path(a) == -1)
			return errno == ENOENT ? 0 : -1;
	}
	if (read_to_eof(a, &a->cur) == -1)
		return -1;
	if (fstat(a->cur.fd, &st) == 0 &&
	    (uint64_t)st.st_size < a->cur.offset) {
		a->truncations++;
		src_reset(&a->cur);
		if (read_to_eof(a, &a->cur) == -1)
			return -1;
	}
	if (stat(a->path, &st) == 0 && st.st_dev == a->cur.dev &&
	    st.st_ino == a->cur.ino)
		return 0;
	/* Rotated, or removed: the current file becomes the old one. */
	if (read_to_eof(a, &a->cur) == -1)
		return -1;
	old_push(a);
	a->rotations++;
	missed_rotation(a);
	if (open_path(a) == -1) {
		a->path_gone = errno == ENOENT;
		return a->path_gone ? 0 : -1;
	}
	return read_to_eof(a, &a->cur) == -1 ? -1 : 0;
}
