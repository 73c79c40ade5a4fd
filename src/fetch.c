/*
 * fetch.c - webclient's connections: it writes requests, reads responses and
 * hands their bodies to a sink (sink.c: stdout, a file, the cache).
 *
 * Commands to the same host and port share one persistent connection and are
 * pipelined up to a depth; responses are matched to requests in order.  When
 * the server closes early, unanswered idempotent requests are sent once more
 * on a new connection.  Response framing is parse.c's and chunked.c's, shared
 * with stdhttpd.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

#define FETCH_INBUF		(HTTP_MAX_HEADER_BLOCK + 65536)
#define FETCH_OUTBUF		65536
#define FETCH_MAX_REQHEAD	(CLIENT_MAX_PATH + CLIENT_MAX_HOST + \
				    2 * CACHE_MAX_VALUE + 512)
#define FETCH_MAX_TRIES		2	/* the first, and one retry */
#define FETCH_USER_AGENT	"webclient/1.0"
#define FETCH_COPY_BUF		65536	/* cached body to its sink */

/* Where the response to job r stands. */
enum rstate {
	R_HEAD,		/* waiting for (the rest of) the head */
	R_LENGTH,	/* Content-Length body, `left` bytes to go */
	R_CHUNKED,	/* chunked body */
	R_CLOSE,	/* body ends when the server closes */
};

/* A command's private state while its group runs. */
struct job {
	const struct command	*cmd;
	struct fetch_result	*res;
	int			 tries;
	int			 finished;
	struct cache_entry	 ce;
	int			 have_ce;
	struct timespec		 start;
};

/* One connection at a time, to the group's host and port. */
struct conn {
	const struct fetch_opts	*o;
	struct job		*jobs;
	size_t			 njobs;
	int			 fd;
	unsigned		 depth;	/* for this host, may drop to 1 */
	size_t			 r;	/* next job to be answered */
	size_t			 s;	/* next job to be sent */
	int			 closing; /* the server will close: send no more */
	int			 answered; /* responses on this connection */

	char			 out[FETCH_OUTBUF];
	size_t			 outlen, outoff;
	int			 body_fd;	/* request body being queued */
	int			 body_own;
	uint64_t		 body_off, body_len;

	char			 in[FETCH_INBUF];
	size_t			 inlen;
	enum rstate		 rs;
	int			 got;	/* bytes of job r's response seen */
	uint64_t		 left;
	struct chunked		 ck;
	int			 keep_alive;
	int			 status;
	const char		*bad;	/* why the response is unusable */

	struct sink		 sink;	/* job r's body goes here */
	int			 from_cache;
};

static double
fetch_ms(const struct timespec *a)
{
	struct timespec b;

	(void)clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1e3 + (b.tv_nsec - a->tv_nsec) / 1e6;
}

static void
fetch_url(const struct command *c, char *buf, size_t size)
{
	int	 v6 = strchr(c->host, ':') != NULL;

	(void)snprintf(buf, size, "http://%s%s%s:%s%s", v6 ? "[" : "",
	    c->host, v6 ? "]" : "", c->port, c->path);
}

/* Prints a head with a prefix on each line ("" for none). */
static void
fetch_print_head(FILE *f, const char *prefix, const char *head, size_t len)
{
	const char *nl;

	while (len > 0) {
		size_t	 n;

		nl = memchr(head, '\n', len);
		n = nl != NULL ? (size_t)(nl - head) + 1 : len;
		if (*prefix != '\0') {
			size_t	 t = n;

			while (t > 0 && (head[t - 1] == '\n' ||
			    head[t - 1] == '\r'))
				t--;
			fprintf(f, "%s%.*s\n", prefix, (int)t, head);
		} else
			(void)fwrite(head, 1, n, f);
		head += n;
		len -= n;
	}
	(void)fflush(f);
}

