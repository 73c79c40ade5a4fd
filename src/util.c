/*
 * util.c - small pure functions shared by every stdhttpd program: span
 * comparison and trimming, character classes, bounded number, size and
 * duration parsing, HTTP and RFC 3339 dates, and percent-decoding.  Nothing
 * here allocates, logs or depends on the locale, so the functions are safe
 * on the request path and in fuzzers.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "http.h"

/* The longest duration a timeout may name: one day, in milliseconds. */
#define UTIL_DURATION_MAX_MS	(24ULL * 60 * 60 * 1000)

/* Years that fit the four digits of the date formats. */
#define UTIL_YEAR_MIN		0
#define UTIL_YEAR_MAX		9999

/*
 * RFC 9110 section 5.6.7: a two-digit RFC 850 year that would lie more
 * than this many years in the future means the most recent past year.
 */
#define UTIL_RFC850_FUTURE_YEARS	50

static const char *const util_wkday[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char *const util_weekday[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday"
};
static const char *const util_month[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static int
util_lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/*
 * Returns 1 when s holds exactly the bytes of the NUL-terminated lit,
 * else 0.
 */
int
span_eq(struct span s, const char *lit)
{
	size_t	n = strlen(lit);

	if (s.len != n)
		return 0;
	return n == 0 || memcmp(s.p, lit, n) == 0;
}

/*
 * Like span_eq(), but ASCII letters compare case-insensitively (header
 * names, tokens); other bytes must match exactly.  No locale is consulted.
 */
int
span_eq_ci(struct span s, const char *lit)
{
	size_t	i, n = strlen(lit);

	if (s.len != n)
		return 0;
	for (i = 0; i < n; i++)
		if (util_lower((unsigned char)s.p[i]) !=
		    util_lower((unsigned char)lit[i]))
			return 0;
	return 1;
}

/*
 * Returns s without the SP and HTAB at either end (OWS, RFC 9110 section
 * 5.6.3); the result points into the same buffer and may be empty.
 */
struct span
span_trim(struct span s)
{
	while (s.len > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
		s.len--;
	return s;
}

/*
 * Parses s as a non-empty run of decimal digits (no sign, no blanks, leading
 * zeros allowed) whose value is at most max, and stores it in *ret.  Returns
 * 0, or -1 with errno EINVAL (not digits) or ERANGE (greater than max, however
 * many digits: the arithmetic never wraps).  Syntax is checked first.
 */
int
util_parse_u64(struct span s, uint64_t max, uint64_t *ret)
{
	uint64_t	v = 0;
	size_t		i;
	unsigned	d;

	if (s.len == 0) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < s.len; i++)
		if (!util_isdigit((unsigned char)s.p[i])) {
			errno = EINVAL;
			return -1;
		}
	for (i = 0; i < s.len; i++) {
		d = (unsigned)(s.p[i] - '0');
		/* v * 10 + d <= max, rearranged so that nothing overflows. */
		if (d > max || v > (max - d) / 10) {
			errno = ERANGE;
			return -1;
		}
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

/*
 * Parses a byte count: decimal digits with an optional suffix K, M or G
 * (either case; binary multiples, 64M = 64 << 20).  Returns 0 and sets *ret,
 * or -1 with errno EINVAL (syntax) or ERANGE (does not fit 64 bits).
 */
int
util_parse_size(const char *str, uint64_t *ret)
{
	struct span	digits = { str, strlen(str) };
	unsigned	shift = 0;
	uint64_t	v;

	if (digits.len > 0) {
		switch (util_lower((unsigned char)str[digits.len - 1])) {
		case 'k':
			shift = 10;
			break;
		case 'm':
			shift = 20;
			break;
		case 'g':
			shift = 30;
			break;
		}
		if (shift != 0)
			digits.len--;
	}
	if (util_parse_u64(digits, UINT64_MAX >> shift, &v) == -1)
		return -1;
	*ret = v << shift;
	return 0;
}

/*
 * Parses a duration: digits followed by "ms", "s", "m", "h" or nothing
 * (seconds), e.g. "500ms", "10s", "2m", "15".  The result, in milliseconds,
 * may be at most one day.  Returns 0 and sets *ret, or -1 with errno EINVAL
 * (syntax) or ERANGE (longer than a day).
 */
int
util_parse_duration_ms(const char *str, unsigned *ret)
{
	struct span	digits = { str, strlen(str) };
	uint64_t	unit = 1000, v;
	size_t		n = digits.len;

	if (n >= 2 && util_lower((unsigned char)str[n - 2]) == 'm' &&
	    util_lower((unsigned char)str[n - 1]) == 's') {
		unit = 1;
		digits.len -= 2;
	} else if (n >= 1) {
		switch (util_lower((unsigned char)str[n - 1])) {
		case 's':
			unit = 1000;
			digits.len--;
			break;
		case 'm':
			unit = 60 * 1000;
			digits.len--;
			break;
		case 'h':
			unit = 60 * 60 * 1000;
			digits.len--;
			break;
		}
	}
	if (util_parse_u64(digits, UTIL_DURATION_MAX_MS / unit, &v) == -1)
		return -1;
	*ret = (unsigned)(v * unit);
	return 0;
}

/* Writes n as exactly width digits, zero-padded; returns the end. */
static char *
util_put_digits(char *p, unsigned n, int width)
{
	int	i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + n % 10);
		n /= 10;
	}
	return p + width;
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date, and back: plain
 * arithmetic over 400-year eras (the algorithm H. Hinnant describes in
 * "chrono-Compatible Low-Level Date Algorithms").  gmtime_r() and timegm()
 * would do, but glibc's read the time zone database on first use, which
 * every connection would pay for a zone it does not need.
 */
static int64_t
util_days_from_civil(int64_t y, int m, int d)
{
	int64_t		era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
util_civil_from_days(int64_t z, int *ret_y, int *ret_m, int *ret_d)
{
	int64_t		era;
	unsigned	doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*ret_d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*ret_m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*ret_y = (int)((int64_t)yoe + era * 400 + (*ret_m <= 2));
}

/*
 * The UTC calendar fields of t (tm_year, tm_mon, tm_mday, tm_wday and the
 * time of day), kept inside the four-digit years the formats can show:
 * anything else becomes the epoch, a date that is at least well-formed.
 */
static void
util_gmtime(time_t t, struct tm *tm)
{
	int64_t	days, secs;
	int	y, m, d;

	days = (int64_t)t / 86400;
	secs = (int64_t)t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	util_civil_from_days(days, &y, &m, &d);
	if (y < UTIL_YEAR_MIN || y > UTIL_YEAR_MAX) {
		util_gmtime(0, tm);
		return;
	}
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_sec = (int)(secs % 60);
	/* 1970-01-01 was a Thursday. */
	tm->tm_wday = (int)(((days % 7) + 11) % 7);
}

/*
 * Formats t as an IMF-fixdate (RFC 9110 section 5.6.7), "Sun, 06 Nov 1994
 * 08:49:37 GMT", into buf and NUL-terminates it.  Built by hand rather than
 * with strftime() so that no locale can change the names and so that it is
 * cheap enough for every response.  Times outside years 0-9999 print as the
 * epoch.
 */
void
util_http_date(time_t t, char buf[UTIL_HTTP_DATE_LEN + 1])
{
	struct tm	tm;
	char		*p = buf;

	util_gmtime(t, &tm);
	memcpy(p, util_wkday[tm.tm_wday], 3);
	p += 3;
	*p++ = ',';
	*p++ = ' ';
	p = util_put_digits(p, (unsigned)tm.tm_mday, 2);
	*p++ = ' ';
	memcpy(p, util_month[tm.tm_mon], 3);
	p += 3;
	*p++ = ' ';
	p = util_put_digits(p, (unsigned)(tm.tm_year + 1900), 4);
	*p++ = ' ';
	p = util_put_digits(p, (unsigned)tm.tm_hour, 2);
	*p++ = ':';
	p = util_put_digits(p, (unsigned)tm.tm_min, 2);
	*p++ = ':';
	p = util_put_digits(p, (unsigned)tm.tm_sec, 2);
	memcpy(p, " GMT", 5);
}

/*
 * A tiny cursor over the date being parsed: each step consumes what it
 * expects or reports failure, so the three grammars read like their ABNF.
 */
struct util_cursor {
	const char	*p;
	const char	*end;
};

static int
util_lit(struct util_cursor *c, const char *lit)
{
	size_t	n = strlen(lit);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

/* Exactly n digits. */
static int
util_num(struct util_cursor *c, int n, int *ret)
{
	int	v = 0, i;

	if (c->end - c->p < n)
		return -1;
	for (i = 0; i < n; i++) {
		if (!util_isdigit((unsigned char)c->p[i]))
			return -1;
		v = v * 10 + (c->p[i] - '0');
	}
	c->p += n;
	*ret = v;
	return 0;
}

/* One of the names in a table of n; day and month names are case-sensitive. */
static int
util_name(struct util_cursor *c, const char *const *names, int n, int *ret)
{
	int	i;

	for (i = 0; i < n; i++)
		if (util_lit(c, names[i]) == 0) {
			*ret = i;
			return 0;
		}
	return -1;
}

/* "HH:MM:SS" */
static int
util_time_of_day(struct util_cursor *c, struct tm *tm)
{
	if (util_num(c, 2, &tm->tm_hour) == -1 || util_lit(c, ":") == -1 ||
	    util_num(c, 2, &tm->tm_min) == -1 || util_lit(c, ":") == -1 ||
	    util_num(c, 2, &tm->tm_sec) == -1)
		return -1;
	return 0;
}

static int
util_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Ranges of every field, so that "Feb 30" is refused, not normalised. */
static int
util_tm_valid(const struct tm *tm, int year)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int	max;

	if (tm->tm_mon < 0 || tm->tm_mon > 11)
		return 0;
	max = mdays[tm->tm_mon] + (tm->tm_mon == 1 && util_leap(year));
	/* Second 60 is a leap second, which RFC 5322 permits. */
	return tm->tm_mday >= 1 && tm->tm_mday <= max && tm->tm_hour <= 23 &&
	    tm->tm_min <= 59 && tm->tm_sec <= 60;
}

/* RFC 850 years have two digits; RFC 9110 section 5.6.7 says which century. */
static int
util_rfc850_year(int yy)
{
	struct tm	now;
	int		year;

	util_gmtime(time(NULL), &now);
	year = (now.tm_year + 1900) / 100 * 100 + yy;
	if (year > now.tm_year + 1900 + UTIL_RFC850_FUTURE_YEARS)
		year -= 100;
	return year;
}

/*
 * Parses an HTTP date in any of the three forms RFC 9110 section 5.6.7
 * requires recipients to accept:
 *	IMF-fixdate	Sun, 06 Nov 1994 08:49:37 GMT
 *	RFC 850		Sunday, 06-Nov-94 08:49:37 GMT
 *	asctime		Sun Nov  6 08:49:37 1994
 * The whole span must be the date.  The weekday must be a valid name but is
 * not checked against the date.  Returns 0 and sets *ret, or -1 with errno
 * EINVAL.
 */
int
util_parse_http_date(struct span s, time_t *ret)
{
	struct util_cursor	c = { s.p, s.p + s.len };
	struct tm		tm;
	int			year, day;

	memset(&tm, 0, sizeof(tm));
	if (s.len == 0)
		goto bad;
	if (s.len > 4 && s.p[3] == ',') {
		/* IMF-fixdate */
		if (util_name(&c, util_wkday, 7, &day) == -1 ||
		    util_lit(&c, ", ") == -1 ||
		    util_num(&c, 2, &tm.tm_mday) == -1 ||
		    util_lit(&c, " ") == -1 ||
		    util_name(&c, util_month, 12, &tm.tm_mon) == -1 ||
		    util_lit(&c, " ") == -1 || util_num(&c, 4, &year) == -1 ||
		    util_lit(&c, " ") == -1 ||
		    util_time_of_day(&c, &tm) == -1 ||
		    util_lit(&c, " GMT") == -1)
			goto bad;
	} else if (memchr(s.p, ',', s.len) != NULL) {
		/* RFC 850 */
		if (util_name(&c, util_weekday, 7, &day) == -1 ||
		    util_lit(&c, ", ") == -1 ||
		    util_num(&c, 2, &tm.tm_mday) == -1 ||
		    util_lit(&c, "-") == -1 ||
		    util_name(&c, util_month, 12, &tm.tm_mon) == -1 ||
		    util_lit(&c, "-") == -1 || util_num(&c, 2, &year) == -1 ||
		    util_lit(&c, " ") == -1 ||
		    util_time_of_day(&c, &tm) == -1 ||
		    util_lit(&c, " GMT") == -1)
			goto bad;
		year = util_rfc850_year(year);
	} else {
		/* asctime: the day is space-padded ("Nov  6"). */
		if (util_name(&c, util_wkday, 7, &day) == -1 ||
		    util_lit(&c, " ") == -1 ||
		    util_name(&c, util_month, 12, &tm.tm_mon) == -1 ||
		    util_lit(&c, " ") == -1)
			goto bad;
		if (util_lit(&c, " ") == 0) {
			if (util_num(&c, 1, &tm.tm_mday) == -1)
				goto bad;
		} else if (util_num(&c, 2, &tm.tm_mday) == -1)
			goto bad;
		if (util_lit(&c, " ") == -1 ||
		    util_time_of_day(&c, &tm) == -1 ||
		    util_lit(&c, " ") == -1 || util_num(&c, 4, &year) == -1)
			goto bad;
	}
	if (c.p != c.end || !util_tm_valid(&tm, year))
		goto bad;
	tm.tm_year = year - 1900;
	*ret = (time_t)(util_days_from_civil(year, tm.tm_mon + 1,
	    tm.tm_mday) * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 +
	    tm.tm_sec);
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/*
 * Rewrites the microseconds of buf, a time util_rfc3339() formatted for
 * the same second as ts.
 */
void
util_rfc3339_usec(const struct timespec *ts, char buf[UTIL_RFC3339_LEN + 1])
{
	long	usec = ts->tv_nsec / 1000;

	if (usec < 0 || usec > 999999)
		usec = 0;
	(void)util_put_digits(buf + UTIL_RFC3339_LEN - 7, (unsigned)usec, 6);
}

/*
 * Formats ts as an RFC 3339 UTC timestamp with microseconds,
 * "2026-11-21T22:23:02.123456Z", into buf and NUL-terminates it.  Times
 * outside years 0-9999 print as the epoch.
 */
void
util_rfc3339(const struct timespec *ts, char buf[UTIL_RFC3339_LEN + 1])
{
	struct tm	tm;
	char		*p = buf;

	util_gmtime(ts->tv_sec, &tm);
	p = util_put_digits(p, (unsigned)(tm.tm_year + 1900), 4);
	*p++ = '-';
	p = util_put_digits(p, (unsigned)tm.tm_mon + 1, 2);
	*p++ = '-';
	p = util_put_digits(p, (unsigned)tm.tm_mday, 2);
	*p++ = 'T';
	p = util_put_digits(p, (unsigned)tm.tm_hour, 2);
	*p++ = ':';
	p = util_put_digits(p, (unsigned)tm.tm_min, 2);
	*p++ = ':';
	p = util_put_digits(p, (unsigned)tm.tm_sec, 2);
	*p++ = '.';
	util_rfc3339_usec(ts, buf);
	p[6] = 'Z';
	p[7] = '\0';
}

/* The value of one hex digit, either case, or -1. */
int
util_hex(int ch)
{
	if (util_isdigit(ch))
		return ch - '0';
	ch = util_lower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/*
 * Decodes each %XX escape of in once (hex digits of either case) into out,
 * which has room for outlen bytes, NUL-terminates it and sets *ret_len to
 * the decoded length.  '+' is left alone: it means a space only in form
 * bodies, never in a path.  Returns 0, or -1 with errno EINVAL for a '%'
 * not followed by two hex digits, an escaped NUL (%00) or a raw NUL, which
 * no file name may hold; or ENAMETOOLONG when out is too small.  The first
 * problem found is the one reported; on failure out holds garbage.
 */
int
util_percent_decode(struct span in, char *out, size_t outlen,
    size_t *ret_len)
{
	size_t	i, n = 0;
	int	hi, lo, ch;

	for (i = 0; i < in.len; i++) {
		ch = (unsigned char)in.p[i];
		if (ch == '%') {
			if (in.len - i < 3 ||
			    (hi = util_hex((unsigned char)in.p[i + 1])) == -1 ||
			    (lo = util_hex((unsigned char)in.p[i + 2])) == -1) {
				errno = EINVAL;
				return -1;
			}
			ch = hi << 4 | lo;
			i += 2;
		}
		if (ch == '\0') {
			errno = EINVAL;
			return -1;
		}
		/* Keep one byte for the terminating NUL. */
		if (n + 1 >= outlen) {
			errno = ENAMETOOLONG;
			return -1;
		}
		out[n++] = (char)ch;
	}
	if (outlen == 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	out[n] = '\0';
	*ret_len = n;
	return 0;
}

/* The length of the valid UTF-8 sequence at s[0..n), or 0 (RFC 3629). */
static size_t
util_utf8_seq(const unsigned char *s, size_t n)
{
	size_t	len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

static int
util_utf8_valid(struct span s)
{
	const unsigned char	*p = (const unsigned char *)s.p;
	size_t			 i, n;

	for (i = 0; i < s.len; i += n)
		if (p[i] < 0x80)
			n = 1;
		else if ((n = util_utf8_seq(p + i, s.len - i)) == 0)
			return 0;
	return 1;
}

/*
 * How JSON takes each byte (RFC 8259 section 7): as it is (0), escaped
 * (UTIL_JSON_ESCAPE: control characters, quote, backslash), or, above
 * 0x7f, as it is only within valid UTF-8 (UTIL_JSON_HIGH).
 */
#define UTIL_JSON_ESCAPE	1
#define UTIL_JSON_HIGH		2
static const unsigned char util_json_class[256] = {
	[0x00 ... 0x1f] = UTIL_JSON_ESCAPE,
	['"'] = UTIL_JSON_ESCAPE,
	['\\'] = UTIL_JSON_ESCAPE,
	[0x80 ... 0xff] = UTIL_JSON_HIGH,
};

/*
 * Writes s as a quoted JSON string (RFC 8259 section 7) to dst: quote and
 * backslash escaped, control characters as \n, \r, \t or \u00XX.  Bytes
 * that are not UTF-8 cannot be in JSON; when s is not valid UTF-8 every
 * byte above 0x7f becomes '?'.  Returns the length written (no NUL), or 0
 * when it would not fit in cap; 6 * len + 2 always fits.
 */
size_t
util_json_string(char *dst, size_t cap, struct span s)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s.p;
	size_t			 i = 0, run, o = 0;
	int			 utf8 = -1;	/* known at the first high byte */

	if (cap < 2)
		return 0;
	dst[o++] = '"';
	while (i < s.len) {
		char	esc[6];
		size_t	n = 0;

		/* Bytes that stand for themselves go in one copy. */
		for (run = i; run < s.len && util_json_class[p[run]] == 0; run++)
			;
		if (run > i) {
			if (cap - o < run - i + 1)	/* and the quote */
				return 0;
			memcpy(dst + o, p + i, run - i);
			o += run - i;
			i = run;
			continue;
		}
		if (util_json_class[p[i]] == UTIL_JSON_HIGH) {
			if (utf8 == -1)
				utf8 = util_utf8_valid(s);
			esc[n++] = utf8 ? (char)p[i] : '?';
		} else if (p[i] == '"' || p[i] == '\\') {
			esc[n++] = '\\';
			esc[n++] = (char)p[i];
		} else if (p[i] == '\n' || p[i] == '\r' || p[i] == '\t') {
			esc[n++] = '\\';
			esc[n++] = p[i] == '\n' ? 'n' : p[i] == '\r' ? 'r' : 't';
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 0xf];
			n = 6;
		}
		if (cap - o < n + 1)
			return 0;
		memcpy(dst + o, esc, n);
		o += n;
		i++;
	}
	dst[o++] = '"';
	return o;
}
