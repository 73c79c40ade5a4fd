/*
 * test_chunked.c - unit tests of the incremental chunked-body decoder.
 *
 * Each vector is decoded whole, split in two at every position, and byte
 * by byte; every piece sits in a heap buffer of exactly its length, the
 * way the decoder rewrites it in place, so over-reads and over-writes show
 * under ASan or valgrind.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "unit.h"

#define OUT_MAX	(64 * 1024)

struct vector {
	const char	*in;
	size_t		 len;
	int		 want;
	const char	*data;	/* the decoded body, for PARSE_OK */
	size_t		 dlen;
	size_t		 used;	/* octets of the body; 0 = len */
};

#define V(s, want, data)	\
	{ (s), sizeof(s) - 1, (want), (data), sizeof(data) - 1, 0 }
#define VU(s, want, data, body)	{ (s), sizeof(s) - 1, (want), (data), \
	sizeof(data) - 1, sizeof(body) - 1 }

struct result {
	int	 rc;
	size_t	 used;		/* octets consumed in all */
	size_t	 ndata;
	char	 data[OUT_MAX];
};

/*
 * Feeds in[0..len) cut at cuts[0..ncuts) (ascending), the way a caller
 * does: stops at the first result other than PARSE_AGAIN.  Returns the
 * number of broken expectations about each call's counts.
 */
static int
decode(const char *in, size_t len, const size_t *cuts, size_t ncuts,
    struct result *r)
{
	struct chunked	 c;
	size_t		 k, from = 0, to, used, ndata;
	char		*buf;
	int		 bad = 0;

	chunked_init(&c);
	r->rc = PARSE_AGAIN;
	r->used = 0;
	r->ndata = 0;
	for (k = 0; k <= ncuts && r->rc == PARSE_AGAIN; k++) {
		to = k < ncuts ? cuts[k] : len;
		if ((buf = malloc(to - from ? to - from : 1)) == NULL)
			abort();
		memcpy(buf, in + from, to - from);
		used = ndata = SIZE_MAX;
		r->rc = chunked_decode(&c, buf, to - from, &used, &ndata);
		if (r->rc == PARSE_AGAIN || r->rc == PARSE_OK) {
			if (used > to - from || ndata > used ||
			    r->ndata + ndata > OUT_MAX) {
				free(buf);
				return bad + 1;
			}
			if (r->rc == PARSE_AGAIN && used != to - from)
				bad++;
			memcpy(r->data + r->ndata, buf, ndata);
			r->ndata += ndata;
			r->used = from + used;
		} else
			r->used = to;
		free(buf);
		from = to;
	}
	return bad;
}

/* Compares a decoding with the vector; prints and counts mismatches. */
static int
judge(const struct vector *v, const struct result *r, const char *how,
    size_t at)
{
	size_t	 want_used = v->used ? v->used : v->len;

	if (r->rc != v->want) {
		printf("#   \"%.*s\" %s %zu: got %d, want %d\n",
		    (int)(v->len > 40 ? 40 : v->len), v->in, how, at, r->rc,
		    v->want);
		return 1;
	}
	if (v->want == PARSE_OK && (r->used != want_used ||
	    r->ndata != v->dlen ||
	    memcmp(r->data, v->data, r->ndata) != 0)) {
		printf("#   \"%.*s\" %s %zu: used %zu, data \"%.*s\"\n",
		    (int)(v->len > 40 ? 40 : v->len), v->in, how, at, r->used,
		    (int)r->ndata, r->data);
		return 1;
	}
	/* An error vector ends at the byte that makes it wrong. */
	if (v->want == 400 && r->used != v->len) {
		printf("#   \"%.*s\" %s %zu: refused at %zu, want %zu\n",
		    (int)(v->len > 40 ? 40 : v->len), v->in, how, at, r->used,
		    v->len);
		return 1;
	}
	return 0;
}

static void
feed_table(const struct vector *v, size_t n)
{
	static struct result	 r;
	size_t			*cuts, i, k;

	for (i = 0; i < n; i++) {
		/* whole */
		unit_failed += decode(v[i].in, v[i].len, NULL, 0, &r);
		unit_failed += judge(&v[i], &r, "whole", 0);
		/* in two at every position */
		for (k = 0; k <= v[i].len; k++) {
			unit_failed += decode(v[i].in, v[i].len, &k, 1, &r);
			unit_failed += judge(&v[i], &r, "cut at", k);
		}
		/* byte by byte, an empty piece first */
		if ((cuts = malloc((v[i].len + 1) * sizeof(*cuts))) == NULL)
			abort();
		for (k = 0; k <= v[i].len; k++)
			cuts[k] = k;
		unit_failed += decode(v[i].in, v[i].len, cuts, v[i].len + 1,
		    &r);
		unit_failed += judge(&v[i], &r, "byte by byte", 0);
		free(cuts);
	}
}

