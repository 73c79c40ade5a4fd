/*
 * file.c - where a request path leads beneath the document root, and GET and
 * HEAD of what is there: conditional requests, single byte ranges, index
 * files and the slash redirect of directories.  file_resolve() is pure; the
 * kernel (openat2 with RESOLVE_BENEATH on the root's directory fd) is what
 * finally keeps every open inside the root, symlinks included.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handler.h"

/*
 * Resolves a request path to a normalised path beneath the root: decodes
 * it once, removes dot segments (RFC 3986 section 5.2.4) and empty ones,
 * and writes "/a/b" (or "/dir/" when the path named a directory, "/" for
 * the root) to out.  Returns 0, or the status to answer: 400 for a bad
 * escape, a NUL, a path that is not absolute or one that climbs above the
 * root; 404 for a dotfile (any segment starting with '.'); 414 when the
 * result does not fit in outlen.
 */
int
file_resolve(struct span path, char *out, size_t outlen)
{
	char	dec[FILE_PATH_MAX];
	size_t	dlen, i, s, n, o = 0;
	int	dir = 0;

	if (util_percent_decode(path, dec, sizeof(dec), &dlen) == -1)
		return errno == ENAMETOOLONG ? 414 : 400;
	if (dlen == 0 || dec[0] != '/' || outlen < 3)
		return 400;
	out[o++] = '/';
	for (i = 0; i < dlen; ) {
		while (i < dlen && dec[i] == '/')
			i++;
		for (s = i; i < dlen && dec[i] != '/'; i++)
			;
		if ((n = i - s) == 0)
			continue;
		/* A path ending in "." or ".." names a directory. */
		dir = dec[s] == '.' && (n == 1 || (n == 2 && dec[s + 1] == '.'));
		if (n == 1 && dir)
			continue;
		if (n == 2 && dir) {
			if (o == 1)
				return 400;	/* above the root */
			for (o--; out[o - 1] != '/'; o--)
				;
			continue;
		}
		if (o + n + 2 > outlen)
			return 414;
		memcpy(out + o, dec + s, n);
		o += n;
		out[o++] = '/';
	}
	/* Each segment was written with a slash after it. */
	if (dec[dlen - 1] == '/')
		dir = 1;
	if (o > 1 && !dir)
		o--;
	out[o] = '\0';
	for (i = 0; i + 1 < o; i++)
		if (out[i] == '/' && out[i + 1] == '.')
			return 404;
	return 0;
}

/*
 * Opens rel (a path relative to root_fd, "." for the root itself) for
 * reading and stats it.  The kernel refuses any resolution that leaves the
 * root, through ".." or a symlink (RESOLVE_BENEATH).  O_NONBLOCK keeps a
 * FIFO from blocking the open; the caller serves regular files only.
 * Returns 0 with *ret_fd and *ret_st set, or the status to answer (403,
 * 404, 414, 500).
 */
int
file_open(int root_fd, const char *rel, int flags, struct stat *ret_st,
    int *ret_fd)
{
	struct open_how	how = {
		.flags = (uint64_t)(O_RDONLY | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK | flags),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int		fd;

	do {
		fd = (int)syscall(SYS_openat2, root_fd, rel, &how,
		    sizeof(how));
	} while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		switch (errno) {
		case ENOENT:
		case ENOTDIR:
		case EXDEV:	/* a symlink out of the root */
		case ELOOP:
			return 404;
		case EACCES:
		case EPERM:
		case ENXIO:	/* a socket, or a device with nothing behind */
			return 403;
		case ENAMETOOLONG:
			return 414;
		default:
			return 500;
		}
	}
	if (fstat(fd, ret_st) == -1) {
		(void)close(fd);
		return 500;
	}
	*ret_fd = fd;
	return 0;
}

/*
 * Formats the strong entity-tag of a file from its inode, size and
 * modification time: any change through rename or write changes it.
 */
void
file_etag(const struct stat *st, char buf[FILE_ETAG_LEN])
{
	(void)snprintf(buf, FILE_ETAG_LEN, "\"%llx-%llx-%llx%09lx\"",
	    (unsigned long long)st->st_ino, (unsigned long long)st->st_size,
	    (unsigned long long)st->st_mtim.tv_sec,
	    (unsigned long)st->st_mtim.tv_nsec);
}

/* The value of a request header field as a span; empty when absent. */
static const struct span *
field(const struct conn *c, const char *name)
{
	return parse_header(c->req.headers, c->req.nheaders, name);
}

