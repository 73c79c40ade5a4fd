/*
 * test_parse.c - unit tests of parse_request(), parse_response(),
 * parse_header() and parse_has_token().
 *
 * Every vector is fed whole and byte by byte: each prefix is copied into a
 * heap buffer of exactly its length, so a read past the end shows up under
 * ASan or valgrind.  Error vectors end at the byte that makes them wrong,
 * which checks that junk is refused as early as the bytes allow.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "unit.h"

enum kind { REQUEST, RESPONSE, RESPONSE_HEAD };

struct vector {
	const char	*in;
	size_t		 len;
	int		 want;
	size_t		 used;	/* for PARSE_OK: the head's length, 0 = len */
};

#define V(s, want)		{ (s), sizeof(s) - 1, (want), 0 }
#define VU(s, want, head)	{ (s), sizeof(s) - 1, (want), sizeof(head) - 1 }

static int
run_parse(enum kind kind, char *buf, size_t len, size_t *used)
{
	static struct request	 req;
	static struct response	 res;

	switch (kind) {
	case REQUEST:
		return parse_request(buf, len, &req, used);
	case RESPONSE:
		return parse_response(buf, len, 0, &res, used);
	default:
		return parse_response(buf, len, 1, &res, used);
	}
}

/*
 * Feeds in[0..len) one prefix at a time, each in a buffer of exactly its
 * size.  Every prefix shorter than the point of decision must give
 * PARSE_AGAIN; that prefix and every longer one the same final result.
 * Returns the number of broken expectations.
 */
static int
feed(enum kind kind, const char *in, size_t len, int want, size_t want_used)
{
	size_t	 i, used, decided;
	char	*buf;
	int	 rc, bad = 0;

	decided = want == PARSE_OK ? (want_used ? want_used : len) : len;
	for (i = 0; i <= len; i++) {
		if ((buf = malloc(i ? i : 1)) == NULL)
			abort();
		memcpy(buf, in, i);
		used = SIZE_MAX;
		rc = run_parse(kind, buf, i, &used);
		free(buf);
		if (i < decided && rc != PARSE_AGAIN) {
			printf("#   prefix %zu of \"%.*s\": got %d, want "
			    "PARSE_AGAIN\n", i, (int)(len > 60 ? 60 : len),
			    in, rc);
			bad++;
			break;
		}
		if (i >= decided && rc != want) {
			printf("#   prefix %zu of \"%.*s\": got %d, want %d\n",
			    i, (int)(len > 60 ? 60 : len), in, rc, want);
			bad++;
			break;
		}
		if (rc == PARSE_OK && used != decided) {
			printf("#   \"%.*s\": used %zu, want %zu\n",
			    (int)(len > 60 ? 60 : len), in, used, decided);
			bad++;
			break;
		}
		if (rc != PARSE_OK && used != SIZE_MAX) {
			printf("#   \"%.*s\": used written on %d\n",
			    (int)(len > 60 ? 60 : len), in, rc);
			bad++;
			break;
		}
	}
	return bad;
}

static void
feed_table(enum kind kind, const struct vector *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		unit_failed += feed(kind, v[i].in, v[i].len, v[i].want,
		    v[i].used);
}

#define TABLE(kind, v)	feed_table((kind), (v), sizeof(v) / sizeof((v)[0]))

/* Parses a whole request that must be valid. */
static int
req_ok(const char *s, struct request *req)
{
	size_t	 used;

	return parse_request(s, strlen(s), req, &used) == PARSE_OK &&
	    used == strlen(s);
}

