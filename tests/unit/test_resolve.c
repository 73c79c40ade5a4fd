/*
 * test_resolve.c - file_resolve(): request paths to normalised paths
 * beneath the root, and the statuses for those that must not get there.
 * Each vector is copied into a heap buffer of exactly its length, so a read
 * past its end is caught under ASan and valgrind.
 */
#include <stdlib.h>

#include "handler.h"
#include "unit.h"

/* Resolves s; returns the status and writes the path to out. */
static int
resolve(const char *s, char *out, size_t outlen)
{
	size_t	 len = strlen(s);
	char	*copy = malloc(len ? len : 1);
	int	 rc;

	memcpy(copy, s, len);
	rc = file_resolve((struct span){ copy, len }, out, outlen);
	free(copy);
	return rc;
}

static const struct {
	const char	*in;
	const char	*want;
} good[] = {
	{ "/", "/" },
	{ "/index.html", "/index.html" },
	{ "/a/b/c.txt", "/a/b/c.txt" },
	{ "/dir/", "/dir/" },
	{ "//a///b//", "/a/b/" },
	{ "/./a/./b", "/a/b" },
	{ "/a/b/../c", "/a/c" },
	{ "/a/b/..", "/a/" },
	{ "/a/.", "/a/" },
	{ "/a/..", "/" },
	{ "/..a/b", NULL },	/* a dotfile: see bad[] */
	{ "/a%20b.txt", "/a b.txt" },
	{ "/%41%62c", "/Abc" },
	{ "/a%2fb", "/a/b" },	/* decoded once, then a separator */
	{ "/a%2Fb/%2e%2e/c", "/a/c" },
	{ "/gr%C3%BC%C3%9Fe", "/gr\xc3\xbc\xc3\x9f" "e" },
	{ "/a+b", "/a+b" },
	{ "/%25", "/%" },	/* decoded once only */
	{ "/%2541", "/%41" },
	{ "/a\\..\\b", "/a\\..\\b" },	/* backslash is a name byte */
};

static const struct {
	const char	*in;
	int		 want;
} bad[] = {
	{ "/..", 400 },
	{ "/../etc/passwd", 400 },
	{ "/a/../../etc/passwd", 400 },
	{ "/%2e%2e/etc/passwd", 400 },
	{ "/%2E%2E%2Fetc/passwd", 400 },
	{ "/..%2f..%2fetc/passwd", 400 },
	{ "/a/%2e%2e/%2e%2e/b", 400 },
	{ "/a%00b", 400 },
	{ "/a%", 400 },
	{ "/a%4", 400 },
	{ "/a%zz", 400 },
	{ "/a%g0", 400 },
	{ "relative", 400 },
	{ "*", 400 },
	{ "", 400 },
	{ "/.htaccess", 404 },
	{ "/.git/config", 404 },
	{ "/a/.hidden/b", 404 },
	{ "/%2egit/HEAD", 404 },
	{ "/..a/b", 404 },
	{ "/a/...", 404 },
};

static void
clean_paths_resolve_to_their_normal_form(void)
{
	char	out[FILE_PATH_MAX];
	size_t	i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (good[i].want == NULL)
			continue;
		CHECK_INT(resolve(good[i].in, out, sizeof(out)), 0);
		CHECK_STR(out, good[i].want);
	}
}

static void
paths_out_of_bounds_or_malformed_get_their_status(void)
{
	char	out[FILE_PATH_MAX];
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = resolve(bad[i].in, out, sizeof(out));

		if (rc != bad[i].want)
			printf("#   %s\n", bad[i].in);
		CHECK_INT(rc, bad[i].want);
	}
}

static void
a_result_longer_than_the_output_is_414(void)
{
	char	out[16];

	/* Room for each segment, its slash and the NUL. */
	CHECK_INT(resolve("/abcdefgh/ijkl", out, sizeof(out)), 0);
	CHECK_STR(out, "/abcdefgh/ijkl");
	CHECK_INT(resolve("/abcdefgh/ijkl/", out, sizeof(out)), 0);
	CHECK_STR(out, "/abcdefgh/ijkl/");
	CHECK_INT(resolve("/abcdefgh/ijklmn", out, sizeof(out)), 414);
}

static void
a_decoded_path_longer_than_the_limit_is_414(void)
{
	static char	in[FILE_PATH_MAX + 2], out[FILE_PATH_MAX];

	memset(in, 'a', sizeof(in) - 1);
	in[0] = '/';
	CHECK_INT(resolve(in, out, sizeof(out)), 414);
}

int
main(void)
{
	RUN(clean_paths_resolve_to_their_normal_form);
	RUN(paths_out_of_bounds_or_malformed_get_their_status);
	RUN(a_result_longer_than_the_output_is_414);
	RUN(a_decoded_path_longer_than_the_limit_is_414);
	return unit_done();
}
