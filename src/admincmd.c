/*
 * admincmd.c - stdhttpd-admin's command protocol: a client's bytes in,
 * answers out.
 *
 * It strips telnet negotiation, splits lines at CR, LF or CR LF, and answers
 * each command from the aggregates, as "key: value" lines or, after "json",
 * one JSON object; every answer ends with "END".  A first line that is an
 * HTTP request gets one HTTP response instead: the Prometheus exposition for
 * /metrics.  No socket I/O happens here, so tests drive it with plain bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http.h"
#include "admin.h"

/* Connection states. */
#define ADMINCMD_FIRST	0	/* nothing but blank lines yet */
#define ADMINCMD_LINES	1	/* a command client */
#define ADMINCMD_HTTP	2	/* reading an HTTP request's header block */
#define ADMINCMD_DONE	3	/* answered for the last time */

/* Telnet (RFC 854) negotiation parser states. */
#define IAC		255
#define IAC_SB		250
#define IAC_SE		240
#define IAC_WILL	251
#define IAC_DONT	254
#define TN_DATA		0
#define TN_CMD		1	/* after IAC */
#define TN_OPT		2	/* after IAC WILL/WONT/DO/DONT */
#define TN_SB		3	/* inside a subnegotiation */
#define TN_SB_IAC	4	/* IAC inside a subnegotiation */

#define ADMIN_OUT_MIN	4096
#define PCT_COUNT	3

#define CRLF		"\r\n"

typedef json_t *(*cmd_fn)(struct admincmd *, struct agg *, int64_t);

struct command {
	const char	*name;
	cmd_fn		 fn;
	const char	*help;
};

static json_t	*cmd_connected(struct admincmd *, struct agg *, int64_t);
static json_t	*cmd_types(struct admincmd *, struct agg *, int64_t);
static json_t	*cmd_requests(struct admincmd *, struct agg *, int64_t);
static json_t	*cmd_responses(struct admincmd *, struct agg *, int64_t);
static json_t	*cmd_help(struct admincmd *, struct agg *, int64_t);
static json_t	*cmd_stats(struct admincmd *, struct agg *, int64_t);
static json_t	*cmd_counters(struct admincmd *, struct agg *, int64_t);
static json_t	*cmd_timers(struct admincmd *, struct agg *, int64_t);
static json_t	*cmd_health(struct admincmd *, struct agg *, int64_t);

/* NULL fn: disconnect. */
static const struct command commands[] = {
	{ "number of connected clients", cmd_connected,
	    "connections open right now" },
	{ "file type stats", cmd_types,
	    "files sent (GET answered 200 or 206) by content type" },
	{ "request stats", cmd_requests, "requests received by method" },
	{ "response stats", cmd_responses, "responses sent by status code" },
	{ "disconnect", NULL, "say goodbye and close this connection" },
	{ "quit", NULL, "the same as disconnect" },
	{ "help", cmd_help, "this list" },
	{ "stats", cmd_stats,
	    "uptime, records read, bad lines, bytes, the stats file" },
	{ "counters", cmd_counters, "every cumulative counter" },
	{ "timers", cmd_timers,
	    "request duration percentiles, overall and by method" },
	{ "gauges", cmd_connected, "connected clients" },
	{ "health", cmd_health, "\"up\" while the responder runs" },
	{ "json COMMAND", NULL,
	    "the answer to COMMAND as one JSON object on one line" },
};

static const unsigned pct_list[PCT_COUNT] = { 50, 90, 99 };

