/*
 * test_json.c - util_json_string(), the encoder of the handler's stats
 * records, checked against jansson: whatever the bytes, the output is one
 * JSON string that jansson decodes, to the same bytes when they were UTF-8.
 */
#include <jansson.h>
#include <stdlib.h>

#include "http.h"
#include "unit.h"

/* Encodes s and decodes it with jansson; returns the decoded string. */
static char *
round_trip(const char *s, size_t len, size_t *ret_len)
{
	char		 out[6 * 256 + 2];
	json_t		*j;
	json_error_t	 err;
	char		*copy = NULL;
	size_t		 n;

	n = util_json_string(out, sizeof(out), (struct span){ s, len });
	if (n == 0)
		return NULL;
	if ((j = json_loadb(out, n, JSON_DECODE_ANY | JSON_ALLOW_NUL,
	    &err)) == NULL || !json_is_string(j))
		goto out;
	*ret_len = json_string_length(j);
	copy = malloc(*ret_len + 1);
	memcpy(copy, json_string_value(j), *ret_len + 1);
out:
	json_decref(j);
	return copy;
}

static void
utf8_and_escapes_decode_to_the_same_bytes(void)
{
	static const char *v[] = {
		"", "/index.html", "a\"b\\c", "line\nbreak\r\ttab",
		"\x01\x1f\x7f", "gr\xc3\xbc\xc3\x9f" "e", "\xe2\x82\xac",
		"\xf0\x9f\xa6\x8b", "</script>",
	};
	size_t	i, n;
	char	*d;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		d = round_trip(v[i], strlen(v[i]), &n);
		CHECK(d != NULL);
		if (d != NULL)
			CHECK_STR(d, v[i]);
		free(d);
	}
}

static void
bytes_that_are_not_utf8_become_question_marks(void)
{
	static const struct { const char *in, *want; } v[] = {
		{ "a\xff" "b", "a?b" },
		{ "\xc3", "?" },			/* cut short */
		{ "\xc0\xaf", "??" },			/* overlong '/' */
		{ "\xed\xa0\x80", "???" },		/* a surrogate */
		{ "\xf4\x90\x80\x80", "????" },		/* above U+10FFFF */
		{ "ok \xc3\xbc \xff", "ok ?? ?" },	/* all or nothing */
	};
	size_t	i, n;
	char	*d;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		d = round_trip(v[i].in, strlen(v[i].in), &n);
		CHECK(d != NULL);
		if (d != NULL)
			CHECK_STR(d, v[i].want);
		free(d);
	}
}

static void
a_string_that_does_not_fit_gives_zero(void)
{
	char	out[8];

	CHECK_INT(util_json_string(out, sizeof(out), SPAN_LIT("abcde")), 7);
	CHECK_INT(util_json_string(out, sizeof(out), SPAN_LIT("\x01")), 8);
	CHECK_INT(util_json_string(out, sizeof(out), SPAN_LIT("abcdefg")), 0);
	CHECK_INT(util_json_string(out, 1, SPAN_LIT("")), 0);
}

static void
every_single_byte_encodes_to_valid_json(void)
{
	char	s[1], *d;
	size_t	n;
	int	b;

	for (b = 0; b < 256; b++) {
		s[0] = (char)b;
		d = round_trip(s, 1, &n);
		CHECK(d != NULL && n == 1);
		if (d != NULL && b < 0x80)
			CHECK_INT((unsigned char)d[0], b);
		free(d);
	}
}

int
main(void)
{
	RUN(utf8_and_escapes_decode_to_the_same_bytes);
	RUN(bytes_that_are_not_utf8_become_question_marks);
	RUN(a_string_that_does_not_fit_gives_zero);
	RUN(every_single_byte_encodes_to_valid_json);
	return unit_done();
}