/* Ends job j with the error "a: b" (or "a"); it is not sent again. */
static void
fetch_fail(struct conn *c, struct job *j, enum fetch_error e, const char *a,
    const char *b)
{
	struct fetch_result *res = j->res;

	res->error = e;
	(void)snprintf(res->message, sizeof(res->message), "%s%s%s", a,
	    b != NULL ? ": " : "", b != NULL ? b : "");
	if (j->start.tv_sec != 0 || j->start.tv_nsec != 0)
		res->ms = fetch_ms(&j->start);
	if (j->have_ce) {
		cache_close(&j->ce);
		j->have_ce = 0;
	}
	j->finished = 1;
	if (c->o->done != NULL)
		c->o->done(j->cmd, res, c->o->arg);
}

/* The file a PUT or POST sends: -d FILE, stdin, or the last segment. */
static int
fetch_open_body(struct conn *c, const struct command *cmd, char *name,
    size_t size)
{
	const char	*seg, *end;
	struct stat	 st;
	int		 fd;

	if (c->o->data_fd >= 0) {
		(void)snprintf(name, size, "standard input");
		fd = c->o->data_fd;
		c->body_own = 0;
	} else {
		if (c->o->data != NULL)
			(void)snprintf(name, size, "%s", c->o->data);
		else {
			end = cmd->path + strcspn(cmd->path, "?");
			for (seg = end; seg > cmd->path && seg[-1] != '/'; seg--)
				;
			if (seg == end) {
				(void)snprintf(name, size, "%.200s: no file "
				    "name to upload; use -d FILE", cmd->path);
				errno = 0;
				return -1;
			}
			(void)snprintf(name, size, "%.*s", (int)(end - seg),
			    seg);
		}
		if ((fd = open(name, O_RDONLY | O_CLOEXEC)) == -1)
			return -1;
		c->body_own = 1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		if (errno == 0 || S_ISREG(st.st_mode) == 0)
			errno = EINVAL;
		if (c->body_own)
			(void)close(fd);
		return -1;
	}
	c->body_fd = fd;
	c->body_off = 0;
	c->body_len = (uint64_t)st.st_size;
	return 0;
}

/* Whether another unfinished job follows job i in the group. */
static int
fetch_more_after(const struct conn *c, size_t i)
{
	for (i++; i < c->njobs; i++)
		if (!c->jobs[i].finished)
			return 1;
	return 0;
}

