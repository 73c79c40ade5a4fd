/*
 * statsline.c - reads one line of the stats file into its fields.
 *
 * The handlers write one flat JSON object per line (stats.c); this scanner
 * is made for that one format, since a generic JSON parser per line is
 * several times slower.  It validates strings as RFC 8259 does but undoes
 * their escapes only for the fields a caller asks for, and skips keys it
 * does not know, so records from a newer handler still count.
 */
#include <string.h>

#include "http.h"
#include "admin.h"

/*
 * Scans a JSON string starting at the opening quote and validates it
 * (RFC 8259 section 7: no raw control characters, only the defined escapes).
 */
static int
scan_string(const char **pp, const char *end, struct str *ret)
{
	const unsigned char *p = (const unsigned char *)*pp + 1;
	const unsigned char *e = (const unsigned char *)end;
	const unsigned char *start = p;
	int esc = 0, i;

	for (;;) {
		while (p < e && *p != '"' && *p != '\\' && *p >= 0x20)
			p++;
		if (p >= e || *p < 0x20)
			return -1;
		if (*p == '"')
			break;
		esc = 1;
		if (++p >= e)
			return -1;
		switch (*p) {
		case '"': case '\\': case '/': case 'b': case 'f':
		case 'n': case 'r': case 't':
			p++;
			break;
		case 'u':
			if (e - p < 5)
				return -1;
			for (i = 1; i <= 4; i++)
				if (util_hex(p[i]) < 0)
					return -1;
			p += 5;
			break;
		default:
			return -1;
		}
	}
	ret->p = (const char *)start;
	ret->len = (size_t)(p - start);
	ret->esc = esc;
	*pp = (const char *)p + 1;
	return 0;
}

/* A non-negative integer without sign, fraction or exponent. */
static int
scan_uint(const char **pp, const char *end, uint64_t *ret)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (p >= end || *p < '0' || *p > '9')
		return -1;
	if (*p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9')
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p < end && (*p == '.' || *p == 'e' || *p == 'E'))
		return -1;
	*ret = v;
	*pp = p;
	return 0;
}

/* Skips a scalar value of a key this program does not use. */
static int
scan_other(const char **pp, const char *end)
{
	const char *p = *pp;
	struct str s;
	size_t n;

	if (*p == '"') {
		if (scan_string(&p, end, &s) == -1)
			return -1;
	} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
		if (*p == '-')
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return -1;
		while (p < end && ((*p >= '0' && *p <= '9') || *p == '.' ||
		    *p == 'e' || *p == 'E' || *p == '+' || *p == '-'))
			p++;
	} else {
		n = (size_t)(end - p);
		if (n >= 4 && memcmp(p, "true", 4) == 0)
			p += 4;
		else if (n >= 5 && memcmp(p, "false", 5) == 0)
			p += 5;
		else if (n >= 4 && memcmp(p, "null", 4) == 0)
			p += 4;
		else
			return -1;	/* records are flat: no arrays, objects */
	}
	*pp = p;
	return 0;
}

#define SKIP_WS(p, end)	while ((p) < (end) && (*(p) == ' ' || *(p) == '\t' || \
			    *(p) == '\r')) (p)++

#define KEY_IS(k, lit)	((k).len == sizeof(lit) - 1 && !(k).esc && \
			    memcmp((k).p, (lit), sizeof(lit) - 1) == 0)

/* One line (without its newline) into *ret; -1 when it is not a record. */
int
statsline_scan(const char *line, size_t len, struct rec *ret)
{
	const char *p = line, *end = line + len;
	struct str key, *sv;
	uint64_t *nv;
	unsigned bit;

	memset(ret, 0, sizeof(*ret));
	SKIP_WS(p, end);
	if (p >= end || *p++ != '{')
		return -1;
	SKIP_WS(p, end);
	if (p < end && *p == '}') {
		p++;
		goto tail;
	}
	for (;;) {
		if (p >= end || *p != '"' || scan_string(&p, end, &key) == -1)
			return -1;
		SKIP_WS(p, end);
		if (p >= end || *p++ != ':')
			return -1;
		SKIP_WS(p, end);
		if (p >= end)
			return -1;

		sv = NULL;
		nv = NULL;
		bit = 0;
		switch (key.len) {
		case 2:
			if (KEY_IS(key, "ts"))
				sv = &ret->ts, bit = REC_TS;
			break;
		case 3:
			if (KEY_IS(key, "pid"))
				nv = &ret->pid, bit = REC_PID;
			break;
		case 4:
			if (KEY_IS(key, "conn"))
				sv = &ret->conn, bit = REC_CONN;
			else if (KEY_IS(key, "type"))
				sv = &ret->type, bit = REC_TYPE;
			break;
		case 5:
			if (KEY_IS(key, "event"))
				sv = &ret->event, bit = REC_EVENT;
			else if (KEY_IS(key, "bytes"))
				nv = &ret->bytes, bit = REC_BYTES;
			break;
		case 6:
			if (KEY_IS(key, "method"))
				sv = &ret->method, bit = REC_METHOD;
			else if (KEY_IS(key, "status"))
				nv = &ret->status, bit = REC_STATUS;
			else if (KEY_IS(key, "dur_us"))
				nv = &ret->dur, bit = REC_DUR;
			break;
		case 8:
			if (KEY_IS(key, "bytes_in"))
				nv = &ret->bytes_in, bit = REC_BYTES_IN;
			break;
		}
		if (sv != NULL) {
			if (*p != '"' || scan_string(&p, end, sv) == -1)
				return -1;
		} else if (nv != NULL) {
			if (scan_uint(&p, end, nv) == -1)
				return -1;
		} else if (scan_other(&p, end) == -1)
			return -1;
		ret->seen |= bit;

		SKIP_WS(p, end);
		if (p >= end)
			return -1;
		if (*p == '}') {
			p++;
			break;
		}
		if (*p++ != ',')
			return -1;
		SKIP_WS(p, end);
	}
tail:
	SKIP_WS(p, end);
	return p == end ? 0 : -1;
}