#define TABLE(v)	feed_table((v), sizeof(v) / sizeof((v)[0]))

static void
valid_bodies_decode_whole_split_and_byte_by_byte(void)
{
	static const struct vector v[] = {
		V("0\r\n\r\n", PARSE_OK, ""),
		V("5\r\nhello\r\n0\r\n\r\n", PARSE_OK, "hello"),
		V("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", PARSE_OK,
		    "hello world"),
		V("a\r\n0123456789\r\nA\r\nabcdefghij\r\n0\r\n\r\n", PARSE_OK,
		    "0123456789abcdefghij"),
		V("1\r\n\0\r\n1\r\n\r\r\n1\r\n\n\r\n0\r\n\r\n", PARSE_OK,
		    "\0\r\n"),
		V("0005\r\nhello\r\n000\r\n\r\n", PARSE_OK, "hello"),
		V("0000000000000003\r\nabc\r\n0\r\n\r\n", PARSE_OK, "abc"),
		/* Leading zeros do not count against the 64 bits. */
		V("000000000000000000003\r\nabc\r\n00000000000000000\r\n\r\n",
		    PARSE_OK, "abc"),
		V("5;name=value\r\nhello\r\n0;last\r\n\r\n", PARSE_OK, "hello"),
		V("5 ;a=\"q;\\\" \"\r\nhello\r\n0\t; x\r\n\r\n", PARSE_OK,
		    "hello"),
		V("3\r\nabc\r\n0\r\nX-Sum: 1\r\nY:\t2\r\n\r\n", PARSE_OK,
		    "abc"),
		/* What follows the body is the next request's. */
		VU("3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n", PARSE_OK, "abc",
		    "3\r\nabc\r\n0\r\n\r\n"),
		VU("0\r\nT: 1\r\n\r\n0\r\n\r\n", PARSE_OK, "",
		    "0\r\nT: 1\r\n\r\n"),
		/* Incomplete bodies wait. */
		V("", PARSE_AGAIN, ""),
		V("5\r\nhel", PARSE_AGAIN, ""),
		V("5\r\nhello\r\n0\r\n", PARSE_AGAIN, ""),
		V("FFFFFFFFFFFFFFFF\r\nabc", PARSE_AGAIN, ""),
	};

	TABLE(v);
}

static void
malformed_bodies_are_400_at_the_first_bad_byte(void)
{
	static const struct vector v[] = {
		V("\r", 400, ""),
		V(";", 400, ""),
		V(" ", 400, ""),
		V("x", 400, ""),
		V("-", 400, ""),
		V("+", 400, ""),
		V("5x", 400, ""),
		V("5 x", 400, ""),
		V("5 5", 400, ""),
		V("0x", 400, ""),
		V("5\n", 400, ""),
		V("5\r\r", 400, ""),
		V("5;\x01", 400, ""),
		V("5;a\n", 400, ""),
		/* 17 significant hex digits: more than a uint64_t holds. */
		V("10000000000000000", 400, ""),
		/* Chunk data not followed by CR LF. */
		V("5\r\nhelloX", 400, ""),
		V("5\r\nhello\n", 400, ""),
		V("5\r\nhello\r\r", 400, ""),
		V("3\r\nabc\r\n0\r\r", 400, ""),
		/* Trailers: no folding, no bare LF or CR, no CTLs. */
		V("0\r\n ", 400, ""),
		V("0\r\n\t", 400, ""),
		V("0\r\n\n", 400, ""),
		V("0\r\nX: 1\n", 400, ""),
		V("0\r\nX: 1\r\r", 400, ""),
		V("0\r\nX: \x7f", 400, ""),
		V("0\r\n\rX", 400, ""),
	};

	TABLE(v);
}

/* A size line of n octets ("1;xxx...") and its data, as a heap string. */
static char *
long_ext(size_t n, size_t *ret_len)
{
	static const char	 rest[] = "\r\na\r\n0\r\n\r\n";
	char			*s;

	if ((s = malloc(n + sizeof(rest))) == NULL)
		abort();
	memcpy(s, "1;", 2);
	memset(s + 2, 'x', n - 2);
	memcpy(s + n, rest, sizeof(rest));
	*ret_len = n + sizeof(rest) - 1;
	return s;
}

