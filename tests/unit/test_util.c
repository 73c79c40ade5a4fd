/*
 * test_util.c - unit tests of util.c: span comparison, bounded number, size
 * and duration parsing, the three HTTP date forms and RFC 3339 timestamps,
 * and percent-decoding, with their overflow and malformed edges.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "unit.h"

/* 1994-11-06 08:49:37 UTC, the example date of RFC 9110. */
#define RFC_EXAMPLE_TIME	784111777

static struct span
sp(const char *s)
{
	return (struct span){ s, strlen(s) };
}

/* util_parse_u64() result, with errno folded in: -EINVAL, -ERANGE or 0. */
static int
u64_err(const char *s, uint64_t max)
{
	uint64_t v;

	errno = 0;
	if (util_parse_u64(sp(s), max, &v) == -1)
		return -errno;
	return 0;
}

static void
span_eq_compares_exactly(void)
{
	CHECK_INT(span_eq(sp("GET"), "GET"), 1);
	CHECK_INT(span_eq(sp("GET"), "get"), 0);
	CHECK_INT(span_eq(sp("GET"), "GETS"), 0);
	CHECK_INT(span_eq(sp("GETS"), "GET"), 0);
	CHECK_INT(span_eq((struct span){ NULL, 0 }, ""), 1);
	CHECK_INT(span_eq((struct span){ "GET /", 3 }, "GET"), 1);
}

static void
span_eq_ci_ignores_ascii_case_only(void)
{
	CHECK_INT(span_eq_ci(sp("Content-Length"), "content-length"), 1);
	CHECK_INT(span_eq_ci(sp("CONTENT-LENGTH"), "content-length"), 1);
	CHECK_INT(span_eq_ci(sp("Content-Lengtx"), "content-length"), 0);
	CHECK_INT(span_eq_ci(sp("Host"), "hos"), 0);
	/* '@' and '`' are one bit apart from letters but are not letters. */
	CHECK_INT(span_eq_ci(sp("@"), "`"), 0);
	CHECK_INT(span_eq_ci(sp("\xc4"), "\xe4"), 0);
	CHECK_INT(span_eq_ci((struct span){ NULL, 0 }, ""), 1);
}