/*
 * Evaluates the preconditions of RFC 9110 section 13.2.2 against the
 * file's state (st NULL when there is no file, etag its tag).  Returns 0
 * to go on, 304 for a GET or HEAD whose cached copy is current, or 412.
 */
int
file_conditions(const struct conn *c, const struct stat *st,
    const char *etag)
{
	const struct span	*v;
	struct span		 tag = { etag, etag ? strlen(etag) : 0 };
	time_t			 t;
	int			 safe;

	if (!c->req.conditional)
		return 0;
	safe = c->req.method == METHOD_GET || c->req.method == METHOD_HEAD;
	if ((v = field(c, "If-Match")) != NULL) {
		if (st == NULL || !etag_match(*v, tag, 0))
			return 412;
	} else if ((v = field(c, "If-Unmodified-Since")) != NULL &&
	    st != NULL && util_parse_http_date(*v, &t) == 0 &&
	    st->st_mtime > t)
		return 412;

	if ((v = field(c, "If-None-Match")) != NULL) {
		if (st != NULL && etag_match(*v, tag, 1))
			return safe ? 304 : 412;
	} else if (safe && st != NULL &&
	    (v = field(c, "If-Modified-Since")) != NULL &&
	    util_parse_http_date(*v, &t) == 0 && st->st_mtime <= t)
		return 304;
	return 0;
}

/*
 * Whether a Range header applies: If-Range (RFC 9110 section 13.1.5) lets
 * it through only when the validator still matches, compared strongly.
 */
static int
range_applies(const struct conn *c, const char *etag, const char *lastmod)
{
	const struct span	*v;

	if ((v = field(c, "If-Range")) == NULL)
		return 1;
	if (v->len > 0 && (v->p[0] == '"' || v->p[0] == 'W'))
		return span_eq(*v, etag);
	return span_eq(*v, lastmod);
}

/*
 * The file to serve for a directory: the first index file that exists.
 * Returns 0 with the index's fd, stat and name, or 403 when there is none
 * (stdhttpd never lists directories).
 */
static int
open_index(struct conn *c, char *rel, size_t relmax, struct stat *st,
    int *fd)
{
	size_t	i, len = strlen(rel);
	int	rc;

	for (i = 0; i < c->cfg->nindex; i++) {
		if (len + strlen(c->cfg->index[i]) + 1 > relmax)
			return 414;
		memcpy(rel + len, c->cfg->index[i],
		    strlen(c->cfg->index[i]) + 1);
		rc = file_open(c->root_fd, rel[0] == '\0' ? "." : rel, 0,
		    st, fd);
		if (rc == 0 && S_ISREG(st->st_mode))
			return 0;
		if (rc == 0)
			(void)close(*fd);
		if (rc != 404)
			return rc == 0 ? 403 : rc;
	}
	rel[len] = '\0';
	return 403;
}

/* 301 to the same path with a slash appended (query kept). */
static void
redirect_slash(struct conn *c)
{
	char	loc[HTTP_MAX_REQUEST_LINE + 2];
	int	n;

	n = snprintf(loc, sizeof(loc), "%.*s/%s%.*s",
	    (int)c->req.path.len, c->req.path.p,
	    c->req.query.len ? "?" : "", (int)c->req.query.len,
	    c->req.query.p);
	if (n < 0 || (size_t)n >= sizeof(loc)) {
		respond_error(c, 414);
		return;
	}
	respond_error_header(c, 301, "Location", loc);
}

/*
 * The last file served on this connection, kept open with its validators
 * formatted and, when small, its contents.  A keep-alive client that asks
 * for it again costs one fstatat() instead of an open, a stat, a read and
 * a close.  The descriptor was opened beneath the root; it is used again
 * only while the same path still names the same inode, unchanged (size,
 * modification and change times), so a replaced, edited or removed file is
 * never served from here.  Requests that arrived in one read (a pipelined
 * burst) share one check: each is answered with the file as it was when
 * the burst came in, or later.  A connection that goes idle forgets it
 * (file_release()).
 */