static void
size_lines_of_the_limit_decode_and_one_more_is_400(void)
{
	struct vector	 v;
	char		*s;

	s = long_ext(4096, &v.len);
	v.in = s;
	v.want = PARSE_OK;
	v.data = "a";
	v.dlen = 1;
	v.used = 0;
	feed_table(&v, 1);
	free(s);

	/* Refused at the octet past the limit. */
	s = long_ext(4097, &v.len);
	v.in = s;
	v.len = 4097;
	v.want = 400;
	feed_table(&v, 1);
	free(s);
}

static void
trailers_are_bounded_per_line_and_in_all(void)
{
	static struct result	 r;
	size_t			 len, i;
	char			*s;

	/* One trailer line of 4096 octets is fine, 4097 is not. */
	if ((s = malloc(3 + 4097 + 4)) == NULL)
		abort();
	memcpy(s, "0\r\n", 3);
	memset(s + 3, 'x', 4097);
	memcpy(s + 3 + 4096, "\r\n\r\n", 4);
	unit_failed += decode(s, 3 + 4096 + 4, NULL, 0, &r);
	CHECK_INT(r.rc, PARSE_OK);
	memset(s + 3, 'x', 4097);
	memcpy(s + 3 + 4097, "\r\n\r\n", 4);
	unit_failed += decode(s, 3 + 4097 + 4, NULL, 0, &r);
	CHECK_INT(r.rc, 400);
	free(s);

	/* Many short lines: the whole trailer section is bounded too. */
	len = 3 + 6 * 5000 + 2;
	if ((s = malloc(len)) == NULL)
		abort();
	memcpy(s, "0\r\n", 3);
	for (i = 0; i < 5000; i++)
		memcpy(s + 3 + 6 * i, "X: 1\r\n", 6);
	memcpy(s + len - 2, "\r\n", 2);
	unit_failed += decode(s, len, NULL, 0, &r);
	CHECK_INT(r.rc, 400);
	free(s);
}

static void
a_chunk_of_2_to_the_64_is_400_not_a_wrapped_size(void)
{
	static struct result	 r;
	static const char	 max[] = "FFFFFFFFFFFFFFFF\r\nab";
	static const char	 over[] = "FFFFFFFFFFFFFFFF0\r\n";
	static const char	 zero[] = "10000000000000000\r\nab\r\n";

	unit_failed += decode(max, sizeof(max) - 1, NULL, 0, &r);
	CHECK_INT(r.rc, PARSE_AGAIN);
	CHECK_INT(r.ndata, 2);
	unit_failed += decode(over, sizeof(over) - 1, NULL, 0, &r);
	CHECK_INT(r.rc, 400);
	/* Shifted left 64 bits it would be 0: the last chunk, and "ab"
	 * would pass for the next request. */
	unit_failed += decode(zero, sizeof(zero) - 1, NULL, 0, &r);
	CHECK_INT(r.rc, 400);
}

static void
decoding_is_in_place_and_reports_what_it_used(void)
{
	char		 buf[] = "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\nNEXT";
	struct chunked	 c;
	size_t		 used = 0, ndata = 0;

	chunked_init(&c);
	CHECK_INT(chunked_decode(&c, buf, sizeof(buf) - 1, &used, &ndata),
	    PARSE_OK);
	CHECK_INT(used, sizeof(buf) - 1 - 4);
	CHECK_INT(ndata, 5);
	CHECK(memcmp(buf, "abcde", 5) == 0);
	CHECK(memcmp(buf + used, "NEXT", 4) == 0);

	/* Done is done: nothing more is consumed. */
	CHECK_INT(chunked_decode(&c, buf + used, 4, &used, &ndata), PARSE_OK);
	CHECK_INT(used, 0);
	CHECK_INT(ndata, 0);
}

static void
an_error_sticks_and_leaves_the_counts_alone(void)
{
	char		 bad[] = "zz";
	char		 good[] = "0\r\n\r\n";
	struct chunked	 c;
	size_t		 used = 7, ndata = 7;

	chunked_init(&c);
	CHECK_INT(chunked_decode(&c, bad, 2, &used, &ndata), 400);
	CHECK_INT(used, 7);
	CHECK_INT(ndata, 7);
	CHECK_INT(chunked_decode(&c, good, 5, &used, &ndata), 400);
	CHECK_INT(used, 7);
}

int
main(void)
{
	RUN(valid_bodies_decode_whole_split_and_byte_by_byte);
	RUN(malformed_bodies_are_400_at_the_first_bad_byte);
	RUN(size_lines_of_the_limit_decode_and_one_more_is_400);
	RUN(trailers_are_bounded_per_line_and_in_all);
	RUN(a_chunk_of_2_to_the_64_is_400_not_a_wrapped_size);
	RUN(decoding_is_in_place_and_reports_what_it_used);
	RUN(an_error_sticks_and_leaves_the_counts_alone);
	return unit_done();
}