static void
parse_u64_accepts_digits_up_to_max(void)
{
	uint64_t v = 7;

	CHECK_INT(util_parse_u64(sp("0"), 10, &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(util_parse_u64(sp("0042"), 100, &v), 0);
	CHECK_INT(v, 42);
	CHECK_INT(util_parse_u64(sp("10"), 10, &v), 0);
	CHECK_INT(v, 10);
	CHECK_INT(util_parse_u64(sp("18446744073709551615"), UINT64_MAX, &v),
	    0);
	CHECK(v == UINT64_MAX);
	CHECK_INT(util_parse_u64((struct span){ "123456", 3 }, 1000, &v), 0);
	CHECK_INT(v, 123);
}

static void
parse_u64_refuses_values_beyond_max_without_wrapping(void)
{
	uint64_t v = 7;

	CHECK_INT(u64_err("18446744073709551616", UINT64_MAX), -ERANGE);
	CHECK_INT(u64_err("18446744073709551620", UINT64_MAX), -ERANGE);
	CHECK_INT(u64_err("99999999999999999999", UINT64_MAX), -ERANGE);
	CHECK_INT(u64_err("1000000000000000000000000", UINT64_MAX), -ERANGE);
	CHECK_INT(u64_err("36893488147419103232", UINT64_MAX), -ERANGE);
	CHECK_INT(u64_err("11", 10), -ERANGE);
	CHECK_INT(u64_err("1", 0), -ERANGE);
	CHECK_INT(u64_err("0", 0), 0);
	CHECK_INT(u64_err("0000000000000000000000000", 0), 0);
	/* Nothing is written on failure. */
	(void)util_parse_u64(sp("11"), 10, &v);
	CHECK_INT(v, 7);
}

static void
parse_u64_refuses_anything_but_digits(void)
{
	uint64_t v = 7;

	CHECK_INT(u64_err("", 10), -EINVAL);
	CHECK_INT(u64_err("-1", 10), -EINVAL);
	CHECK_INT(u64_err("+1", 10), -EINVAL);
	CHECK_INT(u64_err(" 1", 10), -EINVAL);
	CHECK_INT(u64_err("1 ", 10), -EINVAL);
	CHECK_INT(u64_err("0x1", 10), -EINVAL);
	CHECK_INT(u64_err("1.0", 10), -EINVAL);
	/* Syntax wins over range: the whole thing is not a number. */
	CHECK_INT(u64_err("99999999999999999999x", UINT64_MAX), -EINVAL);
	CHECK_INT(util_parse_u64((struct span){ "1\0002", 3 }, 999, &v), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(v, 7);
}

static void
parse_size_takes_binary_suffixes_in_either_case(void)
{
	uint64_t v;

	CHECK_INT(util_parse_size("0", &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(util_parse_size("512", &v), 0);
	CHECK_INT(v, 512);
	CHECK_INT(util_parse_size("4k", &v), 0);
	CHECK_INT(v, 4096);
	CHECK_INT(util_parse_size("4K", &v), 0);
	CHECK_INT(v, 4096);
	CHECK_INT(util_parse_size("64M", &v), 0);
	CHECK(v == 64ULL << 20);
	CHECK_INT(util_parse_size("2g", &v), 0);
	CHECK(v == 2ULL << 30);
	CHECK_INT(util_parse_size("17179869183G", &v), 0);
	CHECK(v == 17179869183ULL << 30);
	CHECK_INT(util_parse_size("18446744073709551615", &v), 0);
	CHECK(v == UINT64_MAX);
}

static void
parse_size_refuses_bad_syntax_and_overflow(void)
{
	uint64_t v = 7;

	errno = 0;
	CHECK_INT(util_parse_size("", &v), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(util_parse_size("M", &v), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(util_parse_size("64MB", &v), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(util_parse_size("64 M", &v), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(util_parse_size("64T", &v), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(util_parse_size("-1", &v), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(util_parse_size("17179869184G", &v), -1);
	CHECK_INT(errno, ERANGE);
	CHECK_INT(util_parse_size("18014398509481984K", &v), -1);
	CHECK_INT(errno, ERANGE);
	CHECK_INT(util_parse_size("18446744073709551616", &v), -1);
	CHECK_INT(errno, ERANGE);
	CHECK_INT(v, 7);
}

static void
parse_duration_reads_ms_s_m_h_and_bare_seconds(void)
{
	unsigned v;

	CHECK_INT(util_parse_duration_ms("500ms", &v), 0);
	CHECK_INT(v, 500);
	CHECK_INT(util_parse_duration_ms("500MS", &v), 0);
	CHECK_INT(v, 500);
	CHECK_INT(util_parse_duration_ms("10s", &v), 0);
	CHECK_INT(v, 10000);
	CHECK_INT(util_parse_duration_ms("15", &v), 0);
	CHECK_INT(v, 15000);
	CHECK_INT(util_parse_duration_ms("2m", &v), 0);
	CHECK_INT(v, 120000);
	CHECK_INT(util_parse_duration_ms("1h", &v), 0);
	CHECK_INT(v, 3600000);
	CHECK_INT(util_parse_duration_ms("0", &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(util_parse_duration_ms("24h", &v), 0);
	CHECK_INT(v, 86400000);
	CHECK_INT(util_parse_duration_ms("86400000ms", &v), 0);
	CHECK_INT(v, 86400000);
	CHECK_INT(util_parse_duration_ms("1440m", &v), 0);
	CHECK_INT(v, 86400000);
}

static void
parse_duration_refuses_more_than_a_day_and_bad_units(void)
{
	unsigned v = 7;

	CHECK_INT(util_parse_duration_ms("86401s", &v), -1);
	CHECK_INT(errno, ERANGE);
	CHECK_INT(util_parse_duration_ms("86400001ms", &v), -1);
	CHECK_INT(errno, ERANGE);
	CHECK_INT(util_parse_duration_ms("25h", &v), -1);
	CHECK_INT(errno, ERANGE);
	CHECK_INT(util_parse_duration_ms("99999999999999999999999s", &v), -1);
	CHECK_INT(errno, ERANGE);
	CHECK_INT(util_parse_duration_ms("", &v), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(util_parse_duration_ms("s", &v), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(util_parse_duration_ms("ms", &v), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(util_parse_duration_ms("10 s", &v), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(util_parse_duration_ms("10d", &v), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(util_parse_duration_ms("1.5s", &v), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(util_parse_duration_ms("-1s", &v), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(v, 7);
}

static void
http_date_formats_imf_fixdate(void)
{
	char buf[UTIL_HTTP_DATE_LEN + 1];

	memset(buf, 'x', sizeof(buf));
	util_http_date(RFC_EXAMPLE_TIME, buf);
	CHECK_STR(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	CHECK_INT(strlen(buf), UTIL_HTTP_DATE_LEN);
	util_http_date(0, buf);
	CHECK_STR(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
	util_http_date(951782400, buf);
	CHECK_STR(buf, "Tue, 29 Feb 2000 00:00:00 GMT");
	util_http_date(253402300799, buf);
	CHECK_STR(buf, "Fri, 31 Dec 9999 23:59:59 GMT");
	/* Beyond four-digit years there is no valid date: the epoch. */
	util_http_date(253402300800, buf);
	CHECK_STR(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
}

static void
http_date_parses_all_three_forms_to_the_same_time(void)
{
	time_t t;

	t = 0;
	CHECK_INT(util_parse_http_date(sp("Sun, 06 Nov 1994 08:49:37 GMT"),
	    &t), 0);
	CHECK_INT(t, RFC_EXAMPLE_TIME);
	t = 0;
	CHECK_INT(util_parse_http_date(sp("Sunday, 06-Nov-94 08:49:37 GMT"),
	    &t), 0);
	CHECK_INT(t, RFC_EXAMPLE_TIME);
	t = 0;
	CHECK_INT(util_parse_http_date(sp("Sun Nov  6 08:49:37 1994"), &t), 0);
	CHECK_INT(t, RFC_EXAMPLE_TIME);
	t = 0;
	CHECK_INT(util_parse_http_date(sp("Sun Nov 16 08:49:37 1994"), &t), 0);
	CHECK_INT(t, RFC_EXAMPLE_TIME + 10 * 86400);
	CHECK_INT(util_parse_http_date(sp("Thu, 01 Jan 1970 00:00:00 GMT"),
	    &t), 0);
	CHECK_INT(t, 0);
	CHECK_INT(util_parse_http_date(sp("Wed, 31 Dec 1969 23:59:59 GMT"),
	    &t), 0);
	CHECK_INT(t, -1);
	CHECK_INT(util_parse_http_date(sp("Tue, 29 Feb 2000 00:00:00 GMT"),
	    &t), 0);
	CHECK_INT(t, 951782400);
}

static void
rfc850_two_digit_years_are_never_more_than_fifty_years_ahead(void)
{
	time_t	t, now = time(NULL);
	char	buf[64];
	struct tm tm;
	int	year;

	/* "94" is 1994, not 2094 (RFC 9110 section 5.6.7). */
	CHECK_INT(util_parse_http_date(sp("Sunday, 06-Nov-94 08:49:37 GMT"),
	    &t), 0);
	CHECK_INT(t, RFC_EXAMPLE_TIME);
	/* Next year's two digits mean next year. */
	gmtime_r(&now, &tm);
	year = tm.tm_year + 1900 + 1;
	(void)snprintf(buf, sizeof(buf), "Monday, 01-Jan-%02d 00:00:00 GMT",
	    year % 100);
	CHECK_INT(util_parse_http_date(sp(buf), &t), 0);
	gmtime_r(&t, &tm);
	CHECK_INT(tm.tm_year + 1900, year);
}

static void
http_date_round_trips_through_formatting(void)
{
	static const time_t times[] = {
		0, 1, 59, 86399, 86400, RFC_EXAMPLE_TIME, 951782400,
		1700000000, 1794608582, 4102444800, 253402300799, -1,
		-2208988800
	};
	char	buf[UTIL_HTTP_DATE_LEN + 1];
	time_t	t;
	size_t	i;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		util_http_date(times[i], buf);
		t = 12345;
		CHECK_INT(util_parse_http_date(sp(buf), &t), 0);
		CHECK_INT(t, times[i]);
	}
}

static void
http_date_refuses_malformed_dates(void)
{
	static const char *const bad[] = {
		"",
		"Sun, 06 Nov 1994 08:49:37 GMT ",
		" Sun, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 08:49:37 UTC",
		"Sun, 06 Nov 1994 08:49:37 gmt",
		"Sun, 6 Nov 1994 08:49:37 GMT",
		"Sun, 06 nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 94 08:49:37 GMT",
		"Xyz, 06 Nov 1994 08:49:37 GMT",
		"Sun,  06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 8:49:37 GMT",
		"Sun, 31 Nov 1994 08:49:37 GMT",
		"Sun, 00 Nov 1994 08:49:37 GMT",
		"Thu, 29 Feb 2001 00:00:00 GMT",
		"Mon, 29 Feb 1900 00:00:00 GMT",
		"Sun, 06 Nov 1994 24:00:00 GMT",
		"Sun, 06 Nov 1994 08:60:00 GMT",
		"Sun, 06 Nov 1994 08:49:61 GMT",
		"Sun, 06 Nov 1994 08:49:37",
		"Sun, 06 Nov 1994",
		"Sun, 06-Nov-94 08:49:37 GMT",
		"Sunday, 06-Nov-1994 08:49:37 GMT",
		"Sunday, 06 Nov 94 08:49:37 GMT",
		"Sunday, 06-Nov-94 08:49:37",
		"Sun Nov 6 08:49:37 1994",
		"Sun Nov  6 08:49:37 94",
		"Sun Nov  6 08:49:37 1994 GMT",
		"Sun  Nov  6 08:49:37 1994",
		"784111777",
	};
	time_t	t = 7;
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (util_parse_http_date(sp(bad[i]), &t) != -1 ||
		    errno != EINVAL) {
			printf("#   accepted \"%s\"\n", bad[i]);
			unit_failed++;
		}
	}
	/* A NUL inside the span is not the end of it. */
	CHECK_INT(util_parse_http_date((struct span){
	    "Sun, 06 Nov 1994 08:49:37 GMT\0x", 31 }, &t), -1);
	CHECK_INT(t, 7);
}

static void
http_date_accepts_a_leap_second(void)
{
	time_t t;

	CHECK_INT(util_parse_http_date(sp("Sat, 31 Dec 2016 23:59:60 GMT"),
	    &t), 0);
	CHECK_INT(t, 1483228800);
}

static void
rfc3339_prints_utc_with_microseconds(void)
{
	struct timespec ts;
	char buf[UTIL_RFC3339_LEN + 1];

	memset(buf, 'x', sizeof(buf));
	ts.tv_sec = 1795299782;
	ts.tv_nsec = 123456789;
	util_rfc3339(&ts, buf);
	CHECK_STR(buf, "2026-11-21T22:23:02.123456Z");
	CHECK_INT(strlen(buf), UTIL_RFC3339_LEN);
	ts.tv_sec = 0;
	ts.tv_nsec = 999;
	util_rfc3339(&ts, buf);
	CHECK_STR(buf, "1970-01-01T00:00:00.000000Z");
	ts.tv_sec = 951868799;
	ts.tv_nsec = 999999999;
	util_rfc3339(&ts, buf);
	CHECK_STR(buf, "2000-02-29T23:59:59.999999Z");
}

static void
rfc3339_usec_rewrites_only_the_microseconds(void)
{
	struct timespec ts = { 1795299782, 123456789 };
	char buf[UTIL_RFC3339_LEN + 1];

	util_rfc3339(&ts, buf);
	ts.tv_nsec = 7000;
	util_rfc3339_usec(&ts, buf);
	CHECK_STR(buf, "2026-11-21T22:23:02.000007Z");
	ts.tv_nsec = 999999999;
	util_rfc3339_usec(&ts, buf);
	CHECK_STR(buf, "2026-11-21T22:23:02.999999Z");
}

/* Decodes s into a buffer of outlen; returns 0 or -errno. */
static int
decode(const char *s, size_t outlen, char *out, size_t *len)
{
	errno = 0;
	if (util_percent_decode(sp(s), out, outlen, len) == -1)
		return -errno;
	return 0;
}

static void
percent_decode_decodes_each_escape_once(void)
{
	char	out[64];
	size_t	len = 99;

	CHECK_INT(decode("/a%20b", sizeof(out), out, &len), 0);
	CHECK_STR(out, "/a b");
	CHECK_INT(len, 4);
	CHECK_INT(decode("%2f%2F%41%6a%6A", sizeof(out), out, &len), 0);
	CHECK_STR(out, "//Ajj");
	/* Once: %2541 is "%41", not "A". */
	CHECK_INT(decode("%2541", sizeof(out), out, &len), 0);
	CHECK_STR(out, "%41");
	CHECK_INT(decode("a+b", sizeof(out), out, &len), 0);
	CHECK_STR(out, "a+b");
	CHECK_INT(decode("%c3%a4", sizeof(out), out, &len), 0);
	CHECK_STR(out, "\xc3\xa4");
	CHECK_INT(decode("", sizeof(out), out, &len), 0);
	CHECK_STR(out, "");
	CHECK_INT(len, 0);
	CHECK_INT(decode("%ff", sizeof(out), out, &len), 0);
	CHECK_INT((unsigned char)out[0], 0xff);
}

static void
percent_decode_refuses_malformed_escapes_and_nul(void)
{
	char	out[64];
	size_t	len = 99;

	CHECK_INT(decode("%", sizeof(out), out, &len), -EINVAL);
	CHECK_INT(decode("a%", sizeof(out), out, &len), -EINVAL);
	CHECK_INT(decode("%4", sizeof(out), out, &len), -EINVAL);
	CHECK_INT(decode("%4g", sizeof(out), out, &len), -EINVAL);
	CHECK_INT(decode("%g4", sizeof(out), out, &len), -EINVAL);
	CHECK_INT(decode("% 41", sizeof(out), out, &len), -EINVAL);
	CHECK_INT(decode("%00", sizeof(out), out, &len), -EINVAL);
	CHECK_INT(decode("/a%00.html", sizeof(out), out, &len), -EINVAL);
	CHECK_INT(util_percent_decode((struct span){ "a\0b", 3 }, out,
	    sizeof(out), &len), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(len, 99);
}

static void
percent_decode_reports_a_short_buffer(void)
{
	char	out[4];
	size_t	len = 99;

	CHECK_INT(decode("abc", 4, out, &len), 0);
	CHECK_STR(out, "abc");
	CHECK_INT(decode("abcd", 4, out, &len), -ENAMETOOLONG);
	CHECK_INT(decode("%41%42%43", 4, out, &len), 0);
	CHECK_STR(out, "ABC");
	CHECK_INT(decode("%41%42%43%44", 4, out, &len), -ENAMETOOLONG);
	CHECK_INT(decode("", 0, out, &len), -ENAMETOOLONG);
	CHECK_INT(decode("", 1, out, &len), 0);
	CHECK_STR(out, "");
	CHECK_INT(len, 0);
}

int
main(void)
{
	RUN(span_eq_compares_exactly);
	RUN(span_eq_ci_ignores_ascii_case_only);
	RUN(parse_u64_accepts_digits_up_to_max);
	RUN(parse_u64_refuses_values_beyond_max_without_wrapping);
	RUN(parse_u64_refuses_anything_but_digits);
	RUN(parse_size_takes_binary_suffixes_in_either_case);
	RUN(parse_size_refuses_bad_syntax_and_overflow);
	RUN(parse_duration_reads_ms_s_m_h_and_bare_seconds);
	RUN(parse_duration_refuses_more_than_a_day_and_bad_units);
	RUN(http_date_formats_imf_fixdate);
	RUN(http_date_parses_all_three_forms_to_the_same_time);
	RUN(rfc850_two_digit_years_are_never_more_than_fifty_years_ahead);
	RUN(http_date_round_trips_through_formatting);
	RUN(http_date_refuses_malformed_dates);
	RUN(http_date_accepts_a_leap_second);
	RUN(rfc3339_prints_utc_with_microseconds);
	RUN(rfc3339_usec_rewrites_only_the_microseconds);
	RUN(percent_decode_decodes_each_escape_once);
	RUN(percent_decode_refuses_malformed_escapes_and_nul);
	RUN(percent_decode_reports_a_short_buffer);
	return unit_done();
}
