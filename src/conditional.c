/*
 * conditional.c - the field values of conditional and range requests:
 * Range (RFC 9110 section 14.2) and the entity-tag lists of If-Match and
 * If-None-Match (section 13.1).  file.c decides what to send with them.
 *
 * Pure like parse.c: no I/O, no allocation, no logging.  Neither value is
 * ever answered with 400: a Range that is not understood is ignored, and a
 * malformed entity-tag matches nothing.
 */

#include <stddef.h>
#include <string.h>

#include "http.h"

/*
 * Bounded decimal for ranges: digits only, saturating at UINT64_MAX, so a
 * 20-digit position is simply past any file.  Returns the digits read.
 */
static size_t
range_number(const char *p, size_t n, uint64_t *ret)
{
	uint64_t	 v = 0;
	size_t		 i;
	unsigned	 d;

	for (i = 0; i < n && util_isdigit((unsigned char)p[i]); i++) {
		d = (unsigned)(p[i] - '0');
		v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
	}
	*ret = v;
	return i;
}

/*
 * range_parse - interpret a Range value (RFC 9110 section 14.1.2) for a
 * file of size octets.  Returns PARSE_OK with the inclusive, clamped range
 * in *ret_first and *ret_last; RANGE_UNSATISFIABLE (416) when it starts at
 * or past the end, is an empty suffix, or the file is empty; RANGE_NONE
 * when the header is to be ignored: another unit, bad syntax, first > last,
 * or several ranges (answered with the whole file).
 */
int
range_parse(struct span value, uint64_t size, uint64_t *ret_first,
    uint64_t *ret_last)
{
	struct span	 unit, spec;
	const char	*eq;
	uint64_t	 first, last = 0, suffix;
	size_t		 n, i;
	int		 has_last = 0;

	if (value.p == NULL)
		return RANGE_NONE;
	value = span_trim(value);
	if ((eq = memchr(value.p, '=', value.len)) == NULL)
		return RANGE_NONE;
	unit.p = value.p;
	unit.len = (size_t)(eq - value.p);
	/* Range units are case-insensitive (RFC 9110 section 14.1). */
	if (!span_eq_ci(unit, "bytes"))
		return RANGE_NONE;
	/* OWS around the range, as around any list element. */
	spec.p = eq + 1;
	spec.len = value.len - unit.len - 1;
	spec = span_trim(spec);
	if (memchr(spec.p, ',', spec.len) != NULL || spec.len == 0)
		return RANGE_NONE;

	if (spec.p[0] == '-') {
		/* suffix-range: the last suffix octets */
		n = range_number(spec.p + 1, spec.len - 1, &suffix);
		if (n == 0 || n != spec.len - 1)
			return RANGE_NONE;
		if (suffix == 0 || size == 0)
			return RANGE_UNSATISFIABLE;
		*ret_first = suffix >= size ? 0 : size - suffix;
		*ret_last = size - 1;
		return PARSE_OK;
	}
	n = range_number(spec.p, spec.len, &first);
	if (n == 0 || n == spec.len || spec.p[n] != '-')
		return RANGE_NONE;
	i = n + 1;
	if (i < spec.len) {
		n = range_number(spec.p + i, spec.len - i, &last);
		if (n != spec.len - i)
			return RANGE_NONE;
		has_last = 1;
		if (first > last)
			return RANGE_NONE;
	}
	if (first >= size)
		return RANGE_UNSATISFIABLE;
	*ret_first = first;
	*ret_last = !has_last || last >= size ? size - 1 : last;
	return PARSE_OK;
}

/*
 * Reads one entity-tag at *s (RFC 9110 section 8.8.3): sets *weak and *tag
 * (the opaque-tag, quotes included) and advances *s past it.  Returns 0, or
 * -1 when malformed.
 */
static int
etag_next(struct span *s, int *weak, struct span *tag)
{
	size_t	 i = 0;

	*weak = 0;
	if (s->len >= 2 && s->p[0] == 'W' && s->p[1] == '/') {
		*weak = 1;
		i = 2;
	}
	if (i >= s->len || s->p[i] != '"')
		return -1;
	tag->p = s->p + i;
	for (i++; i < s->len && s->p[i] != '"'; i++) {
		unsigned char c = (unsigned char)s->p[i];

		/* etagc = %x21 / %x23-7E / obs-text */
		if (c < 0x21 || c == 0x7f)
			return -1;
	}
	if (i == s->len)
		return -1;
	i++;
	tag->len = (size_t)(s->p + i - tag->p);
	s->p += i;
	s->len -= i;
	return 0;
}

/*
 * etag_match - does the If-Match / If-None-Match value list match our
 * entity-tag etag (quoted, normally strong)?  "*" matches anything.  weak
 * selects the weak comparison (W/ ignored on both sides, for
 * If-None-Match); otherwise the strong one, where no weak tag matches (for
 * If-Match).  Malformed elements never match.  Returns 1 or 0.
 */
int
etag_match(struct span list, struct span etag, int weak)
{
	struct span	 own, tag;
	int		 own_weak = 0, tag_weak;

	if (list.p == NULL || etag.p == NULL)
		return 0;
	list = span_trim(list);
	if (list.len == 1 && list.p[0] == '*')
		return 1;
	own = etag;
	if (etag_next(&own, &own_weak, &tag) == -1 || own.len != 0)
		return 0;
	own = tag;
	if (own_weak && !weak)
		return 0;

	while (list.len > 0) {
		if (list.p[0] == ',' || list.p[0] == ' ' || list.p[0] == '\t') {
			list.p++;
			list.len--;
			continue;
		}
		if (etag_next(&list, &tag_weak, &tag) == -1) {
			/* Skip the malformed element up to the next comma. */
			while (list.len > 0 && list.p[0] != ',') {
				list.p++;
				list.len--;
			}
			continue;
		}
		/* A tag glued to what follows is malformed too. */
		if (list.len > 0 && list.p[0] != ',' && list.p[0] != ' ' &&
		    list.p[0] != '\t') {
			while (list.len > 0 && list.p[0] != ',') {
				list.p++;
				list.len--;
			}
			continue;
		}
		if (tag_weak && !weak)
			continue;
		if (tag.len == own.len && memcmp(tag.p, own.p, tag.len) == 0)
			return 1;
	}
	return 0;
}