static void
valid_requests_parse_whole_and_byte_by_byte(void)
{
	static const struct vector v[] = {
		V("GET / HTTP/1.0\r\n\r\n", PARSE_OK),
		V("GET /index.html?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n",
		    PARSE_OK),
		V("GET / HTTP/1.1\nHost: a\n\n", PARSE_OK),
		V("GET / HTTP/1.1\r\nHost: a\n\r\n", PARSE_OK),
		V("\r\n\r\n\nGET / HTTP/1.0\r\n\r\n", PARSE_OK),
		V("\r\n\r\n\r\n\r\nGET / HTTP/1.0\r\n\r\n", PARSE_OK),
		V("BREW /pot HTTP/1.1\r\nHost: tea\r\n\r\n", PARSE_OK),
		V("OPTIONS * HTTP/1.1\r\nHost: a:8080\r\n\r\n", PARSE_OK),
		V("GET http://a/b HTTP/1.1\r\nHost: a\r\n\r\n", PARSE_OK),
		V("GET / HTTP/1.1\r\nHost:\r\n\r\n", PARSE_OK),
		V("GET / HTTP/1.1\r\nHost: a:\r\n\r\n", PARSE_OK),
		V("GET / HTTP/1.1\r\nHost: 192.0.2.1:8080\r\n\r\n", PARSE_OK),
		V("GET / HTTP/1.1\r\nHost: [v1.x:y]\r\n\r\n", PARSE_OK),
		V("GET / HTTP/1.1\r\nHost: a%2D1\r\n\r\n", PARSE_OK),
		V("GET / HTTP/1.1\r\nHost: a..b\r\n\r\n", PARSE_OK),
		V("GET / HTTP/1.1\r\nHost: [fe80::1%25e0]\r\n\r\n", PARSE_OK),
		V("GET /%23 HTTP/1.1\r\nHost: a\r\n\r\n", PARSE_OK),
		V("GET / HTTP/1.1\r\nHost: [::1]:80\r\nX-Empty:\r\n\r\n",
		    PARSE_OK),
		V("GET / HTTP/1.1\r\nHost: a\r\nX: \t v\xe9 \t\r\n\r\n",
		    PARSE_OK),
		V("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
		    "Content-Length: 5\r\n\r\n", PARSE_OK),
		V("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n",
		    PARSE_OK),
		V("POST / HTTP/1.1\r\nHost: a\r\n"
		    "Content-Length: 18446744073709551615\r\n\r\n", PARSE_OK),
		V("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n"
		    "\r\n", PARSE_OK),
		V("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n\r\n",
		    PARSE_OK),
		/* The body and the next request are not looked at. */
		VU("POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"
		    "he\r\0o", PARSE_OK,
		    "POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"),
		VU("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\n"
		    "Host: a\r\n\r\n", PARSE_OK,
		    "GET /a HTTP/1.1\r\nHost: a\r\n\r\n"),
		VU("GET /a HTTP/1.0\r\n\r\n\x01junk", PARSE_OK,
		    "GET /a HTTP/1.0\r\n\r\n"),
	};

	TABLE(REQUEST, v);
}