/*
 * Undoes the escapes of a validated string into out (UTF-8 for \u, with
 * surrogate pairs joined).  -1 when it does not fit or a surrogate is lone.
 */
int
statsline_unescape(const struct str *s, char *out, size_t cap, size_t *ret_len)
{
	const char *p, *end;
	size_t n = 0;
	uint32_t cp, lo;
	char c;

	/* An absent field is an empty string with no pointer at all:
	 * neither memcpy nor arithmetic may touch it. */
	if (s->len == 0) {
		*ret_len = 0;
		return 0;
	}
	p = s->p;
	end = s->p + s->len;
	if (!s->esc) {
		if (s->len > cap)
			return -1;
		memcpy(out, s->p, s->len);
		*ret_len = s->len;
		return 0;
	}
	while (p < end) {
		if (*p != '\\') {
			if (n >= cap)
				return -1;
			out[n++] = *p++;
			continue;
		}
		p++;
		c = *p++;
		if (c != 'u') {
			switch (c) {
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			default: break;	/* '"', '\\', '/' stand for themselves */
			}
			if (n >= cap)
				return -1;
			out[n++] = c;
			continue;
		}
		cp = (uint32_t)(util_hex(p[0]) << 12 | util_hex(p[1]) << 8 |
		    util_hex(p[2]) << 4 | util_hex(p[3]));
		p += 4;
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return -1;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
				return -1;
			lo = (uint32_t)(util_hex(p[2]) << 12 | util_hex(p[3]) << 8 |
			    util_hex(p[4]) << 4 | util_hex(p[5]));
			if (lo < 0xdc00 || lo > 0xdfff)
				return -1;
			p += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
		if (cap - n < 4)
			return -1;
		if (cp < 0x80)
			out[n++] = (char)cp;
		else if (cp < 0x800) {
			out[n++] = (char)(0xc0 | cp >> 6);
			out[n++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			out[n++] = (char)(0xe0 | cp >> 12);
			out[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		} else {
			out[n++] = (char)(0xf0 | cp >> 18);
			out[n++] = (char)(0x80 | (cp >> 12 & 0x3f));
			out[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	*ret_len = n;
	return 0;
}

/* "2026-11-21T22:23:02.123456Z" (any number of fraction digits) to Unix us. */
int
statsline_time(const char *s, size_t len, int64_t *ret)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	int64_t y, mo, d, h, mi, sec, days, us = 0, scale = 100000;
	size_t i;

	if (len < sizeof(shape) || s[len - 1] != 'Z')
		return -1;
	for (i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') :
		    s[i] != shape[i])
			return -1;
#define D2(i)	((s[i] - '0') * 10 + (s[(i) + 1] - '0'))
	y = D2(0) * 100 + D2(2);
	mo = D2(5);
	d = D2(8);
	h = D2(11);
	mi = D2(14);
	sec = D2(17);
#undef D2
	i = sizeof(shape) - 1;
	if (i < len - 1) {
		if (s[i++] != '.' || i == len - 1)
			return -1;
		for (; i < len - 1; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			us += (s[i] - '0') * scale;
			scale /= 10;
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	/* Days from civil, H. Hinnant's algorithm. */
	y -= mo <= 2;
	{
		int64_t era = y / 400, yoe = y - era * 400;
		int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

		days = era * 146097 + doe - 719468;
	}
	*ret = ((days * 24 + h) * 60 + mi) * 60 * US_PER_SEC +
	    sec * US_PER_SEC + us;
	return 0;
}