/* Appends job s's request head to the output; opens its body. */
static int
fetch_queue(struct conn *c, struct job *j)
{
	const struct command *cmd = j->cmd;
	char		 head[FETCH_MAX_REQHEAD], url[CACHE_MAX_URL];
	char		 name[PATH_MAX], port[CLIENT_MAX_PORT + 1] = "";
	int		 n, v6 = strchr(cmd->host, ':') != NULL, upload;
	size_t		 len = 0;

	upload = cmd->method == METHOD_PUT || cmd->method == METHOD_POST;
	if (upload && fetch_open_body(c, cmd, name, sizeof(name)) == -1) {
		fetch_fail(c, j, FETCH_LOCAL, name, errno != 0 ?
		    strerror(errno) : NULL);
		return -1;
	}
	if (cmd->method == METHOD_GET && c->o->cache_dir != NULL &&
	    !j->have_ce) {
		fetch_url(cmd, url, sizeof(url));
		if (cache_open(c->o->cache_dir, url, &j->ce) == 0)
			j->have_ce = 1;
	}
	if (strcmp(cmd->port, CLIENT_DEFAULT_PORT) != 0)
		(void)snprintf(port, sizeof(port), ":%s", cmd->port);
	n = snprintf(head, sizeof(head), "%s %s HTTP/1.%d\r\n"
	    "Host: %s%s%s%s\r\n"
	    "User-Agent: " FETCH_USER_AGENT "\r\n"
	    "Accept: */*\r\n",
	    cmdfile_method_name(cmd->method), cmd->path, c->o->http10 ? 0 : 1,
	    v6 ? "[" : "", cmd->host, v6 ? "]" : "", port);
	if (n > 0)
		len = (size_t)n;
	if (j->have_ce && j->ce.etag[0] != '\0' && len < sizeof(head)) {
		n = snprintf(head + len, sizeof(head) - len,
		    "If-None-Match: %s\r\n", j->ce.etag);
		len += n > 0 ? (size_t)n : 0;
	}
	if (j->have_ce && j->ce.last_modified[0] != '\0' &&
	    len < sizeof(head)) {
		n = snprintf(head + len, sizeof(head) - len,
		    "If-Modified-Since: %s\r\n", j->ce.last_modified);
		len += n > 0 ? (size_t)n : 0;
	}
	if (upload && len < sizeof(head)) {
		n = snprintf(head + len, sizeof(head) - len,
		    "Content-Length: %llu\r\n",
		    (unsigned long long)c->body_len);
		len += n > 0 ? (size_t)n : 0;
	}
	/* The last request says so, and the server need not wait idle. */
	if (!c->o->http10 && !fetch_more_after(c, (size_t)(j - c->jobs)) &&
	    len < sizeof(head)) {
		n = snprintf(head + len, sizeof(head) - len,
		    "Connection: close\r\n");
		len += n > 0 ? (size_t)n : 0;
	}
	if (len + 2 >= sizeof(head) || len + 2 > sizeof(c->out) - c->outlen) {
		if (upload && c->body_own)
			(void)close(c->body_fd);
		c->body_fd = -1;
		if (len + 2 >= sizeof(head)) {
			fetch_fail(c, j, FETCH_LOCAL,
			    "request head too long", NULL);
			return -1;
		}
		return 1;	/* no room now: try after the next write */
	}
	memcpy(head + len, "\r\n", 2);
	len += 2;
	memcpy(c->out + c->outlen, head, len);
	c->outlen += len;
	if (c->o->verbose > 0)
		fetch_print_head(stderr, "> ", head, len);
	if (!upload)
		c->body_fd = -1;
	j->tries++;
	(void)clock_gettime(CLOCK_MONOTONIC, &j->start);
	return 0;
}

/*
 * Fills the output buffer: request heads while the pipeline has room, and
 * the body of the last one queued.
 */
static int
fetch_fill(struct conn *c)
{
	struct job	*j;
	ssize_t		 n;
	size_t		 room, inflight, k;

	for (;;) {
		if (c->body_fd >= 0) {
			room = sizeof(c->out) - c->outlen;
			if (room == 0)
				return 0;
			if (c->body_off == c->body_len) {
				if (c->body_own)
					(void)close(c->body_fd);
				c->body_fd = -1;
				continue;
			}
			if (room > c->body_len - c->body_off)
				room = (size_t)(c->body_len - c->body_off);
			n = pread(c->body_fd, c->out + c->outlen, room,
			    (off_t)c->body_off);
			if (n <= 0)
				return -1;
			c->outlen += (size_t)n;
			c->body_off += (uint64_t)n;
			continue;
		}
		while (c->s < c->njobs && c->jobs[c->s].finished)
			c->s++;
		if (c->s >= c->njobs || c->closing)
			return 0;
		for (inflight = 0, k = c->r; k < c->s; k++)
			if (!c->jobs[k].finished)
				inflight++;
		if (inflight >= c->depth)
			return 0;
		j = &c->jobs[c->s];
		/*
		 * RFC 9112 section 9.3.2: nothing is pipelined after a
		 * non-idempotent request until it is answered; and a POST
		 * waits for an empty pipeline, so that it is never among the
		 * requests an early close leaves unanswered.
		 */
		if (inflight > 0 && (j->cmd->method == METHOD_POST ||
		    (!c->jobs[c->s - 1].finished &&
		    c->jobs[c->s - 1].cmd->method == METHOD_POST)))
			return 0;
		if (fetch_queue(c, j) == 1)
			return 0;
		c->s++;
	}
}