struct cached {
	int		 fd;		/* open while keylen > 0 */
	const char	*type;
	struct stat	 st;
	unsigned	 checked;	/* the conn's fills at the last check */
	char		 etag[FILE_ETAG_LEN];
	char		 lastmod[UTIL_HTTP_DATE_LEN + 1];
	/* The header fields of a 200 for it, up to Content-Length; the
	 * validators (Last-Modified, ETag) come first, for 206 and 304. */
	char		 fields[sizeof("Last-Modified: \r\nETag: \r\n"
			    "Accept-Ranges: bytes\r\nContent-Type: \r\n"
			    "Content-Length: \r\n") + UTIL_HTTP_DATE_LEN +
			    FILE_ETAG_LEN + CONFIG_TYPE_MAX + 20];
	size_t		 fields_len;
	size_t		 validators_len;
	int		 has_body;	/* body[] holds the whole file */
	unsigned	 sent;		/* bodies sent since it was stored */
	size_t		 keylen;	/* the request path: path[0..keylen) */
	char		 path[FILE_PATH_MAX];	/* it, then any index name */
	char		 body[RESPOND_INLINE_MAX];	/* last: often unused */
};
static struct cached	*cached;	/* FILE_CACHE_BUF, from conn_serve() */

_Static_assert(sizeof(struct cached) <= FILE_CACHE_BUF,
    "the cache fits in its buffer");

