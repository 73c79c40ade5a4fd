/*
 * stats.c - the stats records of one connection: an "open" record, one
 * "request" record per request and a "close" record, as JSON Lines built
 * with jansson.  Records collect in a buffer and reach the shared stats
 * file together, in one write on an O_APPEND descriptor under flock, so
 * the lines of concurrent handlers never interleave.  jansson allocates from
 * a fixed arena that is reset after every record: no malloc on the request
 * path.  A failure to write is logged once per connection and never affects
 * the responses.
 */
#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "handler.h"

#define STATS_ARENA	65536	/* jansson's memory for one record */
#define STATS_ALIGN	16

static char	arena[STATS_ARENA] __attribute__((aligned(STATS_ALIGN)));
static size_t	arena_used;

static char	sbuf[STATS_BUF];
static size_t	slen;

/* A bump allocator for jansson; a record that needs more fails. */
static void *
arena_alloc(size_t n)
{
	void	*p;

	n = (n + STATS_ALIGN - 1) & ~(size_t)(STATS_ALIGN - 1);
	if (n > sizeof(arena) - arena_used)
		return NULL;
	p = arena + arena_used;
	arena_used += n;
	return p;
}

static void
arena_free(void *p)
{
	(void)p;	/* the whole arena is reset after each record */
}

/*
 * Points jansson at the arena; call once before the first record.  A fixed
 * hash seed spares jansson a read of /dev/urandom at every connection's
 * start: the keys of a record are stdhttpd's own, so nobody can choose
 * colliding ones.
 */
void
stats_init(void)
{
	json_set_alloc_funcs(arena_alloc, arena_free);
	json_object_seed(1);
}

/* Whether records wait in the buffer. */
int
stats_pending(void)
{
	return slen > 0;
}

/*
 * A JSON string from arbitrary bytes.  A target or method that is not
 * valid UTF-8 is logged with its non-ASCII bytes replaced by '?', so the
 * record stays valid JSON; control bytes are escaped by jansson.
 */
static json_t *
jstr(const char *p, size_t len)
{
	static char	scratch[HTTP_MAX_REQUEST_LINE];
	json_t		*s;
	size_t		 i;

	if (len == 0)
		return json_string("");
	if ((s = json_stringn(p, len)) != NULL)
		return s;
	if (len > sizeof(scratch))
		len = sizeof(scratch);
	for (i = 0; i < len; i++)
		scratch[i] = (unsigned char)p[i] < 0x80 ? p[i] : '?';
	return json_stringn(scratch, len);
}

static json_t *
jspan(struct span s)
{
	return jstr(s.p, s.len);
}

static int64_t
usec_between(const struct timespec *a, const struct timespec *b)
{
	int64_t	us;

	us = ((int64_t)b->tv_sec - a->tv_sec) * 1000000 +
	    (b->tv_nsec - a->tv_nsec) / 1000;
	return us < 0 ? 0 : us;
}

/* The fields every record starts with. */
static json_t *
record(const struct conn *c, const char *event, const struct timespec *ts)
{
	char	 when[UTIL_RFC3339_LEN + 1];
	json_t	*o;

	if ((o = json_object()) == NULL)
		return NULL;
	util_rfc3339(ts, when);
	(void)json_object_set_new(o, "ts", json_string(when));
	(void)json_object_set_new(o, "event", json_string(event));
	(void)json_object_set_new(o, "pid", json_integer(c->pid));
	(void)json_object_set_new(o, "conn", json_string(c->id));
	return o;
}

static void
fail_once(struct conn *c, const char *what)
{
	if (!c->stats_failed)
		conn_log(c, "stats file %s: %s", c->cfg->stats, what);
	c->stats_failed = 1;
}

/* Serialises o as one line into the buffer and releases the arena. */
static void
append(struct conn *c, json_t *o)
{
	size_t	n = 0;

	if (o != NULL) {
		n = json_dumpb(o, sbuf + slen, sizeof(sbuf) - slen - 1,
		    JSON_COMPACT);
		if (n >= sizeof(sbuf) - slen - 1) {
			(void)stats_flush(c);
			n = json_dumpb(o, sbuf, sizeof(sbuf) - 1,
			    JSON_COMPACT);
		}
		json_decref(o);
	}
	arena_used = 0;
	if (n == 0 || n >= sizeof(sbuf) - slen - 1) {
		fail_once(c, "a record could not be built");
		return;
	}
	sbuf[slen + n] = '\n';
	slen += n + 1;
}

void
stats_open_record(struct conn *c)
{
	json_t	*o;

	if ((o = record(c, "open", &c->opened)) != NULL)
		(void)json_object_set_new(o, "client", json_string(c->client));
	append(c, o);
}

/* The record of the request just answered. */
void
stats_request_record(struct conn *c)
{
	const struct request	*r = &c->req;
	struct timespec		 now;
	json_t			*o;

	(void)clock_gettime(CLOCK_REALTIME, &now);
	if ((o = record(c, "request", &c->req_start)) != NULL) {
		(void)json_object_set_new(o, "seq", json_integer(c->seq));
		(void)json_object_set_new(o, "client",
		    json_string(c->client));
		(void)json_object_set_new(o, "method",
		    jspan(r->method_token));
		(void)json_object_set_new(o, "target", jspan(r->target));
		(void)json_object_set_new(o, "version",
		    json_string(r->method_token.len == 0 ? "" :
		    r->minor ? "HTTP/1.1" : "HTTP/1.0"));
		(void)json_object_set_new(o, "status",
		    json_integer(c->reply.status));
		(void)json_object_set_new(o, "bytes",
		    json_integer((json_int_t)c->reply.bytes));
		(void)json_object_set_new(o, "bytes_in",
		    json_integer((json_int_t)c->reply.bytes_in));
		(void)json_object_set_new(o, "type",
		    json_string(c->reply.type ? c->reply.type : ""));
		(void)json_object_set_new(o, "dur_us",
		    json_integer(usec_between(&c->req_start, &now)));
	}
	append(c, o);
}

void
stats_close_record(struct conn *c)
{
	struct timespec	 now;
	json_t		*o;

	(void)clock_gettime(CLOCK_REALTIME, &now);
	if ((o = record(c, "close", &now)) != NULL) {
		(void)json_object_set_new(o, "requests",
		    json_integer(c->seq));
		(void)json_object_set_new(o, "dur_us",
		    json_integer(usec_between(&c->opened, &now)));
	}
	append(c, o);
}

/*
 * Appends the buffered records to the stats file in one write under an
 * exclusive flock.  A short write (a full disk) is cut back to the last
 * whole record, so a reader never sees a torn line.  Returns 0, or -1 when
 * the records were dropped (logged once per connection).
 */
int
stats_flush(struct conn *c)
{
	struct stat	st;
	ssize_t		n;
	int		rc = -1;

	if (slen == 0)
		return 0;
	if (c->stats_fd < 0) {
		fail_once(c, "not open");
		goto out;
	}
	if (flock(c->stats_fd, LOCK_EX) == -1) {
		fail_once(c, strerror(errno));
		goto out;
	}
	do {
		n = write(c->stats_fd, sbuf, slen);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)slen)
		rc = 0;
	else {
		fail_once(c, n < 0 ? strerror(errno) : "short write");
		if (n > 0 && (fstat(c->stats_fd, &st) == -1 ||
		    ftruncate(c->stats_fd, st.st_size - n) == -1))
			conn_log(c, "stats file %s: a torn record remains: %s",
			    c->cfg->stats, strerror(errno));
	}
	(void)flock(c->stats_fd, LOCK_UN);
out:
	slen = 0;
	return rc;
}