/* Opens the sink for job j's body; returns -1 with j failed. */
static int
fetch_sink_open(struct conn *c, struct job *j)
{
	const struct command *cmd = j->cmd;

	sink_init(&c->sink);
	if (c->o->out_dir == NULL) {
		sink_stdout(&c->sink);
		return 0;
	}
	/* Store what succeeded, and a 304's cached body. */
	if (cmd->method != METHOD_GET || (c->status / 100 != 2 &&
	    !c->from_cache))
		return 0;
	if (sink_open_file(&c->sink, c->o->out_dir, cmd->path) == 0)
		return 0;
	if (errno == EINVAL)
		fetch_fail(c, j, FETCH_LOCAL, cmd->path,
		    "dot segment in path, not stored");
	else
		fetch_fail(c, j, FETCH_LOCAL, sink_name(&c->sink),
		    strerror(errno));
	return -1;
}

/*
 * Hands body bytes of job j to its sink and the cache.  A job that failed
 * (say, its file could not be written) still has its body read, to keep
 * the connection in step for the responses behind it.
 */
static int
fetch_deliver(struct conn *c, struct job *j, const char *buf, size_t len,
    int network)
{
	if (network)
		j->res->received += len;
	if (j->finished)
		return 0;
	if (sink_write(&c->sink, buf, len) == -1) {
		fetch_fail(c, j, FETCH_LOCAL, sink_name(&c->sink),
		    strerror(errno));
		sink_drop(&c->sink);
		return -1;
	}
	j->res->bytes += len;
	return 0;
}

/* Copies the cached body to the sink for a 304. */
static int
fetch_from_cache(struct conn *c, struct job *j)
{
	char		 buf[FETCH_COPY_BUF];
	uint64_t	 left = j->ce.length;
	ssize_t		 n;

	while (left > 0) {
		n = read(j->ce.fd, buf, left < sizeof(buf) ? (size_t)left :
		    sizeof(buf));
		if (n <= 0) {
			fetch_fail(c, j, FETCH_LOCAL,
			    "cache entry shrank while being read", NULL);
			sink_drop(&c->sink);
			return -1;
		}
		if (fetch_deliver(c, j, buf, (size_t)n, 0) == -1)
			return -1;
		left -= (uint64_t)n;
	}
	j->res->cache_hit = 1;
	return 0;
}

/* Job r's response is complete. */
static int
fetch_finish(struct conn *c)
{
	struct job	*j = &c->jobs[c->r];

	if (j->finished) {
		sink_drop(&c->sink);
		goto next;	/* failed earlier; its body has been read */
	}
	if (c->from_cache && fetch_from_cache(c, j) == -1)
		goto next;
	if (sink_commit(&c->sink) == -1) {
		fetch_fail(c, j, FETCH_LOCAL, c->sink.final, strerror(errno));
		goto next;
	}
	j->res->status = c->status;
	j->res->ms = fetch_ms(&j->start);
	if (j->have_ce)
		cache_close(&j->ce);
	j->have_ce = 0;
	j->finished = 1;
	if (c->o->done != NULL)
		c->o->done(j->cmd, j->res, c->o->arg);
next:
	c->answered++;
	c->r++;
	c->rs = R_HEAD;
	c->got = 0;
	c->from_cache = 0;
	if (!c->keep_alive)
		return -1;	/* the connection ends here */
	return 0;
}

