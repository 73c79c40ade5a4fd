/*
 * fuzz_admincmd.c - libFuzzer target for the admin command protocol.
 *
 * The first octet picks the size of the pieces a client's bytes arrive in.
 * Whole or in pieces, the answers and the decision to close must be the
 * same, and the output must stay within ADMIN_OUT_MAX whatever is sent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "admin.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char records[] =
    "{\"ts\":\"2026-11-21T22:23:02.123456Z\",\"event\":\"open\",\"pid\":1,"
    "\"conn\":\"1-a\",\"client\":\"127.0.0.1\"}\n"
    "{\"ts\":\"2026-11-21T22:23:02.123501Z\",\"event\":\"request\",\"pid\":1,"
    "\"conn\":\"1-a\",\"seq\":1,\"client\":\"127.0.0.1\",\"method\":\"GET\","
    "\"target\":\"/\",\"version\":\"HTTP/1.1\",\"status\":200,\"bytes\":612,"
    "\"bytes_in\":0,\"type\":\"text/html\",\"dur_us\":57}\n";

static int
talk(struct agg *a, const uint8_t *in, size_t len, size_t step,
    struct admincmd *cl)
{
	size_t n;
	int rc = ADMINCMD_MORE;

	admincmd_init(cl, 1000);
	for (; len > 0 && rc == ADMINCMD_MORE; in += n, len -= n) {
		n = len < step ? len : step;
		rc = admincmd_input(cl, a, (const char *)in, n, 2000);
	}
	if (cl->out.len > ADMIN_OUT_MAX)
		abort();
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct agg *a;
	struct admincmd whole, parts;
	size_t step;
	int r1, r2;

	if (a == NULL) {
		if ((a = agg_new("/nonexistent/stats.jsonl")) == NULL)
			abort();
		(void)agg_feed(a, records, sizeof(records) - 1);
	}
	if (size == 0)
		return 0;
	step = (size_t)data[0] % 16 + 1;
	r1 = talk(a, data + 1, size - 1, size, &whole);
	r2 = talk(a, data + 1, size - 1, step, &parts);
	if (r1 != r2 || whole.out.len != parts.out.len ||
	    (whole.out.len > 0 &&
	    memcmp(whole.out.p, parts.out.p, whole.out.len) != 0))
		abort();
	admincmd_free(&whole);
	admincmd_free(&parts);
	return 0;
}
