/*
 * parse.c - the HTTP/1.x parsers: request and response heads, header lists,
 * chunked bodies, Range and If-(None-)Match values.
 *
 * Everything here is pure: no I/O, no allocation, no logging, no global
 * state, so the same code serves the handler, webclient, the unit tests and
 * the fuzzers.  Parsers return PARSE_OK, PARSE_AGAIN when more bytes are
 * needed, or the HTTP status to answer with (RFC 9110, RFC 9112).
 */

#include <stddef.h>
#include <string.h>

#include "http.h"

/* Empty lines allowed before a request line (RFC 9112 section 2.2). */
#define PARSE_MAX_EMPTY_LINES	4

/* "HTTP/1.1": the only length an HTTP-version can have. */
#define PARSE_VERSION_LEN	8

/* "HTTP/1.1 200": the status line up to the reason phrase. */
#define PARSE_STATUS_LEN	12

/* A chunk size line with its extensions, or one trailer line, less CR LF. */
#define CHUNKED_MAX_LINE	4096

/* All trailer fields of a chunked body together, less their line ends. */
#define CHUNKED_MAX_TRAILER	HTTP_MAX_HEADER_BLOCK

/* Hex digits of a chunk size: 16 fill a uint64_t, so it cannot overflow. */
#define CHUNKED_MAX_DIGITS	16

/*
 * Chunked decoder states (RFC 9112 section 7.1):
 *
 *	state		byte		next
 *	SIZE		HEXDIG		SIZE (at most CHUNKED_MAX_DIGITS)
 *	SIZE		SP HTAB		SIZE_WS		(BWS before ';')
 *	SIZE SIZE_WS	';'		EXT
 *	SIZE SIZE_WS EXT CR		SIZE_LF
 *	EXT		other		EXT		(ignored, bounded)
 *	SIZE_LF		LF		DATA, or TRAILER if the size was 0
 *	DATA		any		DATA; DATA_CR once the chunk is done
 *	DATA_CR		CR		DATA_LF
 *	DATA_LF		LF		SIZE
 *	TRAILER		CR		END_LF		(the empty line)
 *	TRAILER		other		FIELD
 *	FIELD		CR		FIELD_LF
 *	FIELD_LF	LF		TRAILER
 *	END_LF		LF		DONE: PARSE_OK
 *
 * Anything else is 400 and the decoder stays in ERROR.
 */
enum {
	CH_SIZE = 0,	/* chunked_init() zeroes the state */
	CH_SIZE_WS,
	CH_EXT,
	CH_SIZE_LF,
	CH_DATA,
	CH_DATA_CR,
	CH_DATA_LF,
	CH_TRAILER,
	CH_FIELD,
	CH_FIELD_LF,
	CH_END_LF,
	CH_DONE,
	CH_ERROR,
};

/* The common result of the request and response heads' field checks. */
struct framing {
	int		has_te;
	int		chunked;	/* the final coding is chunked */
	int		chunked_twice;	/* chunked before the final coding */
	int		ncodings;
	int		has_length;
	uint64_t	length;
};