/* A parsed response head for job r: print it, pick the body's sinks. */
static int
fetch_head(struct conn *c, const struct response *resp, const char *head,
    size_t len)
{
	struct job	*j = &c->jobs[c->r];
	const struct span *etag, *lm, *cc;
	char		 url[CACHE_MAX_URL], e[CACHE_MAX_VALUE];
	char		 l[CACHE_MAX_VALUE];

	if (c->o->include)
		(void)sink_write_all(STDOUT_FILENO, head, len);
	else if (c->o->verbose > 0)
		fetch_print_head(stderr, "< ", head, len);
	else if (c->o->head_stderr && c->o->verbose == 0)
		fetch_print_head(stderr, "", head, len);
	c->status = resp->status;
	if (resp->status / 100 == 1)
		return 0;	/* an interim response: the real one follows */
	c->keep_alive = resp->keep_alive && !c->o->http10;
	if (!c->keep_alive) {
		c->closing = 1;
		/* A server that closes after the first answer gets no more
		 * than one request at a time from now on. */
		if (c->answered == 0)
			c->depth = 1;
	}
	if (resp->chunked) {
		chunked_init(&c->ck);
		c->rs = R_CHUNKED;
	} else if (resp->has_length) {
		c->left = resp->content_length;
		c->rs = R_LENGTH;
	} else
		c->rs = R_CLOSE;

	c->from_cache = resp->status == 304 && j->have_ce;
	if (fetch_sink_open(c, j) == -1)
		goto body;	/* failed; read the body all the same */
	etag = parse_header(resp->headers, resp->nheaders, "ETag");
	lm = parse_header(resp->headers, resp->nheaders, "Last-Modified");
	cc = parse_header(resp->headers, resp->nheaders, "Cache-Control");
	if (c->o->cache_dir != NULL && j->cmd->method == METHOD_GET &&
	    resp->status == 200 && (etag != NULL || lm != NULL) &&
	    (cc == NULL || !parse_has_token(*cc, "no-store")) &&
	    (etag == NULL || etag->len < sizeof(e)) &&
	    (lm == NULL || lm->len < sizeof(l))) {
		(void)snprintf(e, sizeof(e), "%.*s", etag ? (int)etag->len : 0,
		    etag ? etag->p : "");
		(void)snprintf(l, sizeof(l), "%.*s", lm ? (int)lm->len : 0,
		    lm ? lm->p : "");
		fetch_url(j->cmd, url, sizeof(url));
		sink_cache(&c->sink, c->o->cache_dir, url, e, l);
	}
body:
	if (c->rs == R_LENGTH && c->left == 0)
		return fetch_finish(c) == -1 ? 1 : 0;
	return 0;
}

/*
 * Consumes what has arrived.  Returns 0 to go on, 1 when the connection has
 * ended cleanly (Connection: close), -1 on a response it cannot use, with
 * c->bad saying why.
 */
static int
fetch_input(struct conn *c)
{
	struct response	 resp;
	struct job	*j;
	size_t		 off = 0, used, data, avail;
	int		 rc = 0;

	c->bad = "malformed response";
	while (off < c->inlen) {
		while (c->r < c->njobs && c->jobs[c->r].finished &&
		    c->rs == R_HEAD)
			c->r++;
		if (c->r >= c->s) {
			rc = -1;	/* bytes nobody asked for */
			break;
		}
		j = &c->jobs[c->r];
		avail = c->inlen - off;
		c->got = 1;
		if (c->rs == R_HEAD) {
			rc = parse_response(c->in + off, avail,
			    j->cmd->method == METHOD_HEAD, &resp, &used);
			if (rc == PARSE_AGAIN) {
				rc = off == 0 && avail == sizeof(c->in) ? -1 :
				    0;
				break;
			}
			if (rc != PARSE_OK) {
				rc = -1;
				break;
			}
			/* A transfer coding besides chunked: webclient asks
			 * for none (it sends no TE field) and undoes none, so
			 * the body would be stored still coded. */
			if (resp.coded) {
				c->bad = "a transfer coding other than chunked";
				rc = -1;
				break;
			}
			rc = fetch_head(c, &resp, c->in + off, used);
			off += used;
			if (rc != 0)
				break;
		} else if (c->rs == R_LENGTH) {
			data = avail < c->left ? avail : (size_t)c->left;
			(void)fetch_deliver(c, j, c->in + off, data, 1);
			off += data;
			c->left -= data;
			if (c->left == 0 && fetch_finish(c) == -1) {
				rc = 1;
				break;
			}
		} else if (c->rs == R_CHUNKED) {
			rc = chunked_decode(&c->ck, c->in + off, avail, &used,
			    &data);
			if (rc != PARSE_OK && rc != PARSE_AGAIN) {
				rc = -1;
				break;
			}
			(void)fetch_deliver(c, j, c->in + off, data, 1);
			off += used;
			if (rc == PARSE_OK) {
				if (fetch_finish(c) == -1) {
					rc = 1;
					break;
				}
			} else if (used == 0) {
				rc = avail == sizeof(c->in) ? -1 : 0;
				break;
			}
			rc = 0;
		} else {
			(void)fetch_deliver(c, j, c->in + off, avail, 1);
			off = c->inlen;
		}
	}
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
	return rc;
}

