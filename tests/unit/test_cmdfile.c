/*
 * test_cmdfile.c - unit tests of cmdfile.c: webclient's command lines, URLs
 * and HOST PORT PATH arguments, the well-formed and each way of being
 * malformed.
 */
#include <string.h>

#include "client.h"
#include "unit.h"

/* Parses a NUL-terminated line; returns cmdfile_parse_line()'s result. */
static int
line(const char *s, struct command *c, const char **err)
{
	memset(c, 0, sizeof(*c));
	*err = NULL;
	return cmdfile_parse_line(s, strlen(s), c, err);
}

static void
full_line_gives_method_path_host_and_port(void)
{
	struct command	 c;
	const char	*err;

	CHECK_INT(line("GET /a/b.html example.org 8080", &c, &err), 1);
	CHECK_INT(c.method, METHOD_GET);
	CHECK_STR(c.path, "/a/b.html");
	CHECK_STR(c.host, "example.org");
	CHECK_STR(c.port, "8080");
}

static void
missing_port_means_80(void)
{
	struct command	 c;
	const char	*err;

	CHECK_INT(line("DELETE /x 127.0.0.1", &c, &err), 1);
	CHECK_INT(c.method, METHOD_DELETE);
	CHECK_STR(c.port, "80");
}

static void
every_method_is_recognised(void)
{
	struct command	 c;
	const char	*err;

	CHECK_INT(line("HEAD / h", &c, &err), 1);
	CHECK_INT(c.method, METHOD_HEAD);
	CHECK_INT(line("POST / h", &c, &err), 1);
	CHECK_INT(c.method, METHOD_POST);
	CHECK_INT(line("PUT / h", &c, &err), 1);
	CHECK_INT(c.method, METHOD_PUT);
	CHECK_STR(cmdfile_method_name(METHOD_PUT), "PUT");
	CHECK_INT(cmdfile_method("DELETE", 6), METHOD_DELETE);
	CHECK_INT(cmdfile_method("OPTIONS", 7), METHOD_UNKNOWN);
}

static void
blank_and_comment_lines_are_skipped(void)
{
	struct command	 c;
	const char	*err;

	CHECK_INT(line("", &c, &err), 0);
	CHECK_INT(line("   \t \r", &c, &err), 0);
	CHECK_INT(line("# GET / h", &c, &err), 0);
	CHECK_INT(line("   # indented comment", &c, &err), 0);
}

static void
trailing_comment_and_cr_are_ignored(void)
{
	struct command	 c;
	const char	*err;

	CHECK_INT(line("GET /a h 81 # why\r", &c, &err), 1);
	CHECK_STR(c.port, "81");
	CHECK_INT(line("GET /a h\r", &c, &err), 1);
	CHECK_STR(c.host, "h");
}

static void
malformed_lines_are_rejected_with_a_reason(void)
{
	struct command	 c;
	const char	*err;

	CHECK_INT(line("get / h", &c, &err), -1);
	CHECK(err != NULL && strstr(err, "method") != NULL);
	CHECK_INT(line("FETCH / h", &c, &err), -1);
	CHECK_INT(line("GET /", &c, &err), -1);
	CHECK(err != NULL && strstr(err, "missing") != NULL);
	CHECK_INT(line("GET", &c, &err), -1);
	CHECK_INT(line("GET / h 80 extra", &c, &err), -1);
	CHECK(err != NULL && strstr(err, "too many") != NULL);
	CHECK_INT(line("GET nopath h", &c, &err), -1);
	CHECK(err != NULL && strstr(err, "path") != NULL);
	CHECK_INT(line("GET / h 0", &c, &err), -1);
	CHECK(err != NULL && strstr(err, "port") != NULL);
	CHECK_INT(line("GET / h 65536", &c, &err), -1);
	CHECK_INT(line("GET / h 8o", &c, &err), -1);
	CHECK_INT(line("GET / h/x 80", &c, &err), -1);
	CHECK(err != NULL && strstr(err, "host") != NULL);
}

