/*
 * fuzz_range.c - libFuzzer target for range_parse() and etag_match().
 *
 * The first 8 octets are the file size; the rest is a Range value, and
 * also, split at its first LF, an If-Match list and an entity-tag.  A
 * satisfiable range must lie inside the file, whatever the input.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct span	 value, list, etag;
	const char	*lf;
	uint64_t	 fsize = 0, first, last;
	size_t		 i;
	int		 rc, strong, weak;

	if (size < 8)
		return 0;
	for (i = 0; i < 8; i++)
		fsize = fsize << 8 | data[i];
	/* Small files are where clamping goes wrong; favour them. */
	if (data[0] < 0x80)
		fsize &= 0xffff;
	value.p = (const char *)data + 8;
	value.len = size - 8;

	rc = range_parse(value, fsize, &first, &last);
	if (rc == PARSE_OK) {
		if (first > last || last >= fsize)
			abort();
	} else if (rc != RANGE_NONE && rc != RANGE_UNSATISFIABLE)
		abort();

	list = value;
	etag.p = value.p + value.len;
	etag.len = 0;
	if ((lf = memchr(value.p, '\n', value.len)) != NULL) {
		list.len = (size_t)(lf - value.p);
		etag.p = lf + 1;
		etag.len = value.len - list.len - 1;
	}
	strong = etag_match(list, etag, 0);
	weak = etag_match(list, etag, 1);
	/* The strong comparison is the stricter one (RFC 9110 8.8.3.2). */
	if ((strong != 0 && strong != 1) || (weak != 0 && weak != 1) ||
	    (strong && !weak))
		abort();
	return 0;
}