/*
 * The connection has ended.  Job r may be complete (a body delimited by the
 * close); the others sent on it were not answered: each idempotent one is
 * sent again once, a POST never (RFC 9112 section 9.3.1).
 */
static void
fetch_lost(struct conn *c, const char *why)
{
	struct job	*j;
	size_t		 i;

	if (c->fd >= 0)
		(void)close(c->fd);
	c->fd = -1;
	if (c->body_fd >= 0 && c->body_own)
		(void)close(c->body_fd);
	c->body_fd = -1;
	c->outlen = c->outoff = 0;
	c->inlen = 0;
	c->closing = 0;
	c->answered = 0;
	if (c->r < c->s && c->rs == R_CLOSE && !c->jobs[c->r].finished) {
		c->keep_alive = 0;
		(void)fetch_finish(c);
	} else if (c->r < c->s && c->got && !c->jobs[c->r].finished) {
		sink_drop(&c->sink);
		fetch_fail(c, &c->jobs[c->r], FETCH_NETWORK,
		    c->jobs[c->r].cmd->host, why);
	}
	c->rs = R_HEAD;
	c->got = 0;
	c->from_cache = 0;
	for (i = c->r; i < c->s; i++) {
		j = &c->jobs[i];
		if (j->finished)
			continue;
		if (j->cmd->method == METHOD_POST)
			fetch_fail(c, j, FETCH_NETWORK, j->cmd->host,
			    "connection closed before the response; POST not "
			    "retried");
		else if (j->tries >= FETCH_MAX_TRIES)
			fetch_fail(c, j, FETCH_NETWORK, j->cmd->host,
			    "connection closed before the response");
		else
			j->res->retried = 1;
	}
	c->s = c->r;
}

/* Fails every unfinished job of the group with the same reason. */
static void
fetch_fail_rest(struct conn *c, const char *msg)
{
	size_t	 i;

	sink_drop(&c->sink);
	for (i = c->r; i < c->njobs; i++)
		if (!c->jobs[i].finished)
			fetch_fail(c, &c->jobs[i], FETCH_NETWORK, msg,
			    NULL);
	c->r = c->s = c->njobs;
}

