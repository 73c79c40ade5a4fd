/*
 * parse.c - the HTTP/1.x parsers: request and response heads and header
 * lists, with the body framing a head declares.
 *
 * Everything here is pure: no I/O, no allocation, no logging, no global
 * state, so the same code serves the handler, webclient, the unit tests and
 * the fuzzers.  Parsers return PARSE_OK, PARSE_AGAIN when more bytes are
 * needed, or the HTTP status to answer with (RFC 9110, RFC 9112).  Chunked
 * bodies are decoded in chunked.c, Range and entity-tag values in
 * conditional.c.
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
		if (!util_isdigit((unsigned char)s.p[i]))
			return -1;
		if (v > (UINT64_MAX - (unsigned)(s.p[i] - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(s.p[i] - '0');
	}
	*ret = v;
	return 0;
}

/*
 * The minor version to process an HTTP/1.x message as: a higher minor
 * version than 1 is handled as 1.1, the highest stdhttpd conforms to (RFC
 * 9110 section 2.5).
 */
static int
minor_version(char digit)
{
	return digit > '1' ? 1 : digit - '0';
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
	/* No request-target form has a fragment (section 3.2): a '#' is
	 * refused, not cut off (section 3). */
	target = ++i;
	for (; i < n && p[i] != ' '; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f || p[i] == '#')
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
		if (proto[k] == 'D' ? !util_isdigit((unsigned char)p[i]) :
		    p[i] != proto[k])
			return 400;
	}
	if (!complete)
		return PARSE_AGAIN;
	if (n - version != PARSE_VERSION_LEN)
		return 400;
	/* Well-formed but not ours: 505 (RFC 9110 section 15.6.6). */
	if (p[version + 5] != '1')
		return 505;

	req->method_token.p = p;
	req->method_token.len = target - 1;
	req->target.p = p + target;
	req->target.len = version - 1 - target;
	req->minor = minor_version(p[version + 7]);
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
		if (!util_is_field_char((unsigned char)p[i]))
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

/* Whether c may appear in a reg-name (RFC 3986 section 3.2.2). */
static int
is_reg_name_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') ||
	    (c != '\0' && strchr("-._~!$&'()*+,;=%", c) != NULL);
}

/* Whether s.p[i] is a '%' without two hex digits behind it (RFC 3986
 * section 2.1). */
static int
bad_escape(struct span s, size_t i)
{
	return s.p[i] == '%' && (i + 2 >= s.len ||
	    util_hex((unsigned char)s.p[i + 1]) < 0 ||
	    util_hex((unsigned char)s.p[i + 2]) < 0);
}

/*
 * Is a Host value empty or a uri-host [ ":" port ] (RFC 9112 section 3.2)?
 * The host is a name or an IPv4 address, or an IP literal in brackets (RFC
 * 3986 section 3.2.2); the port is digits.  A port needs a host: an "http"
 * URI with an empty host is invalid (RFC 9110 section 4.2.1).
 */
static int
host_valid(struct span s)
{
	size_t	i = 0;

	if (s.len > 0 && s.p[0] == '[') {
		for (i = 1; i < s.len && s.p[i] != ']'; i++)
			if ((!is_reg_name_char((unsigned char)s.p[i]) &&
			    s.p[i] != ':') || bad_escape(s, i))
				return 0;
		if (i++ == s.len)
			return 0;	/* no ']' */
	} else
		for (; i < s.len && s.p[i] != ':'; i++)
			if (!is_reg_name_char((unsigned char)s.p[i]) ||
			    bad_escape(s, i))
				return 0;
	if (i == s.len)
		return 1;
	if (s.p[i] != ':' || i == 0)
		return 0;
	for (i++; i < s.len; i++)
		if (!util_isdigit((unsigned char)s.p[i]))
			return 0;
	return 1;
}

/*
 * Reads an absolute-form target's path, "http://authority/p" (RFC 9112
 * section 3.2.2): the authority becomes the request's host and "/p" (or
 * "/") its path, as if the target had been in origin form.  Returns
 * PARSE_OK, also for an origin-form path, or 400 for an authority without
 * a host (RFC 9110 section 4.2.1) or with userinfo or other bytes that a
 * host cannot have (section 4.2.4).
 */
