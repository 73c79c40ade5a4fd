/*
 * fuzz_json.c - libFuzzer target for util_json_string(): any bytes encode
 * to one JSON string that jansson decodes, to the same bytes when they
 * were valid UTF-8 (jansson's json_stringn() says which), and never longer
 * than six bytes per input byte plus the quotes.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_JSON_MAX	4096

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 out[6 * FUZZ_JSON_MAX + 2];
	json_t		*j, *ref;
	size_t		 n;

	if (size > FUZZ_JSON_MAX)
		return 0;
	n = util_json_string(out, sizeof(out),
	    (struct span){ (const char *)data, size });
	if (n < 2 || n > 6 * size + 2)
		abort();
	j = json_loadb(out, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (j == NULL || !json_is_string(j) || json_string_length(j) != size)
		abort();
	if ((ref = json_stringn((const char *)data, size)) != NULL &&
	    memcmp(json_string_value(j), data, size) != 0)
		abort();
	json_decref(ref);
	json_decref(j);
	return 0;
}
