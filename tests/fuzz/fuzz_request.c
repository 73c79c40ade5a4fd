/*
 * fuzz_request.c - libFuzzer target for parse_request().
 *
 * Besides not crashing, the parser must keep its promises on any input:
 * spans inside the buffer, a head no longer than the input, and a result
 * that depends only on the bytes, so one octet less gives PARSE_AGAIN or
 * the same answer.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Aborts unless s lies within buf[0..len). */
static void
span_within(struct span s, const char *buf, size_t len)
{
	if (s.len > 0 && (s.p < buf || s.p + s.len > buf + len))
		abort();
}

static int
status_known(int rc)
{
	return rc == PARSE_AGAIN || rc == 400 || rc == 414 || rc == 417 ||
	    rc == 431 || rc == 501 || rc == 505;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct request	 req, again;
	const char		*buf = (const char *)data;
	size_t			 used, used2, i;
	int			 rc, rc2;

	rc = parse_request(buf, size, &req, &used);
	if (rc != PARSE_OK) {
		if (!status_known(rc))
			abort();
		/* An answer, once given, does not change with more bytes. */
		if (size > 0) {
			rc2 = parse_request(buf, size - 1, &again, &used2);
			if (rc2 != PARSE_AGAIN && rc2 != rc)
				abort();
		}
		return 0;
	}
	if (used == 0 || used > size || used > HTTP_MAX_HEADER_BLOCK ||
	    req.nheaders > HTTP_MAX_HEADERS)
		abort();
	span_within(req.method_token, buf, used);
	span_within(req.target, buf, used);
	span_within(req.path, buf, used);
	span_within(req.query, buf, used);
	span_within(req.host, buf, used);
	for (i = 0; i < req.nheaders; i++) {
		span_within(req.headers[i].name, buf, used);
		span_within(req.headers[i].value, buf, used);
	}
	if (req.target.len == 0 || req.minor < 0 || req.minor > 1 ||
	    (req.chunked && req.has_length) ||
	    (req.minor == 1 && req.host.p == NULL))
		abort();
	/* The head alone parses the same; one octet less is not enough. */
	if (parse_request(buf, used, &again, &used2) != PARSE_OK ||
	    used2 != used)
		abort();
	if (parse_request(buf, used - 1, &again, &used2) != PARSE_AGAIN)
		abort();
	return 0;
}