static void
fetch_group(struct conn *c)
{
	struct pollfd	 pfd;
	char		 msg[512];
	ssize_t		 n;
	int		 rc;

	for (;;) {
		while (c->r < c->njobs && c->jobs[c->r].finished)
			c->r++;
		if (c->r >= c->njobs)
			break;
		if (c->s < c->r)
			c->s = c->r;
		if (c->fd == -1 && dial_connect(c->jobs[c->r].cmd,
		    c->o->timeout_ms, &c->fd, msg, sizeof(msg)) == -1) {
			fetch_fail_rest(c, msg);
			break;
		}
		if (fetch_fill(c) == -1) {
			fetch_lost(c, "cannot read the request body");
			continue;
		}
		if (c->r >= c->s && c->outoff == c->outlen) {
			/* Everything sent was answered; nothing to send. */
			if (c->s >= c->njobs || c->closing)
				fetch_lost(c, "closed");
			continue;
		}
		pfd.fd = c->fd;
		pfd.events = POLLIN | (c->outoff < c->outlen ? POLLOUT : 0);
		rc = poll(&pfd, 1, c->o->timeout_ms ? (int)c->o->timeout_ms :
		    -1);
		if (rc == -1 && errno == EINTR)
			continue;
		if (rc == 0) {
			(void)snprintf(msg, sizeof(msg), "%s:%s: timed out "
			    "after %u s", c->jobs[c->r].cmd->host,
			    c->jobs[c->r].cmd->port, c->o->timeout_ms / 1000);
			(void)close(c->fd);
			c->fd = -1;
			fetch_fail_rest(c, msg);
			break;
		}
		if (pfd.revents & POLLOUT) {
			n = send(c->fd, c->out + c->outoff,
			    c->outlen - c->outoff, MSG_NOSIGNAL);
			if (n == -1 && errno != EAGAIN && errno != EINTR) {
				/* Read what did arrive before giving up. */
				pfd.revents |= POLLIN;
			} else if (n > 0) {
				c->outoff += (size_t)n;
				if (c->outoff == c->outlen)
					c->outoff = c->outlen = 0;
			}
		}
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			fetch_lost(c, n == 0 ? "connection closed in the "
			    "middle of the response" : strerror(errno));
			continue;
		}
		c->inlen += (size_t)n;
		if ((rc = fetch_input(c)) == -1) {
			if (c->r < c->njobs && !c->jobs[c->r].finished) {
				sink_drop(&c->sink);
				fetch_fail(c, &c->jobs[c->r], FETCH_NETWORK,
				    c->jobs[c->r].cmd->host, c->bad);
				c->r++;
			}
			fetch_lost(c, c->bad);
		} else if (rc == 1)
			fetch_lost(c, "closed");
	}
	if (c->fd >= 0)
		(void)close(c->fd);
	c->fd = -1;
}

/*
 * Runs n commands; results[i] receives what became of cmds[i] (zeroed
 * first), and o->done, if set, is called as each one ends.  Commands to the
 * same host and port share connections, in the order given; groups run one
 * after another, in order of their first command.  Returns 0, or -1 with
 * errno if memory ran out (no command was run).
 */
int
fetch_run(const struct fetch_opts *o, const struct command *cmds,
    struct fetch_result *results, size_t n)
{
	struct conn	*c;
	struct job	*jobs;
	char		*done;
	size_t		 i, k, m;

	c = malloc(sizeof(*c));
	jobs = calloc(n ? n : 1, sizeof(*jobs));
	done = calloc(n ? n : 1, 1);
	if (c == NULL || jobs == NULL || done == NULL) {
		free(c);
		free(jobs);
		free(done);
		return -1;
	}
	memset(results, 0, n * sizeof(*results));
	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		for (m = 0, k = i; k < n; k++) {
			if (done[k] || strcmp(cmds[k].host, cmds[i].host) != 0 ||
			    strcmp(cmds[k].port, cmds[i].port) != 0)
				continue;
			done[k] = 1;
			memset(&jobs[m], 0, sizeof(jobs[m]));
			jobs[m].cmd = &cmds[k];
			jobs[m].res = &results[k];
			jobs[m].ce.fd = -1;
			m++;
		}
		memset(c, 0, offsetof(struct conn, out));
		c->o = o;
		c->jobs = jobs;
		c->njobs = m;
		c->fd = -1;
		c->body_fd = -1;
		sink_init(&c->sink);
		c->depth = o->http10 || o->depth == 0 ? 1 : o->depth;
		c->outlen = c->outoff = c->inlen = 0;
		c->rs = R_HEAD;
		c->got = c->from_cache = 0;
		fetch_group(c);
	}
	free(c);
	free(jobs);
	free(done);
	return 0;
}