static void
malformed_requests_are_400_at_the_first_bad_byte(void)
{
	static const struct vector v[] = {
		/* request line (RFC 9112 section 3) */
		V(" ", 400),
		V("G@", 400),
		V("GET\t", 400),
		V("GET  ", 400),
		V("GET /\x01", 400),
		V("GET /\x7f", 400),
		V("GET /a\t", 400),
		V("GET / h", 400),
		V("GET / HTTP/1.x", 400),
		V("GET / HTTP/11", 400),
		V("GET / HTTP/1.1 ", 400),
		V("GET / HTTP/1.10", 400),
		V("GET /\r\n", 400),
		V("GET / HTTP/1\r\n", 400),
		V("GET\r\n", 400),
		V("GET / HTTP/1.1\r\r", 400),
		V("GET / HTTP/1.1\rX", 400),
		V("\rG", 400),
		V("\r\n\r\n\r\n\r\n\r\n", 400),
		V("\n\n\n\n\n", 400),
		/* field lines (RFC 9112 section 5) */
		V("GET / HTTP/1.1\r\nHost ", 400),
		V("GET / HTTP/1.1\r\nHost\t", 400),
		V("GET / HTTP/1.1\r\n ", 400),
		V("GET / HTTP/1.1\r\nHost: a\r\n ", 400),
		V("GET / HTTP/1.1\r\nHost: a\r\n\t", 400),
		V("GET / HTTP/1.1\r\nHost: a\r\nX: a\0", 400),
		V("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01", 400),
		V("GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f", 400),
		V("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb", 400),
		V("GET / HTTP/1.1\r\nHost: a\r\n\rX", 400),
		V("GET / HTTP/1.1\r\nHost: a\r\n:", 400),
		V("GET / HTTP/1.1\r\nHost: a\r\nX(", 400),
		V("GET / HTTP/1.1\r\nHost: a\r\nX\xe9", 400),
		V("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n", 400),
		/* Host (RFC 9112 section 3.2) */
		V("GET / HTTP/1.1\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400),
		V("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: a:b\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: a:80:80\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: a]\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: [a[b]\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: :80\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: :\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: a%\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: a%4:80\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n", 400),
		V("GET / HTTP/1.1\r\nHost: [::1%2]\r\n\r\n", 400),
		/* an absolute-form authority is a host (RFC 9110 4.2) */
		V("GET http:///a HTTP/1.1\r\nHost: a\r\n\r\n", 400),
		V("GET http://:80/a HTTP/1.1\r\nHost: a\r\n\r\n", 400),
		V("GET http://u@a/a HTTP/1.1\r\nHost: a\r\n\r\n", 400),
		V("GET http://a:b/a HTTP/1.1\r\nHost: a\r\n\r\n", 400),
		V("GET http://[::1/a HTTP/1.1\r\nHost: a\r\n\r\n", 400),
		V("GET http://a%/a HTTP/1.1\r\nHost: a\r\n\r\n", 400),
		V("GET https:// HTTP/1.1\r\nHost: a\r\n\r\n", 400),
		/* no fragment in a request-target (RFC 9112 section 3.2) */
		V("GET /a#", 400),
		V("GET /a?q#", 400),
		/* Content-Length (RFC 9110 section 8.6) */
		V("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5x\r\n\r\n",
		    400),
		V("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
		    400),
		V("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n",
		    400),
		V("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400),
		V("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n",
		    400),
		V("POST / HTTP/1.1\r\nHost: a\r\n"
		    "Content-Length: 18446744073709551616\r\n\r\n", 400),
		V("POST / HTTP/1.1\r\nHost: a\r\n"
		    "Content-Length: 99999999999999999999999\r\n\r\n", 400),
		V("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
		    "Content-Length: 6\r\n\r\n", 400),
		V("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n",
		    400),
		V("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5,\r\n\r\n",
		    400),
		/* Transfer-Encoding (RFC 9112 section 6.1) */
		V("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n", 400),
		V("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
		    "Content-Length: 5\r\n\r\n", 400),
		V("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
		V("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n"
		    "\r\n", 400),
		V("POST / HTTP/1.1\r\nHost: a\r\n"
		    "Transfer-Encoding: identity\r\n\r\n", 400),
		V("POST / HTTP/1.1\r\nHost: a\r\n"
		    "Transfer-Encoding: chunked, gzip\r\n\r\n", 400),
		V("POST / HTTP/1.1\r\nHost: a\r\n"
		    "Transfer-Encoding: chunked, chunked\r\n\r\n", 400),
		V("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n", 400),
		V("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n",
		    400),
		V("POST / HTTP/1.1\r\nHost: a\r\n"
		    "Transfer-Encoding: chunked;x=1\r\n\r\n", 400),
	};

	TABLE(REQUEST, v);
}

static void
unsupported_requests_get_their_own_status(void)
{
	static const struct vector v[] = {
		V("GET / HTTP/2.0\r\n", 505),
		V("GET / HTTP/0.9\r\n", 505),
		V("GET / HTTP/9.9\r\n", 505),
		V("POST / HTTP/1.1\r\nHost: a\r\n"
		    "Transfer-Encoding: gzip, chunked\r\n\r\n", 501),
		V("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n", 501),
		V("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue-please\r\n"
		    "\r\n", 417),
		V("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue, x\r\n"
		    "\r\n", 417),
		V("PUT / HTTP/1.0\r\nExpect: x\r\n\r\n", 417),
	};

	TABLE(REQUEST, v);
}

/* Returns a heap copy of "GET /aaa... HTTP/1.0\r\n" that is n bytes long. */
static char *
long_request_line(size_t n, size_t extra)
{
	static const char	 tail[] = " HTTP/1.0\r\n";
	char			*s;

	if ((s = malloc(n + extra)) == NULL)
		abort();
	memcpy(s, "GET /", 5);
	memset(s + 5, 'a', n - 5 - (sizeof(tail) - 1));
	memcpy(s + n - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
	return s;
}

static void
request_line_of_exactly_the_limit_parses_and_one_more_is_414(void)
{
	char	*s;
	size_t	 n = HTTP_MAX_REQUEST_LINE;

	s = long_request_line(n, 2);
	memcpy(s + n, "\r\n", 2);
	unit_failed += feed(REQUEST, s, n + 2, PARSE_OK, 0);
	free(s);

	/* One more octet: the line cannot end within the limit, and that is
	 * known as soon as the limit is reached. */
	s = long_request_line(n + 1, 0);
	unit_failed += feed(REQUEST, s, n, 414, 0);
	free(s);

	/* Bad bytes within the limit still make it 400. */
	s = long_request_line(n + 1, 0);
	s[n - 1] = '\x01';
	unit_failed += feed(REQUEST, s, n, 400, 0);
	free(s);
}

/* A HTTP/1.0 head of exactly n bytes: the request line and one field. */
static char *
long_head(size_t n)
{
	static const char	 rl[] = "GET / HTTP/1.0\r\nX: ";
	char			*s;

	if ((s = malloc(n)) == NULL)
		abort();
	memcpy(s, rl, sizeof(rl) - 1);
	memset(s + sizeof(rl) - 1, 'v', n - (sizeof(rl) - 1) - 4);
	memcpy(s + n - 4, "\r\n\r\n", 4);
	return s;
}

static void
header_block_of_exactly_the_limit_parses_and_one_more_is_431(void)
{
	char	*s;

	s = long_head(HTTP_MAX_HEADER_BLOCK);
	unit_failed += feed(REQUEST, s, HTTP_MAX_HEADER_BLOCK, PARSE_OK, 0);
	free(s);

	s = long_head(HTTP_MAX_HEADER_BLOCK + 1);
	unit_failed += feed(REQUEST, s, HTTP_MAX_HEADER_BLOCK + 1, 431, 0);
	free(s);
}

/* "GET / HTTP/1.0\r\n" and n fields "X: a\r\n", then tail. */
static char *
many_fields(size_t n, const char *tail, size_t *ret_len)
{
	static const char	 rl[] = "GET / HTTP/1.0\r\n";
	size_t			 i, len;
	char			*s;

	len = sizeof(rl) - 1 + 6 * n + strlen(tail);
	if ((s = malloc(len)) == NULL)
		abort();
	memcpy(s, rl, sizeof(rl) - 1);
	for (i = 0; i < n; i++)
		memcpy(s + sizeof(rl) - 1 + 6 * i, "X: a\r\n", 6);
	memcpy(s + len - strlen(tail), tail, strlen(tail));
	*ret_len = len;
	return s;
}

static void
sixty_four_fields_parse_and_the_sixty_fifth_is_431(void)
{
	struct request	 req;
	size_t		 len, used;
	char		*s;

	s = many_fields(HTTP_MAX_HEADERS, "\r\n", &len);
	unit_failed += feed(REQUEST, s, len, PARSE_OK, 0);
	CHECK_INT(parse_request(s, len, &req, &used), PARSE_OK);
	CHECK_INT(req.nheaders, HTTP_MAX_HEADERS);
	free(s);

	/* Refused at the first byte of the 65th field line. */
	s = many_fields(HTTP_MAX_HEADERS, "Y", &len);
	unit_failed += feed(REQUEST, s, len, 431, 0);
	free(s);
}

static void
request_fields_are_spans_into_the_buffer(void)
{
	static const char	 s[] = "GET /a/b.html?q=1&r HTTP/1.1\r\n"
	    "Host:  example.com \r\nAccept:\t*/*\r\n\r\n";
	struct request		 req;

	CHECK(req_ok(s, &req));
	CHECK_SPAN(req.method_token, "GET");
	CHECK_INT(req.method, METHOD_GET);
	CHECK_SPAN(req.target, "/a/b.html?q=1&r");
	CHECK_SPAN(req.path, "/a/b.html");
	CHECK_SPAN(req.query, "q=1&r");
	CHECK_INT(req.minor, 1);
	CHECK_SPAN(req.host, "example.com");
	CHECK_INT(req.nheaders, 2);
	CHECK_SPAN(req.headers[0].name, "Host");
	CHECK_SPAN(req.headers[0].value, "example.com");
	CHECK_SPAN(req.headers[1].name, "Accept");
	CHECK_SPAN(req.headers[1].value, "*/*");
	CHECK(req.target.p == s + 4);
	CHECK_INT(req.keep_alive, 1);
	CHECK_INT(req.chunked, 0);
	CHECK_INT(req.has_length, 0);
	CHECK_INT(req.expect_continue, 0);

	CHECK(req_ok("GET /? HTTP/1.0\r\n\r\n", &req));
	CHECK_SPAN(req.path, "/");
	CHECK_SPAN(req.query, "");
	CHECK_INT(req.minor, 0);
	CHECK_SPAN(req.host, "");

	/* An absolute-form target names the host and carries the path
	 * (RFC 9112 section 3.2.2). */
	CHECK(req_ok("GET http://example.com/a/b?q HTTP/1.1\r\nHost: x\r\n"
	    "\r\n", &req));
	CHECK_SPAN(req.host, "example.com");
	CHECK_SPAN(req.path, "/a/b");
	CHECK_SPAN(req.query, "q");
	CHECK(req_ok("GET HTTPS://[::1]:8080 HTTP/1.1\r\nHost: x\r\n\r\n",
	    &req));
	CHECK_SPAN(req.host, "[::1]:8080");
	CHECK_SPAN(req.path, "/");
	CHECK(req_ok("GET ftp://a/b HTTP/1.1\r\nHost: x\r\n\r\n", &req));
	CHECK_SPAN(req.path, "ftp://a/b");	/* file_resolve() refuses it */

	/* A later 1.x is handled as 1.1 (RFC 9110 section 2.5). */
	CHECK(req_ok("GET / HTTP/1.2\r\nHost: a\r\n\r\n", &req));
	CHECK_INT(req.minor, 1);
	CHECK_INT(req.keep_alive, 1);
	CHECK(!req_ok("GET / HTTP/1.9\r\n\r\n", &req));	/* no Host */

	CHECK(req_ok("GET / HTTP/1.1\r\nHost:\r\n\r\n", &req));
	CHECK_SPAN(req.host, "");
	CHECK_SPAN(req.query, "");
}

static void
methods_are_case_sensitive_and_unknown_ones_parse(void)
{
	static const struct {
		const char	*line;
		enum method	 method;
	} m[] = {
		{ "GET / HTTP/1.0\r\n\r\n", METHOD_GET },
		{ "HEAD / HTTP/1.0\r\n\r\n", METHOD_HEAD },
		{ "POST / HTTP/1.0\r\n\r\n", METHOD_POST },
		{ "PUT / HTTP/1.0\r\n\r\n", METHOD_PUT },
		{ "DELETE / HTTP/1.0\r\n\r\n", METHOD_DELETE },
		{ "OPTIONS * HTTP/1.0\r\n\r\n", METHOD_OPTIONS },
		{ "TRACE / HTTP/1.0\r\n\r\n", METHOD_TRACE },
		{ "CONNECT a:443 HTTP/1.0\r\n\r\n", METHOD_CONNECT },
		{ "PATCH / HTTP/1.0\r\n\r\n", METHOD_PATCH },
		{ "get / HTTP/1.0\r\n\r\n", METHOD_UNKNOWN },
		{ "GETS / HTTP/1.0\r\n\r\n", METHOD_UNKNOWN },
		{ "G / HTTP/1.0\r\n\r\n", METHOD_UNKNOWN },
		{ "M-SEARCH * HTTP/1.0\r\n\r\n", METHOD_UNKNOWN },
	};
	struct request	 req;
	size_t		 i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		CHECK(req_ok(m[i].line, &req));
		CHECK_INT(req.method, m[i].method);
	}
}

static void
keep_alive_follows_version_and_connection_tokens(void)
{
	static const struct {
		const char	*head;
		int		 keep_alive;
	} k[] = {
		{ "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 1 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, CLOSE"
		    "\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: x\r\n"
		    "Connection: ,close,\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: closed\r\n\r\n",
		    1 },
		{ "GET / HTTP/1.0\r\n\r\n", 0 },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 1 },
		{ "GET / HTTP/1.0\r\nConnection: Upgrade, Keep-Alive\r\n\r\n",
		    1 },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
		    0 },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive-ish\r\n\r\n", 0 },
	};
	struct request	 req;
	size_t		 i;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		CHECK(req_ok(k[i].head, &req));
		if (req.keep_alive != k[i].keep_alive)
			printf("#   keep_alive of %zu\n", i);
		CHECK_INT(req.keep_alive, k[i].keep_alive);
	}
}