static int	out_add(struct admincmd *, const char *, size_t);
#define OUT_LIT(cl, s)	out_add((cl), (s), sizeof(s) - 1)
static int	out_printf(struct admincmd *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	set_u64(json_t *, const char *, uint64_t);
static int	emit(struct admincmd *, json_t *, int);
static int	is_http(const char *, size_t, struct admincmd *);
static int	metrics(struct admincmd *, struct agg *);
static int	http_answer(struct admincmd *, struct agg *);
static int	take_line(struct admincmd *, struct agg *, int64_t);

static int
out_add(struct admincmd *cl, const char *p, size_t n)
{
	struct admincmd_out *o = &cl->out;
	size_t cap;
	char *np;

	if (o->off > 0 && o->off == o->len)
		o->off = o->len = 0;
	if (n > ADMIN_OUT_MAX - o->len) {
		errno = ENOBUFS;
		return -1;
	}
	if (o->len + n > o->cap) {
		for (cap = o->cap ? o->cap : ADMIN_OUT_MIN; cap < o->len + n;
		    cap *= 2)
			;
		if ((np = realloc(o->p, cap)) == NULL)
			return -1;
		o->p = np;
		o->cap = cap;
	}
	memcpy(o->p + o->len, p, n);
	o->len += n;
	return 0;
}

static int
out_printf(struct admincmd *cl, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		errno = EOVERFLOW;
		return -1;
	}
	return out_add(cl, buf, (size_t)n);
}

static void
set_u64(json_t *o, const char *key, uint64_t v)
{
	(void)json_object_set_new(o, key, json_integer((json_int_t)v));
}

static json_t *
cmd_connected(struct admincmd *cl, struct agg *a, int64_t now)
{
	json_t *o = json_object();

	(void)cl;
	(void)now;
	set_u64(o, "connected_clients", agg_connected(a));
	return o;
}

static json_t *
cmd_types(struct admincmd *cl, struct agg *a, int64_t now)
{
	const struct agg_counts *c = &a->c;
	json_t *o = json_object();
	size_t i;

	(void)cl;
	(void)now;
	for (i = 0; i < c->ntypes; i++)
		set_u64(o, c->types[i].name, c->types[i].count);
	if (c->type_other > 0)
		set_u64(o, "other", c->type_other);
	set_u64(o, "total", c->files);
	return o;
}

static json_t *
cmd_requests(struct admincmd *cl, struct agg *a, int64_t now)
{
	const struct agg_counts *c = &a->c;
	json_t *o = json_object();
	size_t i;

	(void)cl;
	(void)now;
	for (i = 0; i < AGG_NMETHODS; i++)
		if (c->method[i] > 0)
			set_u64(o, agg_method_names[i], c->method[i]);
	set_u64(o, "total", c->requests);
	return o;
}

static json_t *
cmd_responses(struct admincmd *cl, struct agg *a, int64_t now)
{
	const struct agg_counts *c = &a->c;
	json_t *o = json_object();
	char code[8];
	size_t i;

	(void)cl;
	(void)now;
	for (i = 0; i < AGG_NSTATUS; i++) {
		if (c->status[i] == 0)
			continue;
		(void)snprintf(code, sizeof(code), "%zu", i + AGG_STATUS_MIN);
		set_u64(o, code, c->status[i]);
	}
	set_u64(o, "total", c->requests);
	return o;
}

static json_t *
cmd_help(struct admincmd *cl, struct agg *a, int64_t now)
{
	json_t *o = json_object();
	size_t i;

	(void)cl;
	(void)a;
	(void)now;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		(void)json_object_set_new(o, commands[i].name,
		    json_string(commands[i].help));
	return o;
}

static json_t *
cmd_stats(struct admincmd *cl, struct agg *a, int64_t now)
{
	const struct agg_counts *c = &a->c;
	json_t *o = json_object();

	set_u64(o, "uptime", (uint64_t)(now - cl->started));
	set_u64(o, "records", c->records);
	set_u64(o, "bad_lines", c->bad);
	set_u64(o, "requests", c->requests);
	set_u64(o, "bytes_sent", c->bytes_out);
	(void)json_object_set_new(o, "first_record",
	    json_string(c->first_ts[0] ? c->first_ts : "-"));
	(void)json_object_set_new(o, "last_record",
	    json_string(c->last_ts[0] ? c->last_ts : "-"));
	(void)json_object_set_new(o, "stats_file", json_string(a->path));
	set_u64(o, "offset", a->cur.offset);
	return o;
}

