/*
 * test_range.c - unit tests of the values of conditional and range
 * requests: range_parse() for Range, etag_match() for If-Match and
 * If-None-Match.
 *
 * Each value is copied into a heap buffer of exactly its length, and so
 * is every prefix of it, so that a read past the end shows up under ASan
 * or valgrind.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "unit.h"

struct rvec {
	const char	*value;
	uint64_t	 size;
	int		 want;
	uint64_t	 first, last;
};

/* range_parse() on a heap copy of s[0..len) of exactly that size. */
static int
range_exact(const char *s, size_t len, uint64_t size, uint64_t *first,
    uint64_t *last)
{
	char	*buf;
	int	 rc;

	if ((buf = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(buf, s, len);
	rc = range_parse((struct span){ buf, len }, size, first, last);
	free(buf);
	return rc;
}

static void
range_table(const struct rvec *v, size_t n)
{
	uint64_t	 first, last;
	size_t		 i, k, len;
	int		 rc;

	for (i = 0; i < n; i++) {
		len = strlen(v[i].value);
		first = last = 12345;
		rc = range_exact(v[i].value, len, v[i].size, &first, &last);
		if (rc != v[i].want || (rc == PARSE_OK &&
		    (first != v[i].first || last != v[i].last))) {
			printf("#   \"%s\" of %llu: got %d %llu-%llu, want "
			    "%d %llu-%llu\n", v[i].value,
			    (unsigned long long)v[i].size, rc,
			    (unsigned long long)first,
			    (unsigned long long)last, v[i].want,
			    (unsigned long long)v[i].first,
			    (unsigned long long)v[i].last);
			unit_failed++;
		}
		/* Prefixes: any answer but a range outside the file. */
		for (k = 0; k < len; k++) {
			rc = range_exact(v[i].value, k, v[i].size, &first,
			    &last);
			if (rc == PARSE_OK && (first > last ||
			    last >= v[i].size)) {
				printf("#   prefix %zu of \"%s\": %llu-%llu\n",
				    k, v[i].value, (unsigned long long)first,
				    (unsigned long long)last);
				unit_failed++;
			}
		}
	}
}

#define TABLE(v)	range_table((v), sizeof(v) / sizeof((v)[0]))

static void
single_ranges_are_clamped_to_the_file(void)
{
	static const struct rvec v[] = {
		{ "bytes=0-0", 10, PARSE_OK, 0, 0 },
		{ "bytes=0-9", 10, PARSE_OK, 0, 9 },
		{ "bytes=2-5", 10, PARSE_OK, 2, 5 },
		{ "bytes=5-", 10, PARSE_OK, 5, 9 },
		{ "bytes=9-", 10, PARSE_OK, 9, 9 },
		{ "bytes=3-100", 10, PARSE_OK, 3, 9 },
		{ "bytes=-3", 10, PARSE_OK, 7, 9 },
		{ "bytes=-10", 10, PARSE_OK, 0, 9 },
		{ "bytes=-11", 10, PARSE_OK, 0, 9 },
		{ "Bytes=1-2", 10, PARSE_OK, 1, 2 },
		{ "BYTES=1-2", 10, PARSE_OK, 1, 2 },
		{ "bytes= 1-2 ", 10, PARSE_OK, 1, 2 },
		{ "bytes=\t1-\t", 10, PARSE_OK, 1, 9 },
		{ "  bytes=1-2\t", 10, PARSE_OK, 1, 2 },
		{ "bytes=0001-0002", 10, PARSE_OK, 1, 2 },
		{ "bytes=0-18446744073709551615", 10, PARSE_OK, 0, 9 },
		{ "bytes=0-99999999999999999999999", 10, PARSE_OK, 0, 9 },
		{ "bytes=-99999999999999999999999", 10, PARSE_OK, 0, 9 },
		{ "bytes=18446744073709551614-", UINT64_MAX, PARSE_OK,
		    UINT64_MAX - 1, UINT64_MAX - 1 },
	};

	TABLE(v);
}

static void
ranges_past_the_end_are_416(void)
{
	static const struct rvec v[] = {
		{ "bytes=10-", 10, RANGE_UNSATISFIABLE, 0, 0 },
		{ "bytes=10-20", 10, RANGE_UNSATISFIABLE, 0, 0 },
		{ "bytes=-0", 10, RANGE_UNSATISFIABLE, 0, 0 },
		{ "bytes=0-", 0, RANGE_UNSATISFIABLE, 0, 0 },
		{ "bytes=0-0", 0, RANGE_UNSATISFIABLE, 0, 0 },
		{ "bytes=-5", 0, RANGE_UNSATISFIABLE, 0, 0 },
		{ "bytes=18446744073709551615-", 10, RANGE_UNSATISFIABLE, 0,
		    0 },
		{ "bytes=99999999999999999999-", 10, RANGE_UNSATISFIABLE, 0,
		    0 },
		{ "bytes=18446744073709551616-18446744073709551617", 10,
		    RANGE_UNSATISFIABLE, 0, 0 },
	};

	TABLE(v);
}

static void
other_units_bad_syntax_and_lists_are_ignored(void)
{
	static const struct rvec v[] = {
		{ "", 10, RANGE_NONE, 0, 0 },
		{ "bytes", 10, RANGE_NONE, 0, 0 },
		{ "bytes=", 10, RANGE_NONE, 0, 0 },
		{ "bytes= ", 10, RANGE_NONE, 0, 0 },
		{ "bytes=-", 10, RANGE_NONE, 0, 0 },
		{ "bytes=--1", 10, RANGE_NONE, 0, 0 },
		{ "bytes=1", 10, RANGE_NONE, 0, 0 },
		{ "bytes=a-b", 10, RANGE_NONE, 0, 0 },
		{ "bytes=1-b", 10, RANGE_NONE, 0, 0 },
		{ "bytes=1 -2", 10, RANGE_NONE, 0, 0 },
		{ "bytes=1- 2", 10, RANGE_NONE, 0, 0 },
		{ "bytes=+1-2", 10, RANGE_NONE, 0, 0 },
		{ "bytes=1-2-3", 10, RANGE_NONE, 0, 0 },
		{ "bytes=5-4", 10, RANGE_NONE, 0, 0 },
		{ "bytes=50-40", 10, RANGE_NONE, 0, 0 },
		{ "bytes=0-1,3-4", 10, RANGE_NONE, 0, 0 },
		{ "bytes=0-1, -2", 10, RANGE_NONE, 0, 0 },
		{ "bytes=0-1,", 10, RANGE_NONE, 0, 0 },
		{ "bytes =0-1", 10, RANGE_NONE, 0, 0 },
		{ "byte=0-1", 10, RANGE_NONE, 0, 0 },
		{ "bytesx=0-1", 10, RANGE_NONE, 0, 0 },
		{ "items=0-1", 10, RANGE_NONE, 0, 0 },
		{ "=0-1", 10, RANGE_NONE, 0, 0 },
		{ "bytes=0-1=", 10, RANGE_NONE, 0, 0 },
		{ "bytes=5-4", 0, RANGE_NONE, 0, 0 },
	};

	TABLE(v);
}

static void
range_outputs_are_untouched_unless_satisfiable(void)
{
	uint64_t	 first = 7, last = 7;

	CHECK_INT(range_parse(SPAN_LIT("bytes=20-"), 10, &first, &last),
	    RANGE_UNSATISFIABLE);
	CHECK_INT(range_parse(SPAN_LIT("bytes=x"), 10, &first, &last),
	    RANGE_NONE);
	CHECK_INT(range_parse((struct span){ NULL, 0 }, 10, &first, &last),
	    RANGE_NONE);
	CHECK(first == 7 && last == 7);
}

struct evec {
	const char	*list;
	int		 strong;	/* etag_match(list, ETAG, 0) */
	int		 weak;		/* etag_match(list, ETAG, 1) */
};

#define ETAG	"\"5f3-1a-65abc\""

/* etag_match() with list and etag in heap buffers of exactly their size. */
static int
etag_exact(const char *list, size_t len, const char *etag, int weak)
{
	char	*l, *e;
	int	 rc;

	if ((l = malloc(len ? len : 1)) == NULL ||
	    (e = malloc(strlen(etag))) == NULL)
		abort();
	memcpy(l, list, len);
	memcpy(e, etag, strlen(etag));
	rc = etag_match((struct span){ l, len },
	    (struct span){ e, strlen(etag) }, weak);
	free(l);
	free(e);
	return rc;
}

static void
etags_match_strongly_and_weakly(void)
{
	static const struct evec v[] = {
		{ "*", 1, 1 },
		{ " * ", 1, 1 },
		{ ETAG, 1, 1 },
		{ " " ETAG " ", 1, 1 },
		{ "W/" ETAG, 0, 1 },
		{ "\"x\", " ETAG, 1, 1 },
		{ "\"x\",W/\"y\"," ETAG ",", 1, 1 },
		{ "\"x\", W/" ETAG, 0, 1 },
		{ ",,\t" ETAG, 1, 1 },
		{ "\"a,b\", " ETAG, 1, 1 },
		{ "\"a,b\"", 0, 0 },
		{ "\"5f3-1a-65ab\"", 0, 0 },
		{ "\"5f3-1a-65abcd\"", 0, 0 },
		{ "\"5F3-1A-65ABC\"", 0, 0 },
		{ "5f3-1a-65abc", 0, 0 },
		{ "", 0, 0 },
		{ "**", 0, 0 },
		{ "*, " ETAG, 1, 1 },
		/* Malformed elements never match, but do not hide others. */
		{ "w/" ETAG, 0, 0 },
		{ "W/ " ETAG, 0, 0 },
		{ "\"5f3-1a-65abc", 0, 0 },
		{ ETAG "x", 0, 0 },
		{ "x" ETAG, 0, 0 },
		{ "\"a b\", " ETAG, 1, 1 },
		{ "\"a\x01\", " ETAG, 1, 1 },
		{ "\"unterminated, " ETAG, 1, 1 },
	};
	size_t	 i, k, len;
	int	 s, w;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		len = strlen(v[i].list);
		s = etag_exact(v[i].list, len, ETAG, 0);
		w = etag_exact(v[i].list, len, ETAG, 1);
		if (s != v[i].strong || w != v[i].weak) {
			printf("#   '%s': strong %d weak %d, want %d %d\n",
			    v[i].list, s, w, v[i].strong, v[i].weak);
			unit_failed++;
		}
		for (k = 0; k < len; k++) {
			(void)etag_exact(v[i].list, k, ETAG, 0);
			(void)etag_exact(v[i].list, k, ETAG, 1);
		}
	}
}

static void
a_weak_own_etag_matches_only_weakly(void)
{
	CHECK_INT(etag_exact("W/\"a\"", 5, "W/\"a\"", 1), 1);
	CHECK_INT(etag_exact("\"a\"", 3, "W/\"a\"", 1), 1);
	CHECK_INT(etag_exact("\"a\"", 3, "W/\"a\"", 0), 0);
	CHECK_INT(etag_exact("*", 1, "W/\"a\"", 0), 1);
	/* A malformed own tag matches nothing but "*". */
	CHECK_INT(etag_exact("\"a\"", 3, "a", 1), 0);
	CHECK_INT(etag_exact("\"a\"", 3, "\"a\"x", 1), 0);
}

int
main(void)
{
	RUN(single_ranges_are_clamped_to_the_file);
	RUN(ranges_past_the_end_are_416);
	RUN(other_units_bad_syntax_and_lists_are_ignored);
	RUN(range_outputs_are_untouched_unless_satisfiable);
	RUN(etags_match_strongly_and_weakly);
	RUN(a_weak_own_etag_matches_only_weakly);
	return unit_done();
}