/* tchar, the octets of a token (RFC 9110 section 5.6.2). */
static const unsigned char tchars[256] = {
	['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1,
	['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1,
	['*'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1,
	['`'] = 1, ['|'] = 1, ['~'] = 1,
};

static int
is_tchar(unsigned char c)
{
	return tchars[c];
}

/* Octets of a field value or reason phrase: HTAB, SP, VCHAR, obs-text. */
static int
is_field_char(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Case-insensitive comparison of a span with a C string (ASCII only). */
static inline int
span_is(struct span s, const char *lit)
{
	size_t	 i;

	/* Most names differ in length: the compiler knows a literal's. */
	if (s.len != strlen(lit))
		return 0;
	for (i = 0; i < s.len; i++)
		if (lower(s.p[i]) != lower(lit[i]))
			return 0;
	return 1;
}

/* Whether s starts with the C string lit, in any case (ASCII only). */
static int
span_is_prefix(struct span s, const char *lit)
{
	size_t	 i;

	for (i = 0; lit[i] != '\0'; i++)
		if (i == s.len || lower(s.p[i]) != lower(lit[i]))
			return 0;
	return 1;
}

static struct span
span_trim(struct span s)
{
	while (s.len > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
		s.len--;
	return s;
}

/*
 * Splits the next element off a comma-separated list (RFC 9110 section
 * 5.6.1): *elem gets it without OWS, *rest what follows the comma.
 * Returns 0 when the list is used up.
 */
static int
list_next(struct span *rest, struct span *elem)
{
	const char	*comma;

	if (rest->p == NULL)
		return 0;
	comma = memchr(rest->p, ',', rest->len);
	if (comma == NULL) {
		*elem = span_trim(*rest);
		rest->p = NULL;
		rest->len = 0;
		return 1;
	}
	elem->p = rest->p;
	elem->len = (size_t)(comma - rest->p);
	*elem = span_trim(*elem);
	rest->len -= (size_t)(comma - rest->p) + 1;
	rest->p = comma + 1;
	return 1;
}

/*
 * Bounded decimal: all digits, at least one, no overflow.  Returns 0 and
 * sets *ret, or -1.
 */
static int
decimal_parse(struct span s, uint64_t *ret)
{
	uint64_t	 v = 0;
	size_t		 i;

	if (s.len == 0)
		return -1;
	for (i = 0; i < s.len; i++) {
		if (!is_digit((unsigned char)s.p[i]))
			return -1;
		if (v > (UINT64_MAX - (unsigned)(s.p[i] - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(s.p[i] - '0');
	}
	*ret = v;
	return 0;
}

/*
 * Checks a request line p[0..n), without its line end.  When !complete the
 * line is still arriving: only what is there is checked, so junk is refused
 * before the client sends the end of the line.  On PARSE_OK fills the
 * request-line fields of *req.
 */
static int
request_line(const char *p, size_t n, int complete, struct request *req)
{
	static const char	 proto[] = "HTTP/D.D";
	size_t			 i, k, target, version;

	/* RFC 9112 section 3: method SP request-target SP HTTP-version */
	for (i = 0; i < n && p[i] != ' '; i++)
		if (!is_tchar((unsigned char)p[i]))
			return 400;
	if (i == n)
		return complete ? 400 : PARSE_AGAIN;
	if (i == 0)
		return 400;
	target = ++i;
	for (; i < n && p[i] != ' '; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return 400;
	if (i == n)
		return complete ? 400 : PARSE_AGAIN;
	if (i == target)
		return 400;
	version = ++i;
	for (; i < n; i++) {
		k = i - version;
		if (k >= PARSE_VERSION_LEN)
			return 400;
		if (proto[k] == 'D' ? !is_digit((unsigned char)p[i]) :
		    p[i] != proto[k])
			return 400;
	}
	if (!complete)
		return PARSE_AGAIN;
	if (n - version != PARSE_VERSION_LEN)
		return 400;
	/* Well-formed but not ours: 505 (RFC 9110 section 15.6.6). */
	if (p[version + 5] != '1' || p[version + 7] > '1')
		return 505;

	req->method_token.p = p;
	req->method_token.len = target - 1;
	req->target.p = p + target;
	req->target.len = version - 1 - target;
	req->minor = p[version + 7] - '0';
	return PARSE_OK;
}

/*
 * Checks a field line p[0..n) without its line end, like request_line();
 * on PARSE_OK *h holds the name and the value trimmed of OWS.
 */
static int
field_line(const char *p, size_t n, int complete, struct header *h)
{
	size_t	 i, colon;

	/* obs-fold: a line starting with whitespace (RFC 9112 section 5.2) */
	if (n > 0 && (p[0] == ' ' || p[0] == '\t'))
		return 400;
	/* A non-token octet before the colon, whitespace included (5.1). */
	for (i = 0; i < n && p[i] != ':'; i++)
		if (!is_tchar((unsigned char)p[i]))
			return 400;
	if (i == n)
		return complete ? 400 : PARSE_AGAIN;
	if (i == 0)
		return 400;
	colon = i;
	/* NUL, bare CR and the other CTLs but HTAB (RFC 9110 section 5.5). */
	for (i++; i < n; i++)
		if (!is_field_char((unsigned char)p[i]))
			return 400;
	if (!complete)
		return PARSE_AGAIN;

	h->name.p = p;
	h->name.len = colon;
	h->value.p = p + colon + 1;
	h->value.len = n - colon - 1;
	h->value = span_trim(h->value);
	return PARSE_OK;
}

/*
 * Finds the next line in buf[pos..lim).  Returns 1 with the line (without
 * CR LF or LF) in *line and the position after it in *next; 0 when the line
 * is not complete, with what there is of it (less a final CR) in *line.
 */
static int
line_next(const char *buf, size_t pos, size_t lim, struct span *line,
    size_t *next)
{
	const char	*lf;

	line->p = buf + pos;
	lf = memchr(buf + pos, '\n', lim - pos);
	if (lf == NULL) {
		line->len = lim - pos;
		if (line->len > 0 && line->p[line->len - 1] == '\r')
			line->len--;
		return 0;
	}
	line->len = (size_t)(lf - line->p);
	/* A bare LF ends a line too (RFC 9112 section 2.2). */
	if (line->len > 0 && line->p[line->len - 1] == '\r')
		line->len--;
	*next = (size_t)(lf - buf) + 1;
	return 1;
}

/*
 * Reads the field lines from buf[pos..), up to the empty line.  Returns
 * PARSE_OK with the fields in h[0..*ret_n) and the head's length in
 * *ret_used, PARSE_AGAIN, 400, or 431.
 */
static int
fields_parse(const char *buf, size_t len, size_t pos, struct header *h,
    size_t *ret_n, size_t *ret_used)
{
	struct span	 line;
	size_t		 lim, next = 0, n = 0;
	int		 rc;

	/* Only the first HTTP_MAX_HEADER_BLOCK octets count, so a bad byte
	 * past the limit cannot turn a 431 into a 400 as more bytes arrive. */
	lim = len < HTTP_MAX_HEADER_BLOCK ? len : HTTP_MAX_HEADER_BLOCK;
	for (;;) {
		if (pos < lim && buf[pos] != '\r' && buf[pos] != '\n' &&
		    n == HTTP_MAX_HEADERS)
			return 431;
		if (!line_next(buf, pos, lim, &line, &next)) {
			if (memchr(line.p, '\r', line.len) != NULL)
				return 400;
			if (line.len > 0) {
				rc = field_line(line.p, line.len, 0, &h[n]);
				if (rc != PARSE_AGAIN)
					return rc;
			}
			return len > HTTP_MAX_HEADER_BLOCK ? 431 : PARSE_AGAIN;
		}
		/* A bare CR anywhere (RFC 9112 section 2.2). */
		if (memchr(line.p, '\r', line.len) != NULL)
			return 400;
		if (line.len == 0)
			break;
		if ((rc = field_line(line.p, line.len, 1, &h[n])) != PARSE_OK)
			return rc;
		n++;
		pos = next;
	}
	*ret_n = n;
	*ret_used = next;
	return PARSE_OK;
}

/*
 * Content-Length and Transfer-Encoding, common to requests and responses
 * (RFC 9112 section 6).  Returns PARSE_OK and fills *f, or 400 for a bad
 * or ambiguous length; the codings are judged by the caller.
 */
static int
framing_parse(const struct header *h, size_t n, struct framing *f)
{
	struct span	 rest, elem;
	uint64_t	 v;
	size_t		 i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < n; i++) {
		if (span_is(h[i].name, "content-length")) {
			/* "5, 5" or two fields of 5 are one length; anything
			 * else is ambiguous framing (RFC 9110 section 8.6). */
			rest = h[i].value;
			do {
				(void)list_next(&rest, &elem);
				if (decimal_parse(elem, &v) == -1)
					return 400;
				if (f->has_length && v != f->length)
					return 400;
				f->has_length = 1;
				f->length = v;
			} while (rest.p != NULL);
		} else if (span_is(h[i].name, "transfer-encoding")) {
			f->has_te = 1;
			rest = h[i].value;
			while (list_next(&rest, &elem)) {
				if (elem.len == 0)
					continue;
				f->chunked_twice |= f->chunked;
				f->chunked = span_is(elem, "chunked");
				f->ncodings++;
			}
		}
	}
	if (!f->has_te)
		return PARSE_OK;
	/* Never pick one of the two: that is how requests are smuggled
	 * (RFC 9112 section 6.1). */
	if (f->has_length)
		return 400;
	/* chunked is applied at most once (section 6.1). */
	if (f->chunked_twice)
		return 400;
	return PARSE_OK;
}

/* Is a Host value a uri-host [ ":" port ] (RFC 3986 section 3.2)? */
static int
host_valid(struct span s)
{
	size_t		 i;
	unsigned char	 c;

	for (i = 0; i < s.len; i++) {
		c = (unsigned char)s.p[i];
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z'))
			continue;
		if (strchr("-._~!$&'()*+,;=%:[]", c) == NULL || c == '\0')
			return 0;
	}
	return 1;
}

static enum method
method_lookup(struct span t)
{
	static const struct {
		const char	*name;
		enum method	 method;
	} methods[] = {
		{ "GET", METHOD_GET },
		{ "HEAD", METHOD_HEAD },
		{ "POST", METHOD_POST },
		{ "PUT", METHOD_PUT },
		{ "DELETE", METHOD_DELETE },
		{ "OPTIONS", METHOD_OPTIONS },
		{ "TRACE", METHOD_TRACE },
		{ "CONNECT", METHOD_CONNECT },
		{ "PATCH", METHOD_PATCH },
	};
	size_t	 i;

	/* Methods are case-sensitive (RFC 9110 section 9.1). */
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strlen(methods[i].name) == t.len &&
		    memcmp(methods[i].name, t.p, t.len) == 0)
			return methods[i].method;
	return METHOD_UNKNOWN;
}

/* Fills the derived fields of a request whose head is complete. */
static int
request_derive(struct request *req)
{
	struct framing	 f;
	struct span	 rest, elem;
	const char	*q;
	size_t		 i, nhost = 0;
	int		 rc, closing = 0, keep = 0;

	req->method = method_lookup(req->method_token);
	req->path = req->target;
	req->query.p = req->target.p + req->target.len;
	req->query.len = 0;
	if ((q = memchr(req->target.p, '?', req->target.len)) != NULL) {
		req->path.len = (size_t)(q - req->target.p);
		req->query.p = q + 1;
		req->query.len = req->target.len - req->path.len - 1;
	}

	req->host.p = req->target.p;
	req->host.len = 0;
	req->expect_continue = 0;
	req->conditional = 0;
	for (i = 0; i < req->nheaders; i++) {
		const struct header *h = &req->headers[i];

		if (span_is_prefix(h->name, "if-") ||
		    span_is(h->name, "range")) {
			req->conditional = 1;
		} else if (span_is(h->name, "host")) {
			nhost++;
			req->host = h->value;
		} else if (span_is(h->name, "connection")) {
			closing |= parse_has_token(h->value, "close");
			keep |= parse_has_token(h->value, "keep-alive");
		} else if (span_is(h->name, "expect")) {
			rest = h->value;
			while (list_next(&rest, &elem))
				if (!span_is(elem, "100-continue"))
					return 417;
			req->expect_continue = 1;
		}
	}
	/* One Host in HTTP/1.1, never two (RFC 9112 section 3.2). */
	if (nhost > 1 || (req->minor == 1 && nhost == 0))
		return 400;
	if (!host_valid(req->host))
		return 400;
	if ((rc = framing_parse(req->headers, req->nheaders, &f)) != PARSE_OK)
		return rc;
	/* An HTTP/1.0 peer cannot mean chunked (RFC 9112 section 6.1). */
	if (f.has_te && req->minor == 0)
		return 400;
	/* Without chunked last the body's end is unknown (section 6.1). */
	if (f.has_te && !f.chunked)
		return 400;
	/* Other codings are valid HTTP that we do not implement. */
	if (f.ncodings > 1)
		return 501;
	/* A 1.0 client cannot expect 100 (RFC 9110 section 10.1.1). */
	if (req->minor == 0)
		req->expect_continue = 0;
	req->chunked = f.chunked;
	req->has_length = f.has_length;
	req->content_length = f.length;
	req->keep_alive = req->minor == 1 ? !closing : keep && !closing;
	return PARSE_OK;
}

/*
 * parse_request - parse the request head at buf[0..len).
 *
 * The caller calls again from the start of the buffer as bytes arrive; the
 * result depends only on the bytes, never on how they were split.  Returns
 * PARSE_OK with *ret_req filled (spans into buf) and *ret_used set to the
 * head's length, its final empty line included; PARSE_AGAIN when the head
 * is not complete and nothing in it is wrong yet; or the status to answer
 * with: 400, 414, 417, 431, 501 or 505.  Nothing after the head is read.
 * The request line, line end included, may take HTTP_MAX_REQUEST_LINE
 * octets; the whole head, skipped empty lines included, as *ret_used
 * counts it, HTTP_MAX_HEADER_BLOCK.  The output parameters are written
 * only on PARSE_OK.
 */
int
parse_request(const char *buf, size_t len, struct request *ret_req,
    size_t *ret_used)
{
	struct request	 req;
	struct span	 line;
	size_t		 pos = 0, next = 0, lim, used;
	int		 empty = 0, rc;

	/* Skip a few empty lines: some clients end a body with an extra
	 * CR LF (RFC 9112 section 2.2). */
	while (pos < len && (buf[pos] == '\r' || buf[pos] == '\n')) {
		if (buf[pos] == '\r') {
			if (pos + 1 == len)
				return PARSE_AGAIN;
			if (buf[pos + 1] != '\n')
				return 400;
			pos++;
		}
		pos++;
		if (++empty > PARSE_MAX_EMPTY_LINES)
			return 400;
	}
	if (pos == len)
		return PARSE_AGAIN;

	/* The request line must end within HTTP_MAX_REQUEST_LINE octets. */
	lim = len - pos < HTTP_MAX_REQUEST_LINE ? len :
	    pos + HTTP_MAX_REQUEST_LINE;
	if (!line_next(buf, pos, lim, &line, &next)) {
		if (memchr(line.p, '\r', line.len) != NULL)
			return 400;
		rc = request_line(line.p, line.len, 0, &req);
		if (rc != PARSE_AGAIN)
			return rc;
		return len - pos >= HTTP_MAX_REQUEST_LINE ? 414 : PARSE_AGAIN;
	}
	if (memchr(line.p, '\r', line.len) != NULL)
		return 400;
	if ((rc = request_line(line.p, line.len, 1, &req)) != PARSE_OK)
		return rc;

	rc = fields_parse(buf, len, next, req.headers, &req.nheaders, &used);
	if (rc != PARSE_OK)
		return rc;
	if ((rc = request_derive(&req)) != PARSE_OK)
		return rc;
	/* The header array is most of the struct and mostly unused. */
	memcpy(ret_req, &req, offsetof(struct request, headers) +
	    req.nheaders * sizeof(req.headers[0]));
	*ret_used = used;
	return PARSE_OK;
}

/* Checks a status line like request_line(); fills *res on PARSE_OK. */
static int
status_line(const char *p, size_t n, int complete, struct response *res)
{
	static const char	 proto[] = "HTTP/1.D DDD";
	size_t			 i;

	for (i = 0; i < n && i < PARSE_STATUS_LEN; i++)
		if (proto[i] == 'D' ? !is_digit((unsigned char)p[i]) :
		    p[i] != proto[i])
			return 400;
	/* An empty reason may come without its SP (RFC 9112 section 4). */
	if (n > PARSE_STATUS_LEN && p[PARSE_STATUS_LEN] != ' ')
		return 400;
	for (i = PARSE_STATUS_LEN + 1; i < n; i++)
		if (!is_field_char((unsigned char)p[i]))
			return 400;
	if (!complete)
		return PARSE_AGAIN;
	if (n < PARSE_STATUS_LEN || p[9] == '0')
		return 400;
	res->minor = p[7] - '0';
	res->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	res->reason.p = p + n;
	res->reason.len = 0;
	if (n > PARSE_STATUS_LEN) {
		res->reason.p = p + PARSE_STATUS_LEN + 1;
		res->reason.len = n - PARSE_STATUS_LEN - 1;
	}
	return PARSE_OK;
}

/*
 * parse_response - parse the response head at buf[0..len), for webclient.
 *
 * head is non-zero when the request was HEAD.  Returns PARSE_OK with *ret
 * filled (spans into buf) and *ret_used the head's length; PARSE_AGAIN;
 * 400 when malformed; 431 when the head is too large or has too many
 * fields.  The body's framing follows RFC 9112 section 6.3: no body after
 * HEAD, 1xx, 204 and 304; then chunked; then Content-Length; else it lasts
 * until the close (has_length and chunked both 0, keep_alive 0).
 */
int
parse_response(const char *buf, size_t len, int head, struct response *ret,
    size_t *ret_used)
{
	struct response	 res;
	struct framing	 f;
	struct span	 line;
	size_t		 i, next = 0, lim, used;
	int		 rc, closing = 0, keep = 0;

	lim = len < HTTP_MAX_HEADER_BLOCK ? len : HTTP_MAX_HEADER_BLOCK;
	if (!line_next(buf, 0, lim, &line, &next)) {
		if (memchr(line.p, '\r', line.len) != NULL)
			return 400;
		rc = status_line(line.p, line.len, 0, &res);
		if (rc != PARSE_AGAIN)
			return rc;
		return len > HTTP_MAX_HEADER_BLOCK ? 431 : PARSE_AGAIN;
	}
	if (memchr(line.p, '\r', line.len) != NULL)
		return 400;
	if ((rc = status_line(line.p, line.len, 1, &res)) != PARSE_OK)
		return rc;
	rc = fields_parse(buf, len, next, res.headers, &res.nheaders, &used);
	if (rc != PARSE_OK)
		return rc;

	for (i = 0; i < res.nheaders; i++) {
		if (span_is(res.headers[i].name, "connection")) {
			closing |= parse_has_token(res.headers[i].value,
			    "close");
			keep |= parse_has_token(res.headers[i].value,
			    "keep-alive");
		}
	}
	res.keep_alive = res.minor == 1 ? !closing : keep && !closing;

	if ((rc = framing_parse(res.headers, res.nheaders, &f)) != PARSE_OK)
		return rc;
	/* Codings under chunked are the caller's to undo; without chunked
	 * last the body lasts until the close (RFC 9112 section 6.3). */
	/* Faulty framing from an HTTP/1.0 server (RFC 9112 section 6.1). */
	if (f.has_te && res.minor == 0)
		return 400;
	res.chunked = 0;
	res.has_length = 0;
	res.content_length = 0;
	if (head || res.status < 200 || res.status == 204 ||
	    res.status == 304) {
		res.has_length = 1;
	} else if (f.has_te) {
		res.chunked = f.chunked;
	} else if (f.has_length) {
		res.has_length = 1;
		res.content_length = f.length;
	}
	if (!res.has_length && !res.chunked)
		res.keep_alive = 0;
	*ret = res;
	*ret_used = used;
	return PARSE_OK;
}

/*
 * parse_header - the value of the first field named name (compared
 * case-insensitively) among h[0..n), or NULL.
 */
const struct span *
parse_header(const struct header *h, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (span_is(h[i].name, name))
			return &h[i].value;
	return NULL;
}

/*
 * parse_has_token - 1 if the comma-separated list (RFC 9110 section 5.6.1:
 * OWS around elements, empty elements allowed) holds token, compared
 * case-insensitively; else 0.
 */
int
parse_has_token(struct span list, const char *token)
{
	struct span	 elem;

	if (list.p == NULL)
		return 0;
	while (list_next(&list, &elem))
		if (elem.len > 0 && span_is(elem, token))
			return 1;
	return 0;
}

/* chunked_init - prepare *c for the first byte of a chunked body. */
void
chunked_init(struct chunked *c)
{
	memset(c, 0, sizeof(*c));
	c->state = CH_SIZE;
}

/*
 * Counts one more octet of the current size or trailer line against
 * CHUNKED_MAX_LINE (and trailers against CHUNKED_MAX_TRAILER).  Returns 0,
 * or -1 when over.
 */
static int
chunked_count(struct chunked *c, int trailer)
{
	if (++c->line > CHUNKED_MAX_LINE)
		return -1;
	/* remaining is free once the last chunk is read. */
	if (trailer && ++c->remaining > CHUNKED_MAX_TRAILER)
		return -1;
	return 0;
}

/*
 * chunked_decode - decode the next piece buf[0..len) of a chunked body.
 *
 * The chunk data found in this piece is moved to buf[0..*ret_data) (in
 * place, so buf is modified); extensions and trailer fields are skipped.
 * *ret_used is the number of input octets consumed: len, unless the body
 * ended inside this piece, when what follows is the next request.
 * Returns PARSE_AGAIN with both counts set, PARSE_OK with both set when
 * the last chunk and the trailer section are complete, or 400 for a
 * malformed or oversized size, extension or trailer line, or a chunk not
 * followed by CR LF (then the outputs are not written).  The caller
 * enforces the body size limit from the data counts.
 */
int
chunked_decode(struct chunked *c, char *buf, size_t len, size_t *ret_used,
    size_t *ret_data)
{
	size_t		 i = 0, out = 0, n;
	unsigned char	 ch;
	int		 d;

	while (i < len && c->state != CH_DONE && c->state != CH_ERROR) {
		if (c->state == CH_DATA) {
			n = len - i;
			if (n > c->remaining)
				n = (size_t)c->remaining;
			memmove(buf + out, buf + i, n);
			out += n;
			i += n;
			if ((c->remaining -= n) == 0)
				c->state = CH_DATA_CR;
			continue;
		}
		ch = (unsigned char)buf[i++];
		switch (c->state) {
		case CH_SIZE:
			if ((d = util_hex(ch)) >= 0) {
				if (++c->digits > CHUNKED_MAX_DIGITS ||
				    chunked_count(c, 0) == -1)
					goto bad;
				c->remaining = c->remaining << 4 | (unsigned)d;
				break;
			}
			if (c->digits == 0)
				goto bad;
			/* FALLTHROUGH */
		case CH_SIZE_WS:
			/* BWS before an extension (RFC 9112 section 7.1.1). */
			if (ch == '\r')
				c->state = CH_SIZE_LF;
			else if (chunked_count(c, 0) == -1)
				goto bad;
			else if (ch == ' ' || ch == '\t')
				c->state = CH_SIZE_WS;
			else if (ch == ';')
				c->state = CH_EXT;
			else
				goto bad;
			break;
		case CH_EXT:
			if (ch == '\r')
				c->state = CH_SIZE_LF;
			else if (chunked_count(c, 0) == -1 ||
			    !is_field_char(ch))
				goto bad;
			break;
		case CH_SIZE_LF:
			if (ch != '\n')
				goto bad;
			c->line = 0;
			c->digits = 0;
			c->state = c->remaining > 0 ? CH_DATA : CH_TRAILER;
			break;
		case CH_DATA_CR:
			if (ch != '\r')
				goto bad;
			c->state = CH_DATA_LF;
			break;
		case CH_DATA_LF:
			if (ch != '\n')
				goto bad;
			c->state = CH_SIZE;
			break;
		case CH_TRAILER:
			if (ch == '\r') {
				c->state = CH_END_LF;
				break;
			}
			/* A trailer field cannot be folded either. */
			if (ch == ' ' || ch == '\t')
				goto bad;
			c->state = CH_FIELD;
			/* FALLTHROUGH */
		case CH_FIELD:
			if (ch == '\r')
				c->state = CH_FIELD_LF;
			else if (chunked_count(c, 1) == -1 ||
			    !is_field_char(ch))
				goto bad;
			break;
		case CH_FIELD_LF:
			if (ch != '\n')
				goto bad;
			c->line = 0;
			c->state = CH_TRAILER;
			break;
		case CH_END_LF:
			if (ch != '\n')
				goto bad;
			c->state = CH_DONE;
			break;
		default:
			goto bad;
		}
	}
	if (c->state == CH_ERROR)
		return 400;
	*ret_used = i;
	*ret_data = out;
	return c->state == CH_DONE ? PARSE_OK : PARSE_AGAIN;
bad:
	c->state = CH_ERROR;
	return 400;
}

/*
 * Bounded decimal for ranges: digits only, saturating at UINT64_MAX, so a
 * 20-digit position is simply past any file.  Returns the digits read.
 */
static size_t
range_number(const char *p, size_t n, uint64_t *ret)
{
	uint64_t	 v = 0;
	size_t		 i;
	unsigned	 d;

	for (i = 0; i < n && is_digit((unsigned char)p[i]); i++) {
		d = (unsigned)(p[i] - '0');
		v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
	}
	*ret = v;
	return i;
}

/*
 * range_parse - interpret a Range value (RFC 9110 section 14.1.2) for a
 * file of size octets.  Returns PARSE_OK with the inclusive, clamped range
 * in *ret_first and *ret_last; RANGE_UNSATISFIABLE (416) when it starts at
 * or past the end, is an empty suffix, or the file is empty; RANGE_NONE
 * when the header is to be ignored: another unit, bad syntax, first > last,
 * or several ranges (answered with the whole file).
 */
int
range_parse(struct span value, uint64_t size, uint64_t *ret_first,
    uint64_t *ret_last)
{
	struct span	 unit, spec;
	const char	*eq;
	uint64_t	 first, last = 0, suffix;
	size_t		 n, i;
	int		 has_last = 0;

	if (value.p == NULL)
		return RANGE_NONE;
	value = span_trim(value);
	if ((eq = memchr(value.p, '=', value.len)) == NULL)
		return RANGE_NONE;
	unit.p = value.p;
	unit.len = (size_t)(eq - value.p);
	/* Range units are case-insensitive (RFC 9110 section 14.1). */
	if (!span_is(unit, "bytes"))
		return RANGE_NONE;
	/* OWS around the range, as around any list element. */
	spec.p = eq + 1;
	spec.len = value.len - unit.len - 1;
	spec = span_trim(spec);
	if (memchr(spec.p, ',', spec.len) != NULL || spec.len == 0)
		return RANGE_NONE;

	if (spec.p[0] == '-') {
		/* suffix-range: the last suffix octets */
		n = range_number(spec.p + 1, spec.len - 1, &suffix);
		if (n == 0 || n != spec.len - 1)
			return RANGE_NONE;
		if (suffix == 0 || size == 0)
			return RANGE_UNSATISFIABLE;
		*ret_first = suffix >= size ? 0 : size - suffix;
		*ret_last = size - 1;
		return PARSE_OK;
	}
	n = range_number(spec.p, spec.len, &first);
	if (n == 0 || n == spec.len || spec.p[n] != '-')
		return RANGE_NONE;
	i = n + 1;
	if (i < spec.len) {
		n = range_number(spec.p + i, spec.len - i, &last);
		if (n != spec.len - i)
			return RANGE_NONE;
		has_last = 1;
		if (first > last)
			return RANGE_NONE;
	}
	if (first >= size)
		return RANGE_UNSATISFIABLE;
	*ret_first = first;
	*ret_last = !has_last || last >= size ? size - 1 : last;
	return PARSE_OK;
}

/*
 * Reads one entity-tag at *s (RFC 9110 section 8.8.3): sets *weak and *tag
 * (the opaque-tag, quotes included) and advances *s past it.  Returns 0, or
 * -1 when malformed.
 */
static int
etag_next(struct span *s, int *weak, struct span *tag)
{
	size_t	 i = 0;

	*weak = 0;
	if (s->len >= 2 && s->p[0] == 'W' && s->p[1] == '/') {
		*weak = 1;
		i = 2;
	}
	if (i >= s->len || s->p[i] != '"')
		return -1;
	tag->p = s->p + i;
	for (i++; i < s->len && s->p[i] != '"'; i++) {
		unsigned char c = (unsigned char)s->p[i];

		/* etagc = %x21 / %x23-7E / obs-text */
		if (c < 0x21 || c == 0x7f)
			return -1;
	}
	if (i == s->len)
		return -1;
	i++;
	tag->len = (size_t)(s->p + i - tag->p);
	s->p += i;
	s->len -= i;
	return 0;
}

/*
 * etag_match - does the If-Match / If-None-Match value list match our
 * entity-tag etag (quoted, normally strong)?  "*" matches anything.  weak
 * selects the weak comparison (W/ ignored on both sides, for
 * If-None-Match); otherwise the strong one, where no weak tag matches (for
 * If-Match).  Malformed elements never match.  Returns 1 or 0.
 */
int
etag_match(struct span list, struct span etag, int weak)
{
	struct span	 own, tag;
	int		 own_weak = 0, tag_weak;

	if (list.p == NULL || etag.p == NULL)
		return 0;
	list = span_trim(list);
	if (list.len == 1 && list.p[0] == '*')
		return 1;
	own = etag;
	if (etag_next(&own, &own_weak, &tag) == -1 || own.len != 0)
		return 0;
	own = tag;
	if (own_weak && !weak)
		return 0;

	while (list.len > 0) {
		if (list.p[0] == ',' || list.p[0] == ' ' || list.p[0] == '\t') {
			list.p++;
			list.len--;
			continue;
		}
		if (etag_next(&list, &tag_weak, &tag) == -1) {
			/* Skip the malformed element up to the next comma. */
			while (list.len > 0 && list.p[0] != ',') {
				list.p++;
				list.len--;
			}
			continue;
		}
		/* A tag glued to what follows is malformed too. */
		if (list.len > 0 && list.p[0] != ',' && list.p[0] != ' ' &&
		    list.p[0] != '\t') {
			while (list.len > 0 && list.p[0] != ',') {
				list.p++;
				list.len--;
			}
			continue;
		}
		if (tag_weak && !weak)
			continue;
		if (tag.len == own.len && memcmp(tag.p, own.p, tag.len) == 0)
			return 1;
	}
	return 0;
}
