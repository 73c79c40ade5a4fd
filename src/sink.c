/*
 * sink.c - where webclient puts a response body: standard output, or with
 * -o DIR a file beneath DIR, written under a temporary name and renamed
 * into place only when whole; beside either, the cache entry being
 * written.  A sink never leaves a partial file under its final name.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

#define SINK_INDEX_NAME	"index.html"	/* for a path ending in '/' */

/* Writes all of buf to fd.  Returns 0, or -1 with errno. */
int
sink_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* An empty sink: the body goes nowhere. */
void
sink_init(struct sink *s)
{
	s->fd = -1;
	s->caching = 0;
}

/* The body goes to standard output. */
void
sink_stdout(struct sink *s)
{
	s->fd = STDOUT_FILENO;
}

/*
 * The body goes to dir/path (the query left out, "index.html" after a
 * final slash), making the directories on the way as wget -x does.
 * Returns 0, or -1 with errno: EINVAL for a "." or ".." segment, which
 * would lead out of dir, else why a directory or the file could not be
 * made.  sink_name() names the file either way.
 */
int
sink_open_file(struct sink *s, const char *dir, const char *path)
{
	const char	*p, *end = path + strcspn(path, "?");
	char		*slash;
	int		 n;

	s->final[0] = '\0';
	for (p = path; p < end; ) {
		size_t	 seg;

		p++;
		seg = strcspn(p, "/?");
		if ((seg == 1 && p[0] == '.') ||
		    (seg == 2 && p[0] == '.' && p[1] == '.')) {
			errno = EINVAL;
			return -1;
		}
		p += seg;
	}
	n = snprintf(s->final, sizeof(s->final), "%s/%.*s%s", dir,
	    (int)(end - path - 1), path + 1,
	    end[-1] == '/' ? SINK_INDEX_NAME : "");
	if (n < 0 || (size_t)n >= sizeof(s->final)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (slash = s->final + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		if (mkdir(s->final, 0777) == -1 && errno != EEXIST) {
			*slash = '/';
			return -1;
		}
		*slash = '/';
	}
	slash = strrchr(s->final, '/');
	n = snprintf(s->tmp, sizeof(s->tmp), "%.*s/.webclient.XXXXXX",
	    (int)(slash - s->final), s->final);
	if (n < 0 || (size_t)n >= sizeof(s->tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((s->fd = mkstemp(s->tmp)) == -1)
		return -1;
	(void)fchmod(s->fd, 0644);
	return 0;
}

/* What the sink writes to, for messages. */
const char *
sink_name(const struct sink *s)
{
	return s->fd == STDOUT_FILENO ? "standard output" : s->final;
}

/* Also keeps the body in the cache, under url with its validators. */
void
sink_cache(struct sink *s, const char *cache_dir, const char *url,
    const char *etag, const char *last_modified)
{
	s->caching = cache_begin(&s->cw, cache_dir, url, etag,
	    last_modified) == 0;
}

/*
 * Writes body bytes to the sink and the cache.  A cache that cannot be
 * written is dropped quietly: it is no reason to fail the fetch.  Returns
 * 0, or -1 with errno when the sink could not be written.
 */
int
sink_write(struct sink *s, const char *buf, size_t len)
{
	if (s->fd >= 0 && sink_write_all(s->fd, buf, len) == -1)
		return -1;
	if (s->caching && cache_write(&s->cw, buf, len) == -1) {
		cache_abort(&s->cw);
		s->caching = 0;
	}
	return 0;
}

/*
 * The body is whole: renames the file into place and commits the cache
 * entry.  Returns 0, or -1 with errno when the file could not be kept
 * (the sink is then dropped).
 */
int
sink_commit(struct sink *s)
{
	int	saved;

	if (s->fd >= 0 && s->fd != STDOUT_FILENO &&
	    (close(s->fd) == -1 || rename(s->tmp, s->final) == -1)) {
		saved = errno;
		s->fd = -1;
		(void)unlink(s->tmp);
		sink_drop(s);
		errno = saved;
		return -1;
	}
	s->fd = -1;
	if (s->caching)
		(void)cache_commit(&s->cw);
	s->caching = 0;
	return 0;
}

/* Abandons the body: removes the temporary file and the cache entry. */
void
sink_drop(struct sink *s)
{
	if (s->fd >= 0 && s->fd != STDOUT_FILENO) {
		(void)close(s->fd);
		(void)unlink(s->tmp);
	}
	s->fd = -1;
	if (s->caching)
		cache_abort(&s->cw);
	s->caching = 0;
}
