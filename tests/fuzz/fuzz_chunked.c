/*
 * fuzz_chunked.c - libFuzzer target for chunked_decode().
 *
 * The first octet picks the size of the pieces the body arrives in; the
 * rest is the body.  Decoding it whole and in pieces must give the same
 * result, the same data and the same count of octets used, whatever the
 * input.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct result {
	int	 rc;
	size_t	 used;
	size_t	 ndata;
	char	*data;
};

/*
 * Decodes in[0..len) in pieces of step octets (each in its own buffer of
 * exactly that size), stopping at the first answer other than PARSE_AGAIN.
 */
static void
decode(const uint8_t *in, size_t len, size_t step, struct result *r)
{
	struct chunked	 c;
	size_t		 from = 0, n, used, ndata;
	char		*buf;

	chunked_init(&c);
	r->rc = PARSE_AGAIN;
	r->used = r->ndata = 0;
	if ((r->data = malloc(len ? len : 1)) == NULL)
		abort();
	while (r->rc == PARSE_AGAIN && from < len) {
		n = len - from < step ? len - from : step;
		if ((buf = malloc(n)) == NULL)
			abort();
		memcpy(buf, in + from, n);
		r->rc = chunked_decode(&c, buf, n, &used, &ndata);
		if (r->rc == PARSE_OK || r->rc == PARSE_AGAIN) {
			if (used > n || ndata > used ||
			    (r->rc == PARSE_AGAIN && used != n))
				abort();
			memcpy(r->data + r->ndata, buf, ndata);
			r->ndata += ndata;
			r->used = from + used;
		} else if (r->rc != 400)
			abort();
		free(buf);
		from += n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result	 whole, pieces;
	size_t		 step;

	if (size == 0)
		return 0;
	step = data[0] % 16 + 1;
	data++;
	size--;

	decode(data, size, size ? size : 1, &whole);
	decode(data, size, step, &pieces);
	if (whole.rc != pieces.rc)
		abort();
	if (whole.rc != 400 && (whole.used != pieces.used ||
	    whole.ndata != pieces.ndata ||
	    memcmp(whole.data, pieces.data, whole.ndata) != 0))
		abort();
	free(whole.data);
	free(pieces.data);
	return 0;
}
