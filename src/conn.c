/*
 * conn.c - one connection: the input buffer, the keep-alive and pipelining
 * loop, request bodies and the timeouts.  Requests are parsed straight out
 * of the input buffer; after each response the unused tail moves to the
 * front and is parsed before the next read, which is all pipelining needs.
 * Output and stats records are flushed only when the loop is about to wait
 * for input, so a pipelined burst is answered with one write.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "handler.h"

#define CONN_MS_PER_S	1000
#define CONN_LINGER_MS	2000		/* draining after a refusal, at most */
#define CONN_LINGER_BYTES (1 << 20)	/* ... and at most this much */

/* Milliseconds on a clock that never jumps; the coarse one is enough for
 * timeouts and costs no system call. */
static int64_t
now_ms(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * CONN_MS_PER_S + ts.tv_nsec / 1000000;
}

/*
 * Logs one line to standard error (the journal, or the configured error
 * log), naming the connection.
 */
void
conn_log(const struct conn *c, const char *fmt, ...)
{
	char	buf[512];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	(void)dprintf(STDERR_FILENO, "stdhttpd[%d]: %s %s: %s\n",
	    (int)c->pid, c->id, c->client, buf);
}

/* Waits up to timeout_ms for input; -1 with errno ETIMEDOUT or poll's. */
static int
wait_readable(const struct conn *c, int timeout_ms)
{
	struct pollfd	pfd = { .fd = c->in_fd, .events = POLLIN };
	int		r;

	do {
		r = poll(&pfd, 1, timeout_ms < 0 ? 0 : timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r == 0)
		errno = ETIMEDOUT;
	return r > 0 ? 0 : -1;
}

/*
 * Gives the whole pages inside buf[0..len) back to the system; they come
 * back zeroed when next touched.  For buffers with nothing in them.
 */
void
conn_release_pages(void *buf, size_t len)
{
	uintptr_t	page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t	start = ((uintptr_t)buf + page - 1) & ~(page - 1);
	uintptr_t	end = ((uintptr_t)buf + len) & ~(page - 1);

	if (end > start)
		(void)madvise((void *)start, end - start, MADV_DONTNEED);
}

/*
 * Maps the input and output buffers, the stats records' buffer, the file
 * cache and the resolved path, in one mapping apart from the rest of the
 * handler's memory: page-aligned, so that read_idle() can give their pages
 * back, and away from the small state every request touches, which then
 * fits in a few pages.  Returns 0, or -1 with errno.
 */
static int
map_buffers(struct conn *c)
{
	char	*p;

	p = mmap(NULL, CONN_IN_BUF + CONN_OUT_BUF + STATS_BUF +
	    FILE_CACHE_BUF + FILE_PATH_MAX, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	c->in = p;
	p += CONN_IN_BUF;
	c->out = p;
	p += CONN_OUT_BUF;
	stats_use_buffer(p);
	p += STATS_BUF;
	file_use_cache(p);
	p += FILE_CACHE_BUF;
	c->path = p;
	return 0;
}

/* Reads what has come into the free end of the input buffer. */
static ssize_t
read_in(struct conn *c)
{
	ssize_t	n;

	do {
		n = read(c->in_fd, c->in + c->in_len,
		    CONN_IN_BUF - c->in_len);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		errno = ETIMEDOUT;
	return n;
}

/*
 * Waits out an idle keep-alive wait.  Its first part is fd 0's receive
 * timeout, so a busy connection reads without a poll first; a connection
 * still idle after it gives back the pages of its empty buffers, so that
 * many idle handlers hold little memory, and polls for the rest.
 */
static ssize_t
read_idle(struct conn *c)
{
	ssize_t	n = read_in(c);
	int	rest = (int)c->cfg->idle_timeout_ms - (int)c->idle_socket_ms;

	if (n >= 0 || errno != ETIMEDOUT || rest <= 0)
		return n;
	if (c->in_len == 0)
		conn_release_pages(c->in, CONN_IN_BUF);
	if (c->out_len == 0)
		conn_release_pages(c->out, CONN_OUT_BUF);
	stats_release();
	file_release();
	conn_release_pages(c->path, FILE_PATH_MAX);
	if (wait_readable(c, rest) == -1)
		return -1;
	return read_in(c);
}

/*
 * Flushes pending responses and stats records, then waits up to timeout_ms
 * (or the idle timeout, for CONN_WAIT_IDLE) for input and reads what has
 * come.  Returns the number of bytes added to the input buffer, 0 when the
 * client closed its side (or the buffer is full), or -1 with errno
 * ETIMEDOUT or the read error.
 */
int
conn_fill(struct conn *c, int timeout_ms)
{
	struct pollfd	pfd = { .fd = c->in_fd, .events = POLLIN };
	ssize_t		n;
	int		ready = 0;

	/* With only stats records pending (the open record, before the
	 * first request), a request already waiting lets them go out with
	 * its response, in one append instead of two. */
	if (c->out_len == 0 && stats_pending())
		ready = poll(&pfd, 1, 0) > 0;
	if (!ready) {
		(void)respond_flush(c, 0);
		(void)stats_flush(c);
	}
	if (c->in_len == CONN_IN_BUF)
		return 0;
	if (timeout_ms == CONN_WAIT_IDLE && c->idle_socket_ms > 0 && !ready)
		n = read_idle(c);
	else {
		if (timeout_ms == CONN_WAIT_IDLE)
			timeout_ms = (int)c->cfg->idle_timeout_ms;
		if (!ready && wait_readable(c, timeout_ms) == -1)
			return -1;
		n = read_in(c);
	}
	if (n < 0)
		return -1;
	c->in_len += (size_t)n;
	c->fills += n > 0;
	return (int)n;
}

/*
 * Moves the unparsed input to the front of the buffer, to make room for a
 * read.  Finished requests are dropped by moving c->start alone, so a
 * pipelined burst is not copied once per request.
 */
static void
compact(struct conn *c)
{
	if (c->start == 0)
		return;
	memmove(c->in, c->in + c->start, c->in_len - c->start);
	c->in_len -= c->start;
	c->start = 0;
}

#define HEAD_CLOSED	1	/* the client left between requests */

/*
 * Waits until the input buffer holds a complete request head and parses
 * it.  Returns PARSE_OK, HEAD_CLOSED when the client closed or idled out
 * without starting a request, or the status to answer with (400, 408, 414,
 * 431, 505, ...), after which the connection closes.
 */
static int
read_head(struct conn *c)
{
	int64_t	deadline;
	size_t	used = 0;
	int	rc, n;

	/* The first request must arrive within the header timeout of the
	 * connection's start; later ones within the idle timeout. */
	deadline = now_ms() + c->cfg->header_timeout_ms;
	for (;;) {
		rc = parse_request(c->in + c->start, c->in_len - c->start,
		    &c->req, &used);
		if (rc != PARSE_AGAIN)
			break;
		compact(c);
		if (c->in_len == CONN_IN_BUF)
			return 431;
		n = conn_fill(c, c->in_len == 0 && c->seq > 0 ?
		    CONN_WAIT_IDLE : (int)(deadline - now_ms()));
		if (n > 0 && c->seq > 0 && c->in_len == (size_t)n)
			/* The first bytes of a request: the header
			 * timeout runs from here. */
			deadline = now_ms() + c->cfg->header_timeout_ms;
		if (n == 0)
			return c->in_len > 0 ? 400 : HEAD_CLOSED;
		if (n < 0) {
			if (errno != ETIMEDOUT)
				return HEAD_CLOSED;
			return c->in_len > 0 ? 408 : HEAD_CLOSED;
		}
	}
	if (rc == PARSE_OK && c->start > 0 && (c->req.chunked ||
	    (c->req.has_length && c->req.content_length >
	    c->in_len - c->start - used))) {
		/* The rest of the body is read into the space behind the
		 * head: give it the whole buffer, and parse again so the
		 * request's spans point at the moved bytes. */
		compact(c);
		rc = parse_request(c->in, c->in_len, &c->req, &used);
	}
	if (rc == PARSE_OK)
		c->head = c->start + used;
	return rc;
}

/* Sets up the body framing of the request just parsed (RFC 9112 6.3). */
static void
body_begin(struct conn *c)
{
	c->pos = c->head;
	c->body_left = 0;
	c->body_done = 1;
	c->body_status = 0;
	c->continue_sent = 0;
	c->reply.bytes_in = 0;
	if (c->req.chunked) {
		chunked_init(&c->chunk);
		c->body_done = 0;
	} else if (c->req.has_length && c->req.content_length > 0) {
		c->body_left = c->req.content_length;
		c->body_done = 0;
	}
}

/*
 * Whether the request declares a body longer than max_body, which is
 * refused before a byte of it is read, whatever the method.
 */
int
conn_body_too_long(const struct conn *c)
{
	return c->body_left > c->cfg->max_body;
}

/* Fails the body with status; the connection cannot be reused. */
static long
body_fail(struct conn *c, int status)
{
	c->body_status = status;
	c->closing = 1;
	return -1;
}

/*
 * The next piece of the request body: from the bytes already buffered and,
 * when may_read is set, from further reads.  Returns the number of body
 * bytes at *ret_p (valid until the next call), 0 at the end of the body,
 * or -1 with c->body_status set (400 malformed chunking, 408 stalled, 413
 * over max_body, 499 the client left, 0 nothing more buffered).
 */
static long
body_next(struct conn *c, const char **ret_p, int may_read)
{
	size_t	avail, used, data;
	int	rc, n;

	if (conn_body_too_long(c))
		return body_fail(c, 413);
	while (!c->body_done) {
		avail = c->in_len - c->pos;
		if (avail > 0 && c->req.chunked) {
			rc = chunked_decode(&c->chunk, c->in + c->pos, avail,
			    &used, &data);
			if (rc >= 400) {
				/* The framing is lost: nothing after this
				 * point is a request. */
				c->pos = c->in_len;
				return body_fail(c, rc);
			}
			*ret_p = c->in + c->pos;
			c->pos += used;
			if (rc == PARSE_OK)
				c->body_done = 1;
			c->reply.bytes_in += data;
			if (c->reply.bytes_in > c->cfg->max_body)
				return body_fail(c, 413);
			if (data > 0)
				return (long)data;
			continue;
		}
		if (avail > 0) {
			data = avail < c->body_left ? avail :
			    (size_t)c->body_left;
			*ret_p = c->in + c->pos;
			c->pos += data;
			c->body_left -= data;
			c->body_done = c->body_left == 0;
			c->reply.bytes_in += data;
			return (long)data;
		}
		if (!may_read) {
			c->body_status = 0;
			return -1;
		}
		/* All buffered body bytes are consumed: read the next ones
		 * into the same space behind the head. */
		c->in_len = c->pos = c->head;
		if (c->req.expect_continue && !c->continue_sent) {
			static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

			respond_bytes(c, cont, sizeof(cont) - 1);
			c->continue_sent = 1;
		}
		n = conn_fill(c, (int)c->cfg->body_timeout_ms);
		if (n == 0 || (n < 0 && errno != ETIMEDOUT)) {
			c->gone = 1;
			return body_fail(c, 499);
		}
		if (n < 0)
			return body_fail(c, 408);
	}
	return 0;
}

/*
 * The next piece of the request body, reading from the client as needed
 * (after answering Expect: 100-continue).  See body_next for the results.
 */
long
conn_body(struct conn *c, const char **ret_p)
{
	return body_next(c, ret_p, 1);
}

/*
 * Consumes the rest of the request body, reading it from the client only
 * when may_read is set.  Returns 0 when the body is gone, else -1 and the
 * connection will close (its framing is lost).
 */
int
conn_discard(struct conn *c, int may_read)
{
	const char	*p;
	long		 n;

	while ((n = body_next(c, &p, may_read)) > 0)
		;
	if (n < 0)
		c->closing = 1;
	return n < 0 ? -1 : 0;
}

static int
is_asterisk(const struct conn *c)
{
	return c->req.target.len == 1 && c->req.target.p[0] == '*';
}

/* Whether write methods are allowed on the resolved path. */
static int
writable(const struct conn *c)
{
	return c->path_status == 0 && config_writable(c->cfg,
	    (struct span){ c->path, strlen(c->path) });
}

/* The Allow value for OPTIONS and 405 on the request's target. */
static const char *
allow_for(const struct conn *c)
{
	return is_asterisk(c) || writable(c) ?
	    "GET, HEAD, POST, PUT, DELETE, OPTIONS" : "GET, HEAD, OPTIONS";
}

/* Answers OPTIONS (RFC 9110 section 9.3.7): the methods the target allows. */
static void
options(struct conn *c)
{
	if (conn_discard(c, 0) == -1 && c->body_status >= 400) {
		respond_error(c, c->body_status);
		return;
	}
	respond_start(c, 204);
	respond_header(c, "Allow", allow_for(c));
	respond_end(c, NULL, RESPOND_NO_LENGTH);
}

/* Dispatches one parsed request to its method. */
static void
dispatch(struct conn *c)
{
	const char	*allow;

	if (!c->cfg_ok || c->root_fd < 0) {
		/* The reason went to the log at start; respond_error()
		 * would log errno, which has nothing to do with it. */
		(void)conn_discard(c, 0);
		respond_error_header(c, 500, NULL, NULL);
		return;
	}
	/* "*" is for OPTIONS only (RFC 9112 section 3.2.4). */
	c->path_status = is_asterisk(c) ? 400 :
	    file_resolve(c->req.path, c->path, FILE_PATH_MAX);
	if (is_asterisk(c) && c->req.method != METHOD_OPTIONS) {
		(void)conn_discard(c, 0);
		respond_error(c, 400);
		return;
	}
	switch (c->req.method) {
	case METHOD_GET:
	case METHOD_HEAD:
		/* A body on GET means nothing, but it must be read so the
		 * next pipelined request is found (RFC 9110 9.3.1). */
		if (conn_discard(c, 1) == -1) {
			if (c->body_status >= 400 && c->body_status != 499)
				respond_error(c, c->body_status);
			return;
		}
		file_get(c);
		return;
	case METHOD_PUT:
	case METHOD_POST:
	case METHOD_DELETE:
		allow = allow_for(c);
		if (c->path_status != 0) {
			(void)conn_discard(c, 0);
			respond_error(c, c->path_status);
			return;
		}
		if (!writable(c)) {
			(void)conn_discard(c, 0);
			respond_error_header(c, 405, "Allow", allow);
			return;
		}
		file_forget();
		if (c->req.method == METHOD_PUT)
			upload_put(c);
		else if (c->req.method == METHOD_POST)
			upload_post(c);
		else
			upload_delete(c);
		return;
	case METHOD_OPTIONS:
		options(c);
		return;
	default:
		/* TRACE, CONNECT, PATCH and tokens we do not know. */
		(void)conn_discard(c, 0);
		respond_error(c, 501);
		return;
	}
}


/*
 * Closing a socket that still has unread input makes the kernel reset the
 * connection, and the reset can destroy the response before the client
 * reads it.  After refusing a request the client may still be sending (the
 * rest of a body over max_body, a header past the limit), so stop sending,
 * then read and drop what comes, briefly, before closing.
 */
static void
linger(struct conn *c)
{
	struct pollfd	pfd = { .fd = c->in_fd, .events = POLLIN };
	int64_t		deadline = now_ms() + CONN_LINGER_MS;
	size_t		total = 0;
	ssize_t		n;

	if (!c->is_socket || c->gone || c->reply.status < 400 ||
	    shutdown(c->out_fd, SHUT_WR) == -1)
		return;
	(void)stats_flush(c);	/* the records need not wait for the drain */
	while (total < CONN_LINGER_BYTES && now_ms() < deadline) {
		if (poll(&pfd, 1, (int)(deadline - now_ms())) <= 0)
			break;
		if ((n = read(c->in_fd, c->in, CONN_IN_BUF)) <= 0)
			break;
		total += (size_t)n;
	}
}

/*
 * Serves requests from c->in_fd until the client leaves, asks to close, a
 * timeout fires or an error breaks the framing.  Returns the exit status
 * for the process: EXIT_OK, or EXIT_CLIENT after a timeout or a malformed
 * request.
 */
int
conn_serve(struct conn *c)
{
	int	rc, status = EXIT_OK;

	if (map_buffers(c) == -1) {
		conn_log(c, "buffers: %s", strerror(errno));
		return EXIT_SYSCALL;
	}
	stats_open_record(c);
	while (!c->closing) {
		rc = read_head(c);
		if (rc == HEAD_CLOSED)
			break;
		(void)clock_gettime(CLOCK_REALTIME, &c->req_start);
		c->seq++;
		if (c->seq >= c->cfg->max_requests)
			c->closing = 1;
		if (rc == PARSE_OK) {
			body_begin(c);
			dispatch(c);
			if (!c->body_done)
				c->closing = 1;
		} else {
			/* The head is unusable and so is the framing of
			 * whatever follows it: answer and close. */
			memset(&c->req, 0, sizeof(c->req));
			c->reply.bytes_in = 0;
			c->start = c->head = c->pos = c->in_len;
			c->closing = 1;
			status = EXIT_CLIENT;
			respond_error(c, rc);
		}
		if (c->reply.status == 408 || c->body_status == 408)
			status = EXIT_CLIENT;
		stats_request_record(c);
		c->start = c->pos;
	}
	(void)respond_flush(c, 0);
	linger(c);
	stats_close_record(c);
	(void)stats_flush(c);
	return status;
}