static void
body_framing_fields_are_derived(void)
{
	struct request	 req;

	CHECK(req_ok("PUT / HTTP/1.1\r\nHost: a\r\ncontent-length: 0042\r\n"
	    "\r\n", &req));
	CHECK_INT(req.has_length, 1);
	CHECK(req.content_length == 42);
	CHECK_INT(req.chunked, 0);

	CHECK(req_ok("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 7, 7\r\n"
	    "Content-Length: 7\r\n\r\n", &req));
	CHECK(req.content_length == 7);

	CHECK(req_ok("PUT / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 18446744073709551615\r\n\r\n", &req));
	CHECK(req.content_length == UINT64_MAX);

	CHECK(req_ok("PUT / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding:  chunked \r\n\r\n", &req));
	CHECK_INT(req.chunked, 1);
	CHECK_INT(req.has_length, 0);

	CHECK(req_ok("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n"
	    "Content-Length: 3\r\n\r\n", &req));
	CHECK_INT(req.expect_continue, 1);

	/* A 1.0 client cannot expect 100 Continue. */
	CHECK(req_ok("PUT / HTTP/1.0\r\nExpect: 100-continue\r\n"
	    "Content-Length: 3\r\n\r\n", &req));
	CHECK_INT(req.expect_continue, 0);
}