static void
nul_byte_in_a_line_is_rejected(void)
{
	struct command	 c;
	const char	*err = NULL;
	static const char s[] = "GET /a\0b h";

	memset(&c, 0, sizeof(c));
	CHECK_INT(cmdfile_parse_line(s, sizeof(s) - 1, &c, &err), -1);
}

static void
line_number_is_left_to_the_caller(void)
{
	struct command	 c;
	const char	*err;

	memset(&c, 0, sizeof(c));
	c.line = 42;
	CHECK_INT(cmdfile_parse_line("GET / h", 7, &c, &err), 1);
	CHECK_INT(c.line, 42);
}

static void
url_with_port_and_path_parses(void)
{
	struct command	 c;
	const char	*err;

	CHECK_INT(cmdfile_parse_url("http://127.0.0.1:8080/a/b?x=1#frag", &c,
	    &err), 0);
	CHECK_INT(c.method, METHOD_GET);
	CHECK_STR(c.host, "127.0.0.1");
	CHECK_STR(c.port, "8080");
	CHECK_STR(c.path, "/a/b?x=1");
}

static void
url_without_port_or_path_means_80_and_slash(void)
{
	struct command	 c;
	const char	*err;

	CHECK_INT(cmdfile_parse_url("http://example.org", &c, &err), 0);
	CHECK_STR(c.host, "example.org");
	CHECK_STR(c.port, "80");
	CHECK_STR(c.path, "/");
	CHECK_INT(cmdfile_parse_url("http://example.org?q", &c, &err), 0);
	CHECK_STR(c.path, "/?q");
}

static void
url_with_ipv6_literal_keeps_the_address(void)
{
	struct command	 c;
	const char	*err;

	CHECK_INT(cmdfile_parse_url("http://[::1]:8080/x", &c, &err), 0);
	CHECK_STR(c.host, "::1");
	CHECK_STR(c.port, "8080");
	CHECK_STR(c.path, "/x");
}

static void
bad_urls_are_rejected(void)
{
	struct command	 c;
	const char	*err;

	CHECK_INT(cmdfile_parse_url("https://example.org/", &c, &err), -1);
	CHECK(strstr(err, "https") != NULL);
	CHECK_INT(cmdfile_parse_url("ftp://example.org/", &c, &err), -1);
	CHECK_INT(cmdfile_parse_url("http://:80/", &c, &err), -1);
	CHECK_INT(cmdfile_parse_url("http://h:/", &c, &err), -1);
	CHECK_INT(cmdfile_parse_url("http://h:99999/", &c, &err), -1);
	CHECK_INT(cmdfile_parse_url("http://[::1/", &c, &err), -1);
	CHECK_INT(cmdfile_parse_url("http://h/a b", &c, &err), -1);
}

static void
arguments_are_checked_like_lines(void)
{
	struct command	 c;
	const char	*err;

	memset(&c, 0, sizeof(c));
	CHECK_INT(cmdfile_check("localhost", "8080", "/x", &c, &err), 0);
	CHECK_STR(c.host, "localhost");
	CHECK_INT(cmdfile_check("localhost", "http", "/x", &c, &err), -1);
	CHECK_INT(cmdfile_check("localhost", "80", "x", &c, &err), -1);
}

int
main(void)
{
	RUN(full_line_gives_method_path_host_and_port);
	RUN(missing_port_means_80);
	RUN(every_method_is_recognised);
	RUN(blank_and_comment_lines_are_skipped);
	RUN(trailing_comment_and_cr_are_ignored);
	RUN(malformed_lines_are_rejected_with_a_reason);
	RUN(nul_byte_in_a_line_is_rejected);
	RUN(line_number_is_left_to_the_caller);
	RUN(url_with_port_and_path_parses);
	RUN(url_without_port_or_path_means_80_and_slash);
	RUN(url_with_ipv6_literal_keeps_the_address);
	RUN(bad_urls_are_rejected);
	RUN(arguments_are_checked_like_lines);
	return unit_done();
}