static json_t *
cmd_counters(struct admincmd *cl, struct agg *a, int64_t now)
{
	const struct agg_counts *c = &a->c;
	json_t *o = json_object();

	(void)cl;
	(void)now;
	set_u64(o, "records", c->records);
	set_u64(o, "bad_lines", c->bad);
	set_u64(o, "requests", c->requests);
	set_u64(o, "files_sent", c->files);
	set_u64(o, "bytes_sent", c->bytes_out);
	set_u64(o, "bytes_received", c->bytes_in);
	set_u64(o, "connections_opened", c->opens);
	set_u64(o, "connections_closed", c->closes);
	set_u64(o, "connections_untracked", c->untracked);
	return o;
}

static json_t *
timer_json(const struct agg_timer *t)
{
	json_t *o = json_object();
	char key[16];
	size_t i;

	set_u64(o, "count", t->count);
	for (i = 0; i < PCT_COUNT; i++) {
		(void)snprintf(key, sizeof(key), "p%u_us", pct_list[i]);
		set_u64(o, key, agg_percentile(t, pct_list[i]));
	}
	set_u64(o, "max_us", t->max_us);
	return o;
}

static json_t *
cmd_timers(struct admincmd *cl, struct agg *a, int64_t now)
{
	const struct agg_counts *c = &a->c;
	json_t *o = json_object();
	size_t i;

	(void)cl;
	(void)now;
	(void)json_object_set_new(o, "all", timer_json(&c->all));
	for (i = 0; i < AGG_NMETHODS; i++)
		if (c->by_method[i].count > 0)
			(void)json_object_set_new(o, agg_method_names[i],
			    timer_json(&c->by_method[i]));
	return o;
}

static json_t *
cmd_health(struct admincmd *cl, struct agg *a, int64_t now)
{
	json_t *o = json_object();

	(void)cl;
	(void)a;
	(void)now;
	(void)json_object_set_new(o, "health", json_string("up"));
	return o;
}

/*
 * Writes an answer: in text, one "key: value" line per member (an object
 * member on one line as "k=v k=v"); in JSON, the object on one line.  Then
 * END.  Takes the reference to o.
 */
static int
emit(struct admincmd *cl, json_t *o, int as_json)
{
	const char *key, *k2;
	json_t *v, *v2;
	char *s;
	int rc = -1;

	if (o == NULL)
		return -1;
	if (as_json) {
		if ((s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII)) ==
		    NULL)
			goto out;
		rc = out_add(cl, s, strlen(s));
		free(s);
		if (rc == -1 || (rc = OUT_LIT(cl, CRLF)) == -1)
			goto out;
	} else {
		json_object_foreach(o, key, v) {
			if (out_printf(cl, "%s:", key) == -1)
				goto out;
			if (json_is_object(v)) {
				json_object_foreach(v, k2, v2)
					if (out_printf(cl, " %s=%" JSON_INTEGER_FORMAT,
					    k2, json_integer_value(v2)) == -1)
						goto out;
			} else if (json_is_string(v)) {
				if (out_add(cl, " ", 1) == -1 ||
				    out_add(cl, json_string_value(v),
				    json_string_length(v)) == -1)
					goto out;
			} else if (out_printf(cl, " %" JSON_INTEGER_FORMAT,
			    json_integer_value(v)) == -1)
				goto out;
			if (out_add(cl, CRLF, 2) == -1)
				goto out;
		}
	}
	rc = OUT_LIT(cl, "END" CRLF);
out:
	json_decref(o);
	return rc;
}

/*
 * Answers one command line (without its line end).  Returns ADMINCMD_MORE,
 * ADMINCMD_CLOSE after "disconnect" or when the answer would not fit into
 * the client's output (then it holds what fitted).
 */