static void
range_and_if_fields_mark_a_request_conditional(void)
{
	static const struct {
		const char	*fields;
		int		 conditional;
	} v[] = {
		{ "If-None-Match: \"x\"\r\n", 1 },
		{ "RANGE: bytes=0-1\r\n", 1 },
		{ "if-modified-since: x\r\n", 1 },
		{ "Accept: */*\r\n", 0 },
		/* Near misses: names that only start like one, or add to it. */
		{ "Ifx: 1\r\nRanges: 1\r\nX-Range: 1\r\n", 0 },
	};
	struct request	 req;
	char		 head[256];
	size_t		 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		(void)snprintf(head, sizeof(head),
		    "GET / HTTP/1.1\r\nHost: a\r\n%s\r\n", v[i].fields);
		CHECK(req_ok(head, &req));
		CHECK_INT(req.conditional, v[i].conditional);
	}
}

static void
pipelined_requests_parse_one_after_another(void)
{
	static const char	 s[] = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n"
	    "HEAD /b HTTP/1.1\nHost: b\n\n"
	    "POST /c HTTP/1.1\r\nHost: c\r\nContent-Length: 2\r\n\r\nhi"
	    "GET /d HTTP/1.0\r\n\r\n";
	struct request		 req;
	size_t			 off = 0, used;

	CHECK_INT(parse_request(s, sizeof(s) - 1, &req, &used), PARSE_OK);
	CHECK_SPAN(req.target, "/a");
	off += used;
	CHECK_INT(parse_request(s + off, sizeof(s) - 1 - off, &req, &used),
	    PARSE_OK);
	CHECK_SPAN(req.target, "/b");
	CHECK_SPAN(req.host, "b");
	off += used;
	CHECK_INT(parse_request(s + off, sizeof(s) - 1 - off, &req, &used),
	    PARSE_OK);
	CHECK_SPAN(req.target, "/c");
	CHECK(req.content_length == 2);
	off += used + 2;
	CHECK_INT(parse_request(s + off, sizeof(s) - 1 - off, &req, &used),
	    PARSE_OK);
	CHECK_SPAN(req.target, "/d");
	CHECK_INT(off + used, sizeof(s) - 1);
}