/* The file of a resolved path "/a/b" relative to the root: "a/b", or "." */
static const char *
relative(const char *path)
{
	return path[1] == '\0' ? "." : path + 1;
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Whether the cache holds c->path, still what the path names. */
static int
cached_lookup(const struct conn *c)
{
	struct stat	now;

	if (cached->keylen == 0 || strlen(c->path) != cached->keylen ||
	    memcmp(cached->path, c->path, cached->keylen) != 0)
		return 0;
	if (cached->checked == c->fills)
		return 1;
	if (fstatat(c->root_fd, relative(cached->path), &now, 0) == -1 ||
	    !same_file(&now, &cached->st))
		return 0;
	cached->checked = c->fills;
	return 1;
}

/* Empties the cache, closing its file. */
static void
cached_close(void)
{
	if (cached->keylen > 0)
		(void)close(cached->fd);
	cached->keylen = 0;
}

/*
 * Makes fd the cached file for path, whose first keylen bytes are the
 * request path; the cache owns fd from now on.  Returns 0, or 500 (and
 * closes fd) if its header fields did not fit, which their sizes rule out.
 */
static int
cached_store(const struct conn *c, size_t keylen, int fd,
    const struct stat *st, const char *type)
{
	size_t	 cap = sizeof(cached->fields);
	int	 v, n;

	cached_close();
	file_etag(st, cached->etag);
	util_http_date(st->st_mtime, cached->lastmod);
	v = snprintf(cached->fields, cap, "Last-Modified: %s\r\nETag: %s\r\n",
	    cached->lastmod, cached->etag);
	n = v < 0 || (size_t)v >= cap ? -1 : snprintf(cached->fields + v,
	    cap - (size_t)v, "Accept-Ranges: bytes\r\nContent-Type: %s\r\n"
	    "Content-Length: %llu\r\n", type, (unsigned long long)st->st_size);
	if (n < 0 || (size_t)n >= cap - (size_t)v) {
		(void)close(fd);
		errno = EOVERFLOW;	/* the reason respond_error() logs */
		return 500;
	}
	cached->validators_len = (size_t)v;
	cached->fields_len = (size_t)v + (size_t)n;
	cached->fd = fd;
	cached->type = type;
	cached->st = *st;
	cached->checked = c->fills;
	cached->has_body = 0;
	cached->sent = 0;
	memcpy(cached->path, c->path, strlen(c->path) + 1);
	cached->keylen = keylen;
	return 0;
}

/*
 * Makes the next request check the cached file again, because this
 * connection is about to change files itself.  (A check is due whenever
 * cached->checked differs from c->fills, which is at least 1 once a request
 * has been read.)
 */
void
file_forget(void)
{
	cached->checked = 0;
}

/* Sets the cache's memory, FILE_CACHE_BUF bytes of zeros. */
void
file_use_cache(void *buf)
{
	cached = buf;
}

/*
 * Closes the cached file and gives the cache's pages back, while the
 * connection is idle: an idle handler holds no file of the root open.  The
 * pages come back zeroed, an empty cache.
 */
void
file_release(void)
{
	cached_close();
	conn_release_pages(cached, FILE_CACHE_BUF);
}

/*
 * Finds the regular file a GET or HEAD of c->path serves: the file, or a
 * directory's index file, whose name open_index() appends to c->path.
 * Returns 0 when the cache above holds it, 1 after answering a redirect,
 * or the status to answer.
 */
static int
find_file(struct conn *c)
{
	char		*rel = c->path + 1;
	const char	*type;
	struct stat	 st;
	size_t		 keylen = strlen(c->path);
	int		 fd = -1, rc;

	if (c->path_status != 0)
		return c->path_status;
	if (cached_lookup(c))
		return 0;
	rc = file_open(c->root_fd, relative(c->path), 0, &st, &fd);
	if (rc == 0 && S_ISDIR(st.st_mode)) {
		(void)close(fd);
		fd = -1;
		if (rel[0] != '\0' && rel[strlen(rel) - 1] != '/') {
			redirect_slash(c);
			return 1;
		}
		rc = open_index(c, rel, FILE_PATH_MAX - 1, &st, &fd);
	}
	if (rc == 0 && !S_ISREG(st.st_mode))
		rc = 403;	/* devices, FIFOs, sockets */
	if (rc == 0 && (type = mime_type(c->cfg,
	    (struct span){ rel, strlen(rel) })) == NULL) {
		if (c->cfg->strict_types)
			rc = 403;
		type = "application/octet-stream";
	}
	if (rc != 0) {
		if (fd >= 0)
			(void)close(fd);
		return rc;
	}
	return cached_store(c, keylen, fd, &st, type);
}

/*
 * Reads the cached file into memory when it is small, asked for again and
 * has not changed for a while.  A body sent once is not copied: most
 * connections ask for each file once, and an idle handler should not hold
 * what it will not send again.  Its change time must be over a second
 * old: a write within the file system's timestamp granularity could
 * otherwise change the contents without changing the times the cache is
 * checked against.
 */
static void
cached_load(const struct conn *c)
{
	off_t	size = cached->st.st_size;

	if (cached->has_body || size > RESPOND_INLINE_MAX ||
	    cached->st.st_ctim.tv_sec + 1 >= c->req_start.tv_sec)
		return;
	if (cached->sent++ == 0)
		return;		/* the first time, straight from the file */
	cached->has_body = pread(cached->fd, cached->body, (size_t)size, 0) ==
	    size;
}

/* Sends bytes [off, off + len) of the cached file as the body. */
static void
send_body(struct conn *c, uint64_t off, uint64_t len)
{
	if (c->req.method == METHOD_HEAD)
		return;
	cached_load(c);
	if (!cached->has_body) {
		(void)respond_file(c, cached->fd, (off_t)off, len);
		return;
	}
	respond_bytes(c, cached->body + off, (size_t)len);
	c->reply.bytes += len;
}

/*
 * GET and HEAD of a file beneath the root: 200 with the file, 206 with a
 * range of it, 304 or 412 from the preconditions, 416, 301 for a directory
 * named without its slash, or an error status.
 */
void
file_get(struct conn *c)
{
	const char	*etag = cached->etag, *lastmod = cached->lastmod;
	const struct stat *st = &cached->st;
	char		 crange[96];
	const struct span *range;
	uint64_t	 first = 0, last = 0, size;
	int		 rc;

	if ((rc = find_file(c)) == 1)
		return;
	if (rc != 0)
		goto fail;

	size = (uint64_t)st->st_size;
	if ((rc = file_conditions(c, st, etag)) != 0) {
		if (rc == 412)
			goto fail;
		respond_start(c, 304);
		respond_bytes(c, cached->fields, cached->validators_len);
		respond_end(c, NULL, RESPOND_NO_LENGTH);
		return;
	}

	range = c->req.method == METHOD_GET && c->req.conditional ?
	    field(c, "Range") : NULL;
	if (range != NULL && range_applies(c, etag, lastmod)) {
		rc = range_parse(*range, size, &first, &last);
		if (rc == RANGE_UNSATISFIABLE) {
			(void)snprintf(crange, sizeof(crange), "bytes */%llu",
			    (unsigned long long)size);
			respond_error_header(c, 416, "Content-Range", crange);
			return;
		}
		if (rc == PARSE_OK) {
			(void)snprintf(crange, sizeof(crange),
			    "bytes %llu-%llu/%llu", (unsigned long long)first,
			    (unsigned long long)last,
			    (unsigned long long)size);
			respond_start(c, 206);
			respond_bytes(c, cached->fields,
			    cached->validators_len);
			respond_header(c, "Content-Range", crange);
			respond_end(c, cached->type, last - first + 1);
			send_body(c, first, last - first + 1);
			return;
		}
	}

	respond_start(c, 200);
	respond_end_fields(c, cached->type, cached->fields, cached->fields_len);
	send_body(c, 0, size);
	return;
fail:
	respond_error(c, rc);
}