int
admincmd_answer(struct admincmd *cl, struct agg *a, const char *line,
    size_t len, int64_t now)
{
	char cmd[ADMIN_LINE_MAX];
	size_t i, n = 0;
	int as_json = 0, blank = 0;
	const char *c;
	json_t *o;

	/* Lower case, blanks trimmed and runs of them made one space. */
	for (i = 0; i < len && n < sizeof(cmd) - 1; i++) {
		unsigned char u = (unsigned char)line[i];

		if (u == ' ' || u == '\t') {
			blank = n > 0;
			continue;
		}
		if (blank)
			cmd[n++] = ' ';
		blank = 0;
		if (n < sizeof(cmd) - 1)
			cmd[n++] = (char)(u >= 'A' && u <= 'Z' ? u + 32 : u);
	}
	cmd[n] = '\0';
	if (n == 0)
		return ADMINCMD_MORE;
	c = cmd;
	if (strncmp(c, "json", 4) == 0 && (c[4] == ' ' || c[4] == '\0')) {
		as_json = 1;
		c += c[4] == ' ' ? 5 : 4;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(c, commands[i].name) != 0)
			continue;
		if (commands[i].fn == NULL) {
			if (as_json)
				(void)OUT_LIT(cl, "{\"goodbye\":true}" CRLF
				    "END" CRLF);
			else
				(void)OUT_LIT(cl, "goodbye" CRLF "END" CRLF);
			return ADMINCMD_CLOSE;
		}
		o = commands[i].fn(cl, a, now);
		return emit(cl, o, as_json) == -1 ? ADMINCMD_CLOSE :
		    ADMINCMD_MORE;
	}
	if (as_json)
		o = json_pack("{s:s, s:s}", "error", "unknown command", "hint",
		    "type help for the list of commands");
	else {
		return OUT_LIT(cl, "ERROR unknown command, type help for the "
		    "list of commands" CRLF "END" CRLF) == -1 ?
		    ADMINCMD_CLOSE : ADMINCMD_MORE;
	}
	return emit(cl, o, 1) == -1 ? ADMINCMD_CLOSE : ADMINCMD_MORE;
}

/* Is the line "METHOD SP target SP HTTP/..." (RFC 9112 section 3)? */
static int
is_http(const char *l, size_t len, struct admincmd *cl)
{
	size_t m = 0, t;

	while (m < len && l[m] >= 'A' && l[m] <= 'Z')
		m++;
	if (m == 0 || m >= len || l[m] != ' ')
		return 0;
	for (t = m + 1; t < len && l[t] != ' '; t++)
		;
	if (t == m + 1 || len - t < 6 || memcmp(l + t, " HTTP/", 6) != 0)
		return 0;
	cl->http_head = m == 4 && memcmp(l, "HEAD", 4) == 0;
	cl->http_metrics = (cl->http_head || (m == 3 &&
	    memcmp(l, "GET", 3) == 0)) &&
	    ((t - m - 1 == 8 && memcmp(l + m + 1, "/metrics", 8) == 0) ||
	    (t - m - 1 > 8 && memcmp(l + m + 1, "/metrics?", 9) == 0));
	return 1;
}