static void
outputs_are_untouched_unless_the_parse_succeeds(void)
{
	struct request	 req;
	size_t		 used = 7;

	memset(&req, 0x5a, sizeof(req));
	CHECK_INT(parse_request("GET / HTTP/1.1\r\n", 16, &req, &used),
	    PARSE_AGAIN);
	CHECK_INT(used, 7);
	CHECK_INT(parse_request("GET / HTTP/1.1\r\n\r\n", 18, &req, &used),
	    400);
	CHECK_INT(used, 7);
	CHECK_INT(req.nheaders, 0x5a5a5a5a5a5a5a5aULL);
}

static void
responses_parse_whole_and_byte_by_byte(void)
{
	static const struct vector v[] = {
		VU("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		    PARSE_OK, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"),
		V("HTTP/1.1 200\r\n\r\n", PARSE_OK),
		V("HTTP/1.1 200 \r\n\r\n", PARSE_OK),
		V("HTTP/1.0 404 Not Found\n\n", PARSE_OK),
		V("HTTP/1.1 500 Fehler \xfc\t!\r\nX:y\r\n\r\n", PARSE_OK),
		V("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n", PARSE_OK),
		V("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		    PARSE_OK),
		V("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
		    PARSE_OK),
		/* obs-fold, which a user agent must join (section 5.2) */
		V("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\t c\r\nY: d\r\n\r\n",
		    PARSE_OK),
		V("HTTP/1.1 200 OK\nX: a\n \n\n", PARSE_OK),
		V("HTTP/1.1 200 OK\r\nX: a\r\n \r\n b\r\n\r\n", PARSE_OK),
		/* Nothing is skipped before the status line. */
		V("\r\n", 400),
		V("\n", 400),
		V("X", 400),
		V("HTTP/2", 400),
		V("HTTP/1.1 20x", 400),
		V("HTTP/1.1 200X", 400),
		V("HTTP/1.1  ", 400),
		V("HTTP/1.1 200 OK\x01", 400),
		V("HTTP/1.1 200 OK\rX", 400),
		V("HTTP/1.1 099 Low\r\n", 400),
		V("HTTP/1.1 20\r\n", 400),
		V("HTTP/1.1 200 OK\r\nX ", 400),
		/* A fold must continue a field line (RFC 9112 section 2.2). */
		V("HTTP/1.1 200 OK\r\n ", 400),
		V("HTTP/1.1 200 OK\r\n\t", 400),
		V("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n", 400),
		V("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
		    "Content-Length: 2\r\n\r\n", 400),
		V("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", 400),
		V("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip,"
		    " chunked\r\n\r\n", 400),
		V("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
	};

	TABLE(RESPONSE, v);
}

static void
response_head_limits_are_431(void)
{
	size_t	 len;
	char	*s, *r;

	/* The request builder gives a 1.0 request line; make it a status
	 * line of the same length. */
	s = many_fields(HTTP_MAX_HEADERS, "Y", &len);
	memcpy(s, "HTTP/1.0 200 O\r\n", 16);
	unit_failed += feed(RESPONSE, s, len, 431, 0);
	free(s);

	r = long_head(HTTP_MAX_HEADER_BLOCK + 1);
	memcpy(r, "HTTP/1.0 200 O\r\n", 16);
	unit_failed += feed(RESPONSE, r, HTTP_MAX_HEADER_BLOCK + 1, 431, 0);
	free(r);

	r = long_head(HTTP_MAX_HEADER_BLOCK);
	memcpy(r, "HTTP/1.0 200 O\r\n", 16);
	unit_failed += feed(RESPONSE, r, HTTP_MAX_HEADER_BLOCK, PARSE_OK, 0);
	free(r);
}

/* Parses a whole response head that must be valid. */
/* Parses a whole response head that must be valid, from a copy that
 * *res's spans point into until the next call. */
static int
res_ok(const char *s, int head, struct response *res)
{
	static char	 buf[1024];
	size_t		 used, len = strlen(s);

	if (len > sizeof(buf))
		abort();
	memcpy(buf, s, len);
	return parse_response(buf, len, head, res, &used) == PARSE_OK &&
	    used == len;
}

static void
response_framing_follows_rfc9112_section_6_3(void)
{
	struct response	 res;

	CHECK(res_ok("HTTP/1.1 201 Created\r\nContent-Length: 12\r\n\r\n", 0,
	    &res));
	CHECK_INT(res.minor, 1);
	CHECK_INT(res.status, 201);
	CHECK_SPAN(res.reason, "Created");
	CHECK_INT(res.has_length, 1);
	CHECK(res.content_length == 12);
	CHECK_INT(res.keep_alive, 1);
	CHECK_INT(res.nheaders, 1);

	/* HEAD, 1xx, 204 and 304 have no body, whatever the fields say. */
	CHECK(res_ok("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", 1,
	    &res));
	CHECK_INT(res.has_length, 1);
	CHECK(res.content_length == 0);
	CHECK(res_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
	    1, &res));
	CHECK_INT(res.chunked, 0);
	CHECK_INT(res.has_length, 1);
	CHECK(res_ok("HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n",
	    0, &res));
	CHECK(res.has_length == 1 && res.content_length == 0);
	CHECK(res_ok("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n",
	    0, &res));
	CHECK(res.has_length == 1 && res.content_length == 0);
	CHECK(res_ok("HTTP/1.1 100 Continue\r\n\r\n", 0, &res));
	CHECK(res.has_length == 1 && res.content_length == 0);
	CHECK_INT(res.status, 100);

	CHECK(res_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
	    0, &res));
	CHECK_INT(res.chunked, 1);
	CHECK_INT(res.coded, 0);
	CHECK_INT(res.has_length, 0);
	CHECK_INT(res.keep_alive, 1);

	/* Framing is the final coding's; the codings beneath are the
	 * caller's to undo. */
	CHECK(res_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n"
	    "\r\n", 0, &res));
	CHECK(res.chunked == 1 && res.has_length == 0 && res.keep_alive == 1);
	CHECK_INT(res.coded, 1);
	CHECK(res_ok("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: gzip, "
	    "chunked\r\n\r\n", 0, &res));
	CHECK_INT(res.coded, 0);

	/* Without chunked last, or without any framing: until the close. */
	CHECK(res_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0,
	    &res));
	CHECK(res.chunked == 0 && res.has_length == 0 && res.keep_alive == 0);
	CHECK_INT(res.coded, 1);
	CHECK(res_ok("HTTP/1.1 200\r\n\r\n", 0, &res));
	CHECK(res.chunked == 0 && res.has_length == 0 && res.keep_alive == 0);
	CHECK_SPAN(res.reason, "");

	/* A folded line is joined with spaces before it is read. */
	CHECK(res_ok("HTTP/1.1 200 OK\r\nContent-Length:\r\n 5\r\n"
	    "Content-Type: text/\r\n\tplain\r\n\r\n", 0, &res));
	CHECK(res.has_length == 1 && res.content_length == 5);
	CHECK_INT(res.nheaders, 2);
	CHECK_SPAN(res.headers[1].value, "text/   plain");
	CHECK(res_ok("HTTP/1.1 200 OK\r\nX: a\r\n \r\n b\r\n\r\n", 0,
	    &res));
	CHECK_INT(res.nheaders, 1);
	CHECK_SPAN(res.headers[0].value, "a      b");
}