static int
absolute_form(struct request *req)
{
	struct span	 authority;
	size_t		 skip, i;

	if (span_is_prefix(req->path, "http://"))
		skip = 7;
	else if (span_is_prefix(req->path, "https://"))
		skip = 8;
	else
		return PARSE_OK;
	for (i = skip; i < req->path.len && req->path.p[i] != '/'; i++)
		;
	authority = (struct span){ req->path.p + skip, i - skip };
	if (authority.len == 0 || !host_valid(authority))
		return 400;
	req->host = authority;
	/* An empty path means "/" (RFC 9110 section 4.2.3): the last '/' of
	 * "://" stands for it, so the span stays inside the buffer. */
	if (i == req->path.len)
		req->path = (struct span){ req->path.p + skip - 1, 1 };
	else
		req->path = (struct span){ req->path.p + i, req->path.len - i };
	return PARSE_OK;
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
	/* The target's host, when it names one, wins over Host (3.2.2). */
	if ((rc = absolute_form(req)) != PARSE_OK)
		return rc;
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
		if (proto[i] == 'D' ? !util_isdigit((unsigned char)p[i]) :
		    p[i] != proto[i])
			return 400;
	/* An empty reason may come without its SP (RFC 9112 section 4). */
	if (n > PARSE_STATUS_LEN && p[PARSE_STATUS_LEN] != ' ')
		return 400;
	for (i = PARSE_STATUS_LEN + 1; i < n; i++)
		if (!util_is_field_char((unsigned char)p[i]))
			return 400;
	if (!complete)
		return PARSE_AGAIN;
	if (n < PARSE_STATUS_LEN || p[9] == '0')
		return 400;
	res->minor = minor_version(p[7]);
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
 * Replaces each obs-fold in the field lines from buf[pos..) with spaces, as
 * a user agent must before it reads the values (RFC 9112 section 5.2): a
 * line end followed by SP or HTAB continues the line before it, and the
 * line end and that whitespace become SP.  Stops at the empty line that
 * ends the head, and at a line end whose next byte has not arrived.  A
 * fold before the first field is left for fields_parse() to refuse
 * (section 2.2).  Running it again changes nothing.
 */
static void
unfold(char *buf, size_t len, size_t pos)
{
	size_t	 lim, i;
	char	*lf;
	int	 line_start = 1;	/* pos begins a line, not a fold */

	lim = len < HTTP_MAX_HEADER_BLOCK ? len : HTTP_MAX_HEADER_BLOCK;
	while (pos < lim &&
	    (lf = memchr(buf + pos, '\n', lim - pos)) != NULL) {
		i = (size_t)(lf - buf);
		if (line_start &&
		    (i == pos || (i == pos + 1 && buf[pos] == '\r')))
			return;		/* the empty line */
		if (i + 1 == lim)
			return;
		pos = i + 1;
		line_start = buf[pos] != ' ' && buf[pos] != '\t';
		if (line_start)
			continue;
		if (buf[i - 1] == '\r')
			buf[i - 1] = ' ';
		buf[i] = ' ';
		while (pos < lim && (buf[pos] == ' ' || buf[pos] == '\t'))
			buf[pos++] = ' ';
	}
}

/*
 * parse_response - parse the response head at buf[0..len), for webclient.
 *
 * head is non-zero when the request was HEAD.  Returns PARSE_OK with *ret
 * filled (spans into buf) and *ret_used the head's length; PARSE_AGAIN;
 * 400 when malformed; 431 when the head is too large or has too many
 * fields.  The body's framing follows RFC 9112 section 6.3: no body after
 * HEAD, 1xx, 204 and 304; then chunked; then Content-Length; else it lasts
 * until the close (has_length and chunked both 0, keep_alive 0).  Transfer
 * codings other than chunked are the caller's to undo (coded is 1).
 * Folded field lines are joined in buf itself (unfold()).
 */
int
parse_response(char *buf, size_t len, int head, struct response *ret,
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
	unfold(buf, len, next);
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
	/* Faulty framing from an HTTP/1.0 server (RFC 9112 section 6.1). */
	if (f.has_te && res.minor == 0)
		return 400;
	res.chunked = 0;
	res.coded = 0;
	res.has_length = 0;
	res.content_length = 0;
	if (head || res.status < 200 || res.status == 204 ||
	    res.status == 304) {
		res.has_length = 1;
	} else if (f.has_te) {
		res.chunked = f.chunked;
		res.coded = f.ncodings > 1 || !f.chunked;
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