/* The Prometheus text exposition format, version 0.0.4. */
static int
metrics(struct admincmd *cl, struct agg *a)
{
	const struct agg_counts *c = &a->c;
	uint64_t cum = 0;
	size_t i;
	int rc = 0;

	rc |= out_printf(cl, "# HELP stdhttpd_requests_total Requests "
	    "received, by method.\n# TYPE stdhttpd_requests_total counter\n");
	for (i = 0; i < AGG_NMETHODS; i++)
		rc |= out_printf(cl, "stdhttpd_requests_total{method=\"%s\"} "
		    "%llu\n", agg_method_names[i],
		    (unsigned long long)c->method[i]);
	rc |= out_printf(cl, "# HELP stdhttpd_responses_total Responses "
	    "sent, by status code.\n"
	    "# TYPE stdhttpd_responses_total counter\n");
	for (i = 0; i < AGG_NSTATUS; i++)
		if (c->status[i] > 0)
			rc |= out_printf(cl, "stdhttpd_responses_total"
			    "{code=\"%zu\"} %llu\n", i + AGG_STATUS_MIN,
			    (unsigned long long)c->status[i]);
	rc |= out_printf(cl, "# HELP stdhttpd_files_sent_total Files sent "
	    "(GET answered 200 or 206), by content type.\n"
	    "# TYPE stdhttpd_files_sent_total counter\n");
	for (i = 0; i < c->ntypes; i++)
		rc |= out_printf(cl, "stdhttpd_files_sent_total{type=\"%s\"} "
		    "%llu\n", c->types[i].name,
		    (unsigned long long)c->types[i].count);
	if (c->type_other > 0)
		rc |= out_printf(cl, "stdhttpd_files_sent_total"
		    "{type=\"other\"} %llu\n",
		    (unsigned long long)c->type_other);
	rc |= out_printf(cl, "# HELP stdhttpd_connected_clients Connections "
	    "open right now.\n# TYPE stdhttpd_connected_clients gauge\n"
	    "stdhttpd_connected_clients %llu\n",
	    (unsigned long long)agg_connected(a));
	rc |= out_printf(cl, "# HELP stdhttpd_response_bytes_total Response "
	    "body bytes sent.\n# TYPE stdhttpd_response_bytes_total counter\n"
	    "stdhttpd_response_bytes_total %llu\n"
	    "# HELP stdhttpd_stats_bad_lines_total Stats file lines that "
	    "were not records.\n"
	    "# TYPE stdhttpd_stats_bad_lines_total counter\n"
	    "stdhttpd_stats_bad_lines_total %llu\n",
	    (unsigned long long)c->bytes_out, (unsigned long long)c->bad);
	rc |= out_printf(cl, "# HELP stdhttpd_request_duration_seconds "
	    "Request duration.\n"
	    "# TYPE stdhttpd_request_duration_seconds histogram\n");
	for (i = 0; i < AGG_PROM_BUCKETS; i++) {
		cum += c->prom[i];
		rc |= out_printf(cl, "stdhttpd_request_duration_seconds_bucket"
		    "{le=\"%g\"} %llu\n", agg_prom_bounds[i],
		    (unsigned long long)cum);
	}
	rc |= out_printf(cl, "stdhttpd_request_duration_seconds_bucket"
	    "{le=\"+Inf\"} %llu\n"
	    "stdhttpd_request_duration_seconds_sum %.6f\n"
	    "stdhttpd_request_duration_seconds_count %llu\n",
	    (unsigned long long)c->all.count, (double)c->all.sum_us / 1e6,
	    (unsigned long long)c->all.count);
	return rc == 0 ? 0 : -1;
}

/* The HTTP response to a first line that was an HTTP request. */
static int
http_answer(struct admincmd *cl, struct agg *a)
{
	static const char notfound[] = "only /metrics is served here\n";
	size_t start = cl->out.len, blen;
	char head[256];
	int n;

	if (cl->http_metrics) {
		if (metrics(cl, a) == -1)
			return -1;
	} else if (OUT_LIT(cl, notfound) == -1)
		return -1;
	/* The body went in first to learn its length; put the head before. */
	blen = cl->out.len - start;
	n = snprintf(head, sizeof(head), "HTTP/1.1 %s\r\n"
	    "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n",
	    cl->http_metrics ? "200 OK" : "404 Not Found", blen);
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	if (out_add(cl, head, (size_t)n) == -1)
		return -1;
	memmove(cl->out.p + start + (size_t)n, cl->out.p + start, blen);
	memcpy(cl->out.p + start, head, (size_t)n);
	if (cl->http_head)
		cl->out.len = start + (size_t)n;
	return 0;
}

