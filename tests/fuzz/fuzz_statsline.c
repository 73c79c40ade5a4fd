/*
 * fuzz_statsline.c - libFuzzer target for the stats record scanner.
 *
 * The first octet picks the size of the pieces the rest arrives in, as reads
 * of a growing stats file would deliver it.  Fed whole or in pieces, the
 * same lines must give the same counts, and no input may crash the scanner
 * or make it count more lines than there are.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "admin.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct agg *
feed(const uint8_t *in, size_t len, size_t step)
{
	struct agg *a;
	size_t n;

	if ((a = agg_new("/nonexistent/stats.jsonl")) == NULL)
		abort();
	for (; len > 0; in += n, len -= n) {
		n = len < step ? len : step;
		(void)agg_feed(a, (const char *)in, n);
	}
	return a;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agg *whole, *parts;
	size_t step, lines = 0, i;

	if (size == 0)
		return 0;
	step = (size_t)data[0] % 64 + 1;
	data++;
	size--;
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	whole = feed(data, size, size ? size : 1);
	parts = feed(data, size, step);
	if (whole->c.records != parts->c.records ||
	    whole->c.bad != parts->c.bad ||
	    whole->c.requests != parts->c.requests ||
	    whole->c.files != parts->c.files ||
	    whole->c.ntypes != parts->c.ntypes ||
	    whole->c.nconns != parts->c.nconns ||
	    memcmp(whole->c.method, parts->c.method,
	    sizeof(whole->c.method)) != 0 ||
	    whole->c.records > lines || whole->c.requests > whole->c.records)
		abort();
	agg_free(whole);
	agg_free(parts);
	return 0;
}
