/*
 * cache.c - webclient's cache: one file per URL holding the body and the
 * validators (ETag, Last-Modified) it came with.
 *
 * An entry is written to a temporary file beside it and renamed into place,
 * so two clients at once each see a whole old or a whole new entry.  Each
 * entry records its URL, body length and a checksum; one that does not match
 * them is removed, never served.  No logging: errors go to the caller.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

/*
 * The entry format: a text head of fixed-width fields, so that the length
 * and checksum can be filled in after the body has streamed past, then the
 * body.
 *
 *	webclient-cache 1\n
 *	url http://host:port/path\n
 *	etag "xyz"\n
 *	last-modified Sun, 06 Nov 1994 08:49:37 GMT\n
 *	length 00000000000000001234\n
 *	checksum 0123456789abcdef\n
 *	\n
 *	body
 */
#define CACHE_MAGIC		"webclient-cache 1\n"
#define CACHE_MAX_HEAD		(CACHE_MAX_URL + 2 * CACHE_MAX_VALUE + 128)
#define CACHE_LENGTH_DIGITS	20
#define CACHE_SUM_DIGITS	16
#define CACHE_COPY_BUF		65536
#define FNV_OFFSET		0xcbf29ce484222325ULL
#define FNV_PRIME		0x100000001b3ULL