static int
take_line(struct admincmd *cl, struct agg *a, int64_t now)
{
	const char *l = cl->line;
	size_t len = cl->linelen;

	cl->linelen = 0;
	switch (cl->state) {
	case ADMINCMD_FIRST:
		if (len == 0)
			return ADMINCMD_MORE;
		if (is_http(l, len, cl)) {
			cl->state = ADMINCMD_HTTP;
			return ADMINCMD_MORE;
		}
		cl->state = ADMINCMD_LINES;
		/* FALLTHROUGH */
	case ADMINCMD_LINES:
		return admincmd_answer(cl, a, l, len, now);
	case ADMINCMD_HTTP:
		if (len > 0)
			return ADMINCMD_MORE;	/* a header field: unused */
		cl->state = ADMINCMD_DONE;
		(void)http_answer(cl, a);
		return ADMINCMD_CLOSE;
	default:
		return ADMINCMD_CLOSE;
	}
}

/*
 * Takes len bytes the client sent, answers each whole line into cl->out
 * (the caller sends it), at time now (Unix seconds).  Telnet negotiation and
 * NUL bytes are dropped; a line ends at CR, LF or CR LF.  Returns
 * ADMINCMD_MORE, or ADMINCMD_CLOSE when the connection should be closed once
 * cl->out is sent (disconnect, a line over ADMIN_LINE_MAX, the HTTP response
 * given, the output over ADMIN_OUT_MAX); bytes after that are ignored.
 */
int
admincmd_input(struct admincmd *cl, struct agg *a, const char *buf,
    size_t len, int64_t now)
{
	size_t i;
	unsigned char b;

	if (cl->state == ADMINCMD_DONE)
		return ADMINCMD_CLOSE;
	for (i = 0; i < len; i++) {
		b = (unsigned char)buf[i];
		switch (cl->iac) {
		case TN_CMD:
			if (b == IAC)
				break;		/* an escaped 255: data */
			cl->iac = b == IAC_SB ? TN_SB : (b >= IAC_WILL &&
			    b <= IAC_DONT) ? TN_OPT : TN_DATA;
			continue;
		case TN_OPT:
			cl->iac = TN_DATA;
			continue;
		case TN_SB:
			if (b == IAC)
				cl->iac = TN_SB_IAC;
			continue;
		case TN_SB_IAC:
			cl->iac = b == IAC_SE ? TN_DATA : TN_SB;
			continue;
		default:
			if (b == IAC) {
				cl->iac = TN_CMD;
				continue;
			}
			break;
		}
		cl->iac = TN_DATA;
		if (b == '\0')
			continue;	/* telnet sends a bare CR as CR NUL */
		if (b == '\n' && cl->cr) {
			cl->cr = 0;
			continue;
		}
		cl->cr = b == '\r';
		if (b == '\r' || b == '\n') {
			if (take_line(cl, a, now) == ADMINCMD_CLOSE) {
				cl->state = ADMINCMD_DONE;
				return ADMINCMD_CLOSE;
			}
			continue;
		}
		if (cl->linelen == sizeof(cl->line)) {
			(void)OUT_LIT(cl, "ERROR line too long" CRLF "END" CRLF);
			cl->state = ADMINCMD_DONE;
			return ADMINCMD_CLOSE;
		}
		cl->line[cl->linelen++] = (char)b;
	}
	return ADMINCMD_MORE;
}

/* A new client of a responder started at started (Unix seconds). */
void
admincmd_init(struct admincmd *cl, int64_t started)
{
	memset(cl, 0, sizeof(*cl));
	cl->state = ADMINCMD_FIRST;
	cl->started = started;
}

/* Frees what the client's output holds; cl may then be reused or freed. */
void
admincmd_free(struct admincmd *cl)
{
	free(cl->out.p);
	cl->out.p = NULL;
	cl->out.len = cl->out.off = cl->out.cap = 0;
}