static void
response_keep_alive_follows_version_and_connection(void)
{
	struct response	 res;

	CHECK(res_ok("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n\r\n", 0, &res));
	CHECK_INT(res.keep_alive, 0);
	CHECK(res_ok("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 0, &res));
	CHECK_INT(res.keep_alive, 0);
	CHECK_INT(res.minor, 0);
	CHECK(res_ok("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n"
	    "Connection: Keep-Alive\r\n\r\n", 0, &res));
	CHECK_INT(res.keep_alive, 1);
	/* A later 1.x is handled as 1.1 (RFC 9110 section 2.5). */
	CHECK(res_ok("HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n", 0, &res));
	CHECK_INT(res.minor, 1);
	CHECK_INT(res.keep_alive, 1);
}

static void
parse_header_finds_the_first_field_of_a_name(void)
{
	struct request		 req;
	const struct span	*v;

	CHECK(req_ok("GET / HTTP/1.1\r\nHost: a\r\nX-Y: 1\r\nx-y: 2\r\n\r\n",
	    &req));
	v = parse_header(req.headers, req.nheaders, "X-y");
	CHECK(v != NULL);
	if (v != NULL)
		CHECK_SPAN(*v, "1");
	CHECK(parse_header(req.headers, req.nheaders, "X") == NULL);
	CHECK(parse_header(req.headers, req.nheaders, "X-Y-Z") == NULL);
	CHECK(parse_header(req.headers, 0, "Host") == NULL);
}

static void
parse_has_token_reads_comma_separated_lists(void)
{
	CHECK_INT(parse_has_token(SPAN_LIT("close"), "close"), 1);
	CHECK_INT(parse_has_token(SPAN_LIT("Close"), "close"), 1);
	CHECK_INT(parse_has_token(SPAN_LIT(" a ,\tclose\t, b"), "close"), 1);
	CHECK_INT(parse_has_token(SPAN_LIT(",,close,,"), "close"), 1);
	CHECK_INT(parse_has_token(SPAN_LIT("a,b"), "b"), 1);
	CHECK_INT(parse_has_token(SPAN_LIT("closed"), "close"), 0);
	CHECK_INT(parse_has_token(SPAN_LIT("clos"), "close"), 0);
	CHECK_INT(parse_has_token(SPAN_LIT("cl ose"), "close"), 0);
	CHECK_INT(parse_has_token(SPAN_LIT(""), "close"), 0);
	CHECK_INT(parse_has_token(SPAN_LIT(", ,"), "close"), 0);
	CHECK_INT(parse_has_token((struct span){ NULL, 0 }, "close"), 0);
}

int
main(void)
{
	RUN(valid_requests_parse_whole_and_byte_by_byte);
	RUN(malformed_requests_are_400_at_the_first_bad_byte);
	RUN(unsupported_requests_get_their_own_status);
	RUN(request_line_of_exactly_the_limit_parses_and_one_more_is_414);
	RUN(header_block_of_exactly_the_limit_parses_and_one_more_is_431);
	RUN(sixty_four_fields_parse_and_the_sixty_fifth_is_431);
	RUN(request_fields_are_spans_into_the_buffer);
	RUN(methods_are_case_sensitive_and_unknown_ones_parse);
	RUN(keep_alive_follows_version_and_connection_tokens);
	RUN(body_framing_fields_are_derived);
	RUN(range_and_if_fields_mark_a_request_conditional);
	RUN(pipelined_requests_parse_one_after_another);
	RUN(outputs_are_untouched_unless_the_parse_succeeds);
	RUN(responses_parse_whole_and_byte_by_byte);
	RUN(response_head_limits_are_431);
	RUN(response_framing_follows_rfc9112_section_6_3);
	RUN(response_keep_alive_follows_version_and_connection);
	RUN(parse_header_finds_the_first_field_of_a_name);
	RUN(parse_has_token_reads_comma_separated_lists);
	return unit_done();
}