static uint64_t
cache_fnv(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t	 i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* The entry's file name: a hash of the URL (the entry repeats the URL). */
static int
cache_path(const char *dir, const char *url, char *buf, size_t size)
{
	int	 n;

	n = snprintf(buf, size, "%s/%016llx", dir,
	    (unsigned long long)cache_fnv(FNV_OFFSET, url, strlen(url)));
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Copies the value of head line "key value\n" at *p into buf; advances *p. */
static int
cache_field(const char **p, const char *end, const char *key, char *buf,
    size_t size)
{
	size_t	 klen = strlen(key), vlen;
	const char *nl;

	if ((size_t)(end - *p) <= klen + 1 || memcmp(*p, key, klen) != 0 ||
	    (*p)[klen] != ' ')
		return -1;
	*p += klen + 1;
	if ((nl = memchr(*p, '\n', end - *p)) == NULL)
		return -1;
	vlen = nl - *p;
	if (vlen >= size)
		return -1;
	memcpy(buf, *p, vlen);
	buf[vlen] = '\0';
	*p = nl + 1;
	return 0;
}

static int
cache_hex(const char *s, size_t len, uint64_t *ret)
{
	uint64_t v = 0;
	size_t	 i;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else
			return -1;
		v = v << 4 | (uint64_t)c;
	}
	*ret = v;
	return 0;
}

/* Checks the head in buf and the body behind it; fills e. */
static int
cache_check(int fd, const char *buf, size_t len, const char *url,
    struct cache_entry *e)
{
	char		 val[CACHE_MAX_URL], *scratch = NULL;
	const char	*p = buf, *end = buf + len, *blank;
	uint64_t	 want_sum, sum = FNV_OFFSET, left;
	struct stat	 st;
	ssize_t		 n;
	int		 rc = -1;

	if ((blank = memmem(buf, len, "\n\n", 2)) == NULL)
		goto out;
	end = blank + 1;
	if ((size_t)(end - p) < sizeof(CACHE_MAGIC) - 1 ||
	    memcmp(p, CACHE_MAGIC, sizeof(CACHE_MAGIC) - 1) != 0)
		goto out;
	p += sizeof(CACHE_MAGIC) - 1;
	if (cache_field(&p, end, "url", val, sizeof(val)) == -1 ||
	    strcmp(val, url) != 0 ||
	    cache_field(&p, end, "etag", e->etag, sizeof(e->etag)) == -1 ||
	    cache_field(&p, end, "last-modified", e->last_modified,
	    sizeof(e->last_modified)) == -1 ||
	    cache_field(&p, end, "length", val, sizeof(val)) == -1 ||
	    util_parse_u64((struct span){ val, strlen(val) }, UINT64_MAX,
	    &e->length) == -1 ||
	    cache_field(&p, end, "checksum", val, sizeof(val)) == -1 ||
	    strlen(val) != CACHE_SUM_DIGITS ||
	    cache_hex(val, CACHE_SUM_DIGITS, &want_sum) == -1 || p != end)
		goto out;
	if (fstat(fd, &st) == -1 || (uint64_t)st.st_size !=
	    (uint64_t)(end + 1 - buf) + e->length)
		goto out;
	/* Read the body once to prove it whole before anyone is served it. */
	if ((scratch = malloc(CACHE_COPY_BUF)) == NULL ||
	    lseek(fd, end + 1 - buf, SEEK_SET) == -1)
		goto out;
	for (left = e->length; left > 0; left -= (uint64_t)n) {
		n = read(fd, scratch, left < CACHE_COPY_BUF ?
		    (size_t)left : CACHE_COPY_BUF);
		if (n <= 0)
			goto out;
		sum = cache_fnv(sum, scratch, n);
	}
	if (sum != want_sum || lseek(fd, end + 1 - buf, SEEK_SET) == -1)
		goto out;
	rc = 0;
out:
	free(scratch);
	return rc;
}

/*
 * Opens the entry for url in dir.  Returns 0 with *ret filled (ret->fd open
 * at the start of the body; the caller closes it with cache_close()), or -1
 * with errno: ENOENT when there is no entry, EBADMSG when there was a corrupt
 * one (it has been removed), or that of a failed system call.
 */
int
cache_open(const char *dir, const char *url, struct cache_entry *ret)
{
	char		 path[PATH_MAX], head[CACHE_MAX_HEAD];
	struct cache_entry e;
	struct stat	 st, now;
	ssize_t		 n;
	int		 fd, saved;

	if (cache_path(dir, url, path, sizeof(path)) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	memset(&e, 0, sizeof(e));
	if ((n = pread(fd, head, sizeof(head), 0)) == -1) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		return -1;
	}
	if (cache_check(fd, head, (size_t)n, url, &e) == -1) {
		/*
		 * Remove it only if it is still the file we read: another
		 * client may have renamed a good entry into place meanwhile.
		 */
		if (fstat(fd, &st) == 0 && stat(path, &now) == 0 &&
		    st.st_ino == now.st_ino && st.st_dev == now.st_dev)
			(void)unlink(path);
		(void)close(fd);
		errno = EBADMSG;
		return -1;
	}
	e.fd = fd;
	*ret = e;
	return 0;
}

/* Closes an entry from cache_open(). */
void
cache_close(struct cache_entry *e)
{
	if (e->fd >= 0)
		(void)close(e->fd);
	e->fd = -1;
}

/* Whether a validator can be stored on one head line. */
static int
cache_value_ok(const char *s)
{
	return strlen(s) < CACHE_MAX_VALUE && strchr(s, '\n') == NULL &&
	    strchr(s, '\r') == NULL;
}

/*
 * Starts a new entry for url in dir (created if missing) with the given
 * validators ("" for none).  Returns 0, or -1 with errno.  On success the
 * caller ends it with cache_commit() or cache_abort().
 */
int
cache_begin(struct cache_writer *w, const char *dir, const char *url,
    const char *etag, const char *last_modified)
{
	char	 head[CACHE_MAX_HEAD];
	int	 n, saved;

	if (!cache_value_ok(etag) || !cache_value_ok(last_modified) ||
	    strlen(url) >= CACHE_MAX_URL || strchr(url, '\n') != NULL) {
		errno = EINVAL;
		return -1;
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return -1;
	if (cache_path(dir, url, w->path, sizeof(w->path)) == -1)
		return -1;
	n = snprintf(w->tmp, sizeof(w->tmp), "%s/.tmp.XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(w->tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((w->fd = mkstemp(w->tmp)) == -1)
		return -1;
	/* Placeholders of the final width; cache_commit() fills them in. */
	n = snprintf(head, sizeof(head), CACHE_MAGIC "url %s\netag %s\n"
	    "last-modified %s\nlength %0*d\nchecksum %0*d\n\n", url, etag,
	    last_modified, CACHE_LENGTH_DIGITS, 0, CACHE_SUM_DIGITS, 0);
	if (n < 0 || (size_t)n >= sizeof(head)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	if (write(w->fd, head, n) != n)
		goto fail;
	w->length = 0;
	w->sum = FNV_OFFSET;
	return 0;
fail:
	saved = errno ? errno : EIO;
	cache_abort(w);
	errno = saved;
	return -1;
}

/* Appends len body bytes.  Returns 0, or -1 with errno. */
int
cache_write(struct cache_writer *w, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t	 n;
	size_t	 left;

	for (left = len; left > 0; left -= (size_t)n, p += n)
		if ((n = write(w->fd, p, left)) == -1) {
			if (errno == EINTR) {
				n = 0;
				continue;
			}
			return -1;
		}
	w->sum = cache_fnv(w->sum, buf, len);
	w->length += len;
	return 0;
}

/*
 * Fills in the length and checksum and renames the entry into place,
 * replacing any older one.  Returns 0, or -1 with errno (the temporary file
 * is gone either way).
 */
int
cache_commit(struct cache_writer *w)
{
	static const char length[] = "\nlength ", checksum[] = "\nchecksum ";
	char		 head[CACHE_MAX_HEAD], num[CACHE_LENGTH_DIGITS + 1];
	char		*at;
	ssize_t		 n;
	int		 saved;

	if ((n = pread(w->fd, head, sizeof(head) - 1, 0)) <= 0)
		goto fail;
	head[n] = '\0';
	if ((at = strstr(head, length)) == NULL)
		goto fail;
	at += sizeof(length) - 1;
	(void)snprintf(num, sizeof(num), "%0*llu", CACHE_LENGTH_DIGITS,
	    (unsigned long long)w->length);
	if (pwrite(w->fd, num, CACHE_LENGTH_DIGITS, at - head) !=
	    CACHE_LENGTH_DIGITS)
		goto fail;
	at += CACHE_LENGTH_DIGITS + sizeof(checksum) - 1;
	(void)snprintf(num, sizeof(num), "%0*llx", CACHE_SUM_DIGITS,
	    (unsigned long long)w->sum);
	if (pwrite(w->fd, num, CACHE_SUM_DIGITS, at - head) !=
	    CACHE_SUM_DIGITS)
		goto fail;
	if (close(w->fd) == -1) {
		w->fd = -1;
		goto fail;
	}
	w->fd = -1;
	if (rename(w->tmp, w->path) == -1)
		goto fail;
	return 0;
fail:
	saved = errno ? errno : EIO;
	cache_abort(w);
	errno = saved;
	return -1;
}

/* Drops an entry begun with cache_begin(). */
void
cache_abort(struct cache_writer *w)
{
	if (w->fd >= 0)
		(void)close(w->fd);
	w->fd = -1;
	(void)unlink(w->tmp);
}
