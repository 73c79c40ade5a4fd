/*
 * stats.c - the stats records of one connection: an "open" record, one
 * "request" record per request and a "close" record, as JSON Lines.
 * Records are written straight into a buffer, strings through
 * util_json_string(), and reach the shared stats file together, in one
 * write on an O_APPEND descriptor under flock, so the lines of concurrent
 * handlers never interleave.  Nothing allocates.  (jansson built these
 * records once; on pipelined requests it took 60% of the handler's
 * instructions, and its library a share of every connection's start.)
 * A failure to write is logged once per connection and never affects the
 * responses.
 */
#include <errno.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "handler.h"

/*
 * The longest record: method and target are at most a request line, and
 * each of their bytes takes at most six as JSON; the other fields are
 * stdhttpd's own and short.  A buffer with less room is flushed first.
 */
#define STATS_RECORD_MAX	(6 * HTTP_MAX_REQUEST_LINE + 1024)

/*
 * What every record of the connection repeats, formatted with its first
 * record (one process serves one connection): ,"pid":N,"conn":"ID" and
 * ,"client":"ADDRESS".  A JSON string takes at most six bytes a byte.
 */
static char	ident[sizeof(",\"pid\":,\"conn\":") + 20 + 6 * CONN_ID_LEN];
static size_t	ident_len;
static char	client[sizeof(",\"client\":") + 6 * CONN_ADDR_LEN];
static size_t	client_len;

static char	*sbuf;		/* STATS_BUF bytes, from conn_serve() */
static size_t	slen;

/* Appends raw bytes to the record being built; sbuf has room (above). */
static void
put(const char *p, size_t len)
{
	memcpy(sbuf + slen, p, len);
	slen += len;
}

/* Appends a string as a JSON string. */
static void
put_json(struct span value)
{
	slen += util_json_string(sbuf + slen, STATS_BUF - slen, value);
}

static void
put_u64(uint64_t v)
{
	char	 buf[20];
	char	*p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	put(p, (size_t)(buf + sizeof(buf) - p));
}

/*
 * The fields after a record's first: ,"name":value, with name a string
 * literal, so that its quoting is done by the compiler.
 */
#define PUT_LITERAL(s)		put((s), sizeof(s) - 1)
#define PUT_NAME(name)		PUT_LITERAL(",\"" name "\":")
#define PUT_STR(name, span)	(PUT_NAME(name), put_json(span))
#define PUT_CSTR(name, s)	PUT_STR(name, ((struct span){ (s), strlen(s) }))
#define PUT_U64(name, v)	(PUT_NAME(name), put_u64(v))

static uint64_t
usec_between(const struct timespec *a, const struct timespec *b)
{
	int64_t	us;

	us = ((int64_t)b->tv_sec - a->tv_sec) * 1000000 +
	    (b->tv_nsec - a->tv_nsec) / 1000;
	return us < 0 ? 0 : (uint64_t)us;
}

/*
 * Formats ident and client for the connection, in the free end of sbuf
 * (the caller made room for a record).
 */
static void
identity(const struct conn *c)
{
	size_t	mark = slen;

	PUT_U64("pid", (uint64_t)c->pid);
	PUT_CSTR("conn", c->id);
	ident_len = slen - mark;
	memcpy(ident, sbuf + mark, ident_len);
	slen = mark;
	PUT_CSTR("client", c->client);
	client_len = slen - mark;
	memcpy(client, sbuf + mark, client_len);
	slen = mark;
}

/*
 * Appends ts as a quoted RFC 3339 time.  The date and time of day change
 * once a second and are formatted then; in between only the microseconds.
 */
static void
put_time(const struct timespec *ts)
{
	static char	when[UTIL_RFC3339_LEN + 1];
	static time_t	when_sec = -1;

	if (ts->tv_sec != when_sec) {
		util_rfc3339(ts, when);
		when_sec = ts->tv_sec;
	} else
		util_rfc3339_usec(ts, when);
	PUT_LITERAL("\"");
	put(when, UTIL_RFC3339_LEN);
	PUT_LITERAL("\"");
}

/*
 * Starts a record with the fields every record has.  event is a literal,
 * with nothing to escape.
 */
#define RECORD(c, event, ts) \
	(record(c, ts), PUT_LITERAL(",\"event\":\"" event "\""), \
	put(ident, ident_len))

static void
record(struct conn *c, const struct timespec *ts)
{
	if (STATS_BUF - slen < STATS_RECORD_MAX)
		(void)stats_flush(c);
	if (ident_len == 0)
		identity(c);
	PUT_LITERAL("{\"ts\":");
	put_time(ts);
}

static void
record_end(void)
{
	PUT_LITERAL("}\n");
}

static void
fail_once(struct conn *c, const char *what)
{
	if (!c->stats_failed)
		conn_log(c, "stats file %s: %s", c->cfg->stats, what);
	c->stats_failed = 1;
}

/* Builds the records in buf[0..STATS_BUF), which the caller mapped. */
void
stats_use_buffer(char *buf)
{
	sbuf = buf;
}

/* Gives the buffer's pages back while the connection is idle. */
void
stats_release(void)
{
	if (slen == 0)
		conn_release_pages(sbuf, STATS_BUF);
}

/* Whether records wait in the buffer. */
int
stats_pending(void)
{
	return slen > 0;
}

void
stats_open_record(struct conn *c)
{
	RECORD(c, "open", &c->opened);
	put(client, client_len);
	record_end();
}

/* The record of the request just answered. */
void
stats_request_record(struct conn *c)
{
	const struct request	*r = &c->req;
	struct timespec		 now;

	(void)clock_gettime(CLOCK_REALTIME, &now);
	RECORD(c, "request", &c->req_start);
	PUT_U64("seq", c->seq);
	put(client, client_len);
	/* A method is a token (parse.c): no byte of it needs escaping. */
	PUT_NAME("method");
	PUT_LITERAL("\"");
	if (r->method_token.len > 0)
		put(r->method_token.p, r->method_token.len);
	PUT_LITERAL("\"");
	PUT_STR("target", r->target);
	if (r->method_token.len == 0)
		PUT_LITERAL(",\"version\":\"\"");
	else if (r->minor)
		PUT_LITERAL(",\"version\":\"HTTP/1.1\"");
	else
		PUT_LITERAL(",\"version\":\"HTTP/1.0\"");
	PUT_U64("status", (uint64_t)c->reply.status);
	PUT_U64("bytes", c->reply.bytes);
	PUT_U64("bytes_in", c->reply.bytes_in);
	PUT_CSTR("type", c->reply.type ? c->reply.type : "");
	PUT_U64("dur_us", usec_between(&c->req_start, &now));
	record_end();
}

void
stats_close_record(struct conn *c)
{
	struct timespec	now;

	(void)clock_gettime(CLOCK_REALTIME, &now);
	RECORD(c, "close", &now);
	PUT_U64("requests", c->seq);
	PUT_U64("dur_us", usec_between(&c->opened, &now));
	record_end();
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
