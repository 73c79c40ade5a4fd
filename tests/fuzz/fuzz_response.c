/*
 * fuzz_response.c - libFuzzer target for parse_response().
 *
 * The first octet says whether the request was HEAD; the rest is the
 * response.  Besides not crashing, the parser must keep spans inside the
 * buffer, frame bodies consistently and give an answer that more bytes do
 * not change.
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

/* Parses buf[0..size), then its prefixes, and aborts on any breach. */
static void
check(char *buf, size_t size, int head)
{
	static struct response	 res, again;
	size_t			 used, used2, i;
	int			 rc, rc2;

	rc = parse_response(buf, size, head, &res, &used);
	if (rc != PARSE_OK) {
		if (rc != PARSE_AGAIN && rc != 400 && rc != 431)
			abort();
		if (size > 0) {
			rc2 = parse_response(buf, size - 1, head, &again,
			    &used2);
			if (rc2 != PARSE_AGAIN && rc2 != rc)
				abort();
		}
		return;
	}
	if (used == 0 || used > size || res.nheaders > HTTP_MAX_HEADERS)
		abort();
	span_within(res.reason, buf, used);
	for (i = 0; i < res.nheaders; i++) {
		span_within(res.headers[i].name, buf, used);
		span_within(res.headers[i].value, buf, used);
	}
	if (res.status < 100 || res.status > 999 ||
	    (res.chunked && res.has_length) ||
	    (head && (!res.has_length || res.content_length != 0)) ||
	    (!res.chunked && !res.has_length && res.keep_alive))
		abort();
	if (parse_response(buf, used, head, &again, &used2) != PARSE_OK ||
	    used2 != used)
		abort();
	if (parse_response(buf, used - 1, head, &again, &used2) !=
	    PARSE_AGAIN)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*buf;

	if (size == 0)
		return 0;
	/* The parser joins folded lines in place: give it a copy. */
	if ((buf = malloc(size - 1 ? size - 1 : 1)) == NULL)
		abort();
	memcpy(buf, data + 1, size - 1);
	check(buf, size - 1, data[0] & 1);
	free(buf);
	return 0;
}
