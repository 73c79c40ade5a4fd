/*
 * test_config.c - unit tests of config.c: every key, every shape of error
 * message, comments, CR LF and over-long lines, relative path resolution,
 * the writable prefix check and error pages.  Each test writes its file
 * into a fresh temporary directory, which is also the working directory,
 * so that messages read "stdhttpd.conf:LINE: reason" exactly.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "unit.h"

#define CONF	"stdhttpd.conf"

/* The loads a timing test averages over, and the average it must beat. */
#define TIMING_LOADS	2000
#define TIMING_MAX_US	100

static char	origin[PATH_MAX];	/* the working directory at start */
static char	tmpdir[PATH_MAX];
static struct config c;

static struct span
sp(const char *s)
{
	return (struct span){ s, strlen(s) };
}

static void
write_file(const char *path, const char *text, size_t len)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd == -1 || write(fd, text, len) != (ssize_t)len) {
		printf("#   cannot write %s\n", path);
		unit_failed++;
	}
	if (fd != -1)
		close(fd);
}

static void
write_str(const char *path, const char *text)
{
	write_file(path, text, strlen(text));
}

/* Loads text as stdhttpd.conf over the defaults; returns config_load(). */
static int
load_len(const char *text, size_t len)
{
	write_file(CONF, text, len);
	config_defaults(&c);
	errno = 0;
	return config_load(&c, CONF);
}

static int
load(const char *text)
{
	return load_len(text, strlen(text));
}

/* Loads text, expects failure with errno EINVAL and exactly this message. */
#define CHECK_LOAD_ERROR(text, msg) do {				\
	CHECK_INT(load(text), -1);					\
	CHECK_INT(errno, EINVAL);					\
	CHECK_STR(c.error, msg);					\
} while (0)

static void
defaults_are_the_documented_ones(void)
{
	config_defaults(&c);
	CHECK_STR(c.root, "www");
	CHECK_STR(c.stats, "stats/stats.jsonl");
	CHECK_STR(c.error_log, "");
	CHECK_STR(c.server_name, "stdhttpd");
	CHECK_STR(c.user, "");
	CHECK_INT(c.nindex, 1);
	CHECK_STR(c.index[0], "index.html");
	CHECK_INT(c.nwritable, 0);
	CHECK_INT(c.ntypes, 0);
	CHECK_INT(c.nerror_pages, 0);
	CHECK_INT(c.strict_types, 0);
	CHECK_INT(c.create_dirs, 0);
	CHECK_INT(c.header_timeout_ms, 10000);
	CHECK_INT(c.body_timeout_ms, 30000);
	CHECK_INT(c.idle_timeout_ms, 15000);
	CHECK_INT(c.max_requests, 10000);
	CHECK(c.max_body == HTTP_MAX_BODY_DEFAULT);
	CHECK_STR(c.error, "");
}

static void
every_key_sets_its_field(void)
{
	CHECK_INT(load(
	    "root /srv/site\n"
	    "stats /var/lib/stdhttpd/stats.jsonl\n"
	    "error_log /var/log/stdhttpd.log\n"
	    "server_name example/2.0\n"
	    "user www-data\n"
	    "index index.htm default.html\n"
	    "type md text/markdown; charset=utf-8\n"
	    "type GMI text/gemini\n"
	    "strict_types on\n"
	    "create_dirs on\n"
	    "writable /upload/\n"
	    "writable /drop/box/\n"
	    "error_page 404 /404.html\n"
	    "error_page 500 /errors/500.html\n"
	    "header_timeout 500ms\n"
	    "body_timeout 2m\n"
	    "idle_timeout 5\n"
	    "max_requests 1000000\n"
	    "max_body 1G\n"), 0);
	CHECK_STR(c.error, "");
	CHECK_STR(c.root, "/srv/site");
	CHECK_STR(c.stats, "/var/lib/stdhttpd/stats.jsonl");
	CHECK_STR(c.error_log, "/var/log/stdhttpd.log");
	CHECK_STR(c.server_name, "example/2.0");
	CHECK_STR(c.user, "www-data");
	CHECK_INT(c.nindex, 2);
	CHECK_STR(c.index[0], "index.htm");
	CHECK_STR(c.index[1], "default.html");
	CHECK_INT(c.ntypes, 2);
	CHECK_STR(c.types[0].ext, "md");
	CHECK_STR(c.types[0].type, "text/markdown; charset=utf-8");
	CHECK_STR(c.types[1].ext, "gmi");
	CHECK_STR(c.types[1].type, "text/gemini");
	CHECK_INT(c.strict_types, 1);
	CHECK_INT(c.create_dirs, 1);
	CHECK_INT(c.nwritable, 2);
	CHECK_STR(c.writable[0], "/upload/");
	CHECK_STR(c.writable[1], "/drop/box/");
	CHECK_INT(c.nerror_pages, 2);
	CHECK_STR(config_error_page(&c, 404), "/404.html");
	CHECK_STR(config_error_page(&c, 500), "/errors/500.html");
	CHECK(config_error_page(&c, 403) == NULL);
	CHECK_INT(c.header_timeout_ms, 500);
	CHECK_INT(c.body_timeout_ms, 120000);
	CHECK_INT(c.idle_timeout_ms, 5000);
	CHECK_INT(c.max_requests, 1000000);
	CHECK(c.max_body == 1ULL << 30);

	CHECK_INT(load("strict_types off\ncreate_dirs off\nmax_body 0\n"
	    "max_requests 1\n"), 0);
	CHECK_INT(c.strict_types, 0);
	CHECK_INT(c.create_dirs, 0);
	CHECK(c.max_body == 0);
	CHECK_INT(c.max_requests, 1);
}

static void
comments_blank_lines_and_blanks_are_ignored(void)
{
	CHECK_INT(load(
	    "# a comment\n"
	    "\n"
	    "   \t \n"
	    "\t# an indented comment\n"
	    "  root \t /srv/a b   # trailing comment\n"
	    "server_name x#y\n"
	    "writable /a#b/\t# the prefix keeps its '#'\n"
	    "#root /nowhere\n"), 0);
	CHECK_STR(c.root, "/srv/a b");
	CHECK_STR(c.server_name, "x#y");
	CHECK_INT(c.nwritable, 1);
	CHECK_STR(c.writable[0], "/a#b/");
	CHECK_INT(load(""), 0);
	CHECK_STR(c.root, "www");
	CHECK_INT(load("\n\n# only comments\n"), 0);
}

static void
crlf_line_ends_are_accepted(void)
{
	CHECK_INT(load("root /srv/x\r\nindex a.html b.html\r\n"
	    "max_requests 7\r\n# c\r\n\r\n"), 0);
	CHECK_STR(c.root, "/srv/x");
	CHECK_INT(c.nindex, 2);
	CHECK_STR(c.index[1], "b.html");
	CHECK_INT(c.max_requests, 7);
	CHECK_LOAD_ERROR("root /x\r\nrooot /y\r\n",
	    CONF ":2: unknown key \"rooot\"");
}

static void
a_last_line_without_newline_counts(void)
{
	CHECK_INT(load("root /a\nmax_requests 9"), 0);
	CHECK_INT(c.max_requests, 9);
	CHECK_LOAD_ERROR("root /a\nmax_requests 0", CONF
	    ":2: max_requests: not a number from 1 to 1000000");
}

/* A line "server_name xxx...x" of exactly len bytes, then eol. */
static void
long_line(char *buf, size_t len, const char *eol)
{
	memcpy(buf, "server_name ", 12);
	memset(buf + 12, 'x', len - 12);
	memcpy(buf + len, eol, strlen(eol) + 1);
}

static void
lines_longer_than_the_limit_are_an_error(void)
{
	static char buf[3 * CONFIG_LINE_MAX + 64];
	size_t off;

	/* The name is too long for the field, but the line is not. */
	long_line(buf, CONFIG_LINE_MAX, "\n");
	CHECK_LOAD_ERROR(buf, CONF ":1: server_name: too long");
	long_line(buf, CONFIG_LINE_MAX, "\r\n");
	CHECK_LOAD_ERROR(buf, CONF ":1: server_name: too long");
	long_line(buf, CONFIG_LINE_MAX + 1, "\n");
	CHECK_LOAD_ERROR(buf, CONF ":1: line longer than 1024 bytes");
	long_line(buf, CONFIG_LINE_MAX + 1, "\r\n");
	CHECK_LOAD_ERROR(buf, CONF ":1: line longer than 1024 bytes");
	long_line(buf, CONFIG_LINE_MAX + 1, "");
	CHECK_LOAD_ERROR(buf, CONF ":1: line longer than 1024 bytes");
	/* A comment is a line too. */
	off = (size_t)snprintf(buf, sizeof(buf), "root /a\n\n");
	memset(buf + off, '#', 3 * CONFIG_LINE_MAX);
	memcpy(buf + off + 3 * CONFIG_LINE_MAX, "\n", 2);
	CHECK_LOAD_ERROR(buf, CONF ":3: line longer than 1024 bytes");
	/* Exactly the limit, as a comment: fine. */
	memset(buf, '#', CONFIG_LINE_MAX);
	memcpy(buf + CONFIG_LINE_MAX, "\nroot /ok\n", 11);
	CHECK_INT(load(buf), 0);
	CHECK_STR(c.root, "/ok");
}

static void
lines_straddling_reads_are_joined(void)
{
	static char buf[64 * 1024];
	size_t off = 0;
	int i;

	/* 5 KB of padding comments moves a directive across each read. */
	for (i = 0; i < 1000; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
		    "# %d\nwritable /p%d/\n", i, i % 10);
	off += (size_t)snprintf(buf + off, sizeof(buf) - off,
	    "max_requests 4321\nrooot x\n");
	CHECK_INT(load_len(buf, off), -1);
	CHECK_STR(c.error, CONF ":2002: unknown key \"rooot\"");
	CHECK_INT(c.nwritable, 10);
	CHECK_STR(c.writable[9], "/p9/");
	CHECK_INT(c.max_requests, 4321);
}

static void
error_messages_name_file_line_and_key(void)
{
	static const char *const cases[][2] = {
		{ "rooot www", "unknown key \"rooot\"" },
		{ "Root www", "unknown key \"Root\"" },
		{ "root", "root: missing value" },
		{ "root   ", "root: missing value" },
		{ "root # nothing", "root: missing value" },
		{ "max_requests 0", "max_requests: not a number from 1 to "
		    "1000000" },
		{ "max_requests 1000001", "max_requests: not a number from 1 "
		    "to 1000000" },
		{ "max_requests -1", "max_requests: not a number from 1 to "
		    "1000000" },
		{ "max_requests 99999999999999999999999", "max_requests: not "
		    "a number from 1 to 1000000" },
		{ "max_requests 5 6", "max_requests: not a number from 1 to "
		    "1000000" },
		{ "max_body 64X", "max_body: not a size such as 64M (bytes, "
		    "or suffix K, M or G)" },
		{ "max_body 99999999999G", "max_body: not a size such as 64M "
		    "(bytes, or suffix K, M or G)" },
		{ "header_timeout 0", "header_timeout: not a duration from "
		    "1ms to 24h, such as 10s, 500ms or 2m" },
		{ "body_timeout 25h", "body_timeout: not a duration from 1ms "
		    "to 24h, such as 10s, 500ms or 2m" },
		{ "idle_timeout soon", "idle_timeout: not a duration from 1ms "
		    "to 24h, such as 10s, 500ms or 2m" },
		{ "strict_types yes", "strict_types: expects on or off" },
		{ "create_dirs ON", "create_dirs: expects on or off" },
		{ "server_name two words", "server_name: expects one word of "
		    "visible ASCII" },
		{ "user a b", "user: expects one word of visible ASCII" },
		{ "user \xc3\xa4", "user: expects one word of visible ASCII" },
		{ "index a/b.html", "index: \"a/b.html\" is not a file name" },
		{ "index x ..", "index: \"..\" is not a file name" },
		{ "index a b c d e f g h i", "index: more than 8 names" },
		{ "type md", "type: expects an extension and a media type" },
		{ "type .md text/markdown", "type: extension \".md\": letters, "
		    "digits, '-', '_' or '+' and no dot" },
		{ "type abcdefghijklmnop text/plain", "type: extension "
		    "\"abcdefghijklmnop\" is too long" },
		{ "type md markdown", "type: \"markdown\" is not a media type "
		    "such as text/plain" },
		{ "type md text/", "type: \"text/\" is not a media type such "
		    "as text/plain" },
		{ "type md /x", "type: \"/x\" is not a media type such as "
		    "text/plain" },
		{ "type md a/b/c", "type: \"a/b/c\" is not a media type such "
		    "as text/plain" },
		{ "writable upload/", "writable: \"upload/\" is not a URL path "
		    "starting and ending with '/'" },
		{ "writable /upload", "writable: \"/upload\" is not a URL path "
		    "starting and ending with '/'" },
		{ "writable /a/../b/", "writable: \"/a/../b/\" is not a URL "
		    "path starting and ending with '/'" },
		{ "writable /a//b/", "writable: \"/a//b/\" is not a URL path "
		    "starting and ending with '/'" },
		{ "writable /a b/", "writable: \"/a b/\" is not a URL path "
		    "starting and ending with '/'" },
		{ "error_page 404", "error_page: expects a status and a URL "
		    "path" },
		{ "error_page 404 /a /b", "error_page: expects a status and a "
		    "URL path" },
		{ "error_page 399 /e.html", "error_page: status \"399\" is not "
		    "a number from 400 to 599" },
		{ "error_page 600 /e.html", "error_page: status \"600\" is not "
		    "a number from 400 to 599" },
		{ "error_page 404 e.html", "error_page: \"e.html\" is not a URL "
		    "path of a file, such as /404.html" },
		{ "error_page 404 /errors/", "error_page: \"/errors/\" is not a "
		    "URL path of a file, such as /404.html" },
		{ "root /a\001b", "root: control character in value" },
	};
	char text[256], want[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* Two good lines first, so the bad one is line 3. */
		(void)snprintf(text, sizeof(text), "# x\nroot /a\n%s\n",
		    cases[i][0]);
		(void)snprintf(want, sizeof(want), CONF ":3: %s",
		    cases[i][1]);
		CHECK_INT(load(text), -1);
		CHECK_INT(errno, EINVAL);
		CHECK_STR(c.error, want);
	}
}

static void
error_messages_do_not_echo_control_bytes_or_long_keys(void)
{
	CHECK_LOAD_ERROR("ro\033[2Jot x\n", CONF ":1: unknown key \"ro?[2Jot\"");
	CHECK_LOAD_ERROR(
	    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij x\n", CONF
	    ":1: unknown key \"abcdefghijabcdefghijabcdefghijabcdefghij...\"");
	CHECK_INT(load_len("root /a\nroot /b\0c\n", 18), -1);
	CHECK_STR(c.error, CONF ":2: NUL byte in line");
}

static void
missing_or_unreadable_files_name_the_file(void)
{
	config_defaults(&c);
	errno = 0;
	CHECK_INT(config_load(&c, "nonexistent.conf"), -1);
	CHECK_INT(errno, ENOENT);
	CHECK_STR(c.error, "nonexistent.conf: No such file or directory");
	CHECK_INT(mkdir("adir", 0755), 0);
	errno = 0;
	CHECK_INT(config_load(&c, "adir"), -1);
	CHECK_INT(errno, EISDIR);
	CHECK_STR(c.error, "adir: Is a directory");
}

static void
relative_paths_are_taken_from_the_file_directory(void)
{
	char path[PATH_MAX + 32], want[PATH_MAX + 32];

	CHECK_INT(mkdir("etc", 0755), 0);
	write_str("etc/site.conf", "root www\nstats s/stats.jsonl\n"
	    "error_log log/error.log\n");
	config_defaults(&c);
	CHECK_INT(config_load(&c, "etc/site.conf"), 0);
	CHECK_STR(c.root, "etc/www");
	CHECK_STR(c.stats, "etc/s/stats.jsonl");
	CHECK_STR(c.error_log, "etc/log/error.log");

	(void)snprintf(path, sizeof(path), "%s/etc/site.conf", tmpdir);
	config_defaults(&c);
	CHECK_INT(config_load(&c, path), 0);
	(void)snprintf(want, sizeof(want), "%s/etc/www", tmpdir);
	CHECK_STR(c.root, want);

	/* Beside the file when it has no directory part. */
	CHECK_INT(load("root site\nstats ./x.jsonl\n"), 0);
	CHECK_STR(c.root, "site");
	CHECK_STR(c.stats, "./x.jsonl");

	/* Absolute paths are kept; "-" is standard error again. */
	write_str("etc/abs.conf", "root /srv/www\nerror_log -\n");
	config_defaults(&c);
	CHECK_INT(config_load(&c, "etc/abs.conf"), 0);
	CHECK_STR(c.root, "/srv/www");
	CHECK_STR(c.error_log, "");
}

static void
command_line_values_stay_relative_to_the_working_directory(void)
{
	config_defaults(&c);
	CHECK_INT(config_set(&c, "root", "site", NULL, 0), 0);
	CHECK_STR(c.root, "site");
	CHECK_INT(config_set(&c, "stats", "/tmp/s.jsonl", NULL, 0), 0);
	CHECK_STR(c.stats, "/tmp/s.jsonl");
	CHECK_INT(config_set(&c, "writable", "/up/", NULL, 0), 0);
	CHECK(config_writable(&c, sp("/up/x")));
	/* Without a file, the message has no "FILE:LINE: " prefix. */
	CHECK_INT(config_set(&c, "writable", "up", NULL, 0), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_STR(c.error, "writable: \"up\" is not a URL path starting and "
	    "ending with '/'");
	CHECK_INT(config_set(&c, "rooot", "x", NULL, 0), -1);
	CHECK_STR(c.error, "unknown key \"rooot\"");
	/* With one, it has, and the file's directory counts. */
	CHECK_INT(config_set(&c, "root", "www", "/etc/stdhttpd/x.conf", 3), 0);
	CHECK_STR(c.root, "/etc/stdhttpd/www");
	CHECK_INT(config_set(&c, "root", "www", "/x.conf", 3), 0);
	CHECK_STR(c.root, "/www");
	CHECK_INT(config_set(&c, "max_body", "1Q", "/etc/x.conf", 12), -1);
	CHECK_STR(c.error, "/etc/x.conf:12: max_body: not a size such as 64M "
	    "(bytes, or suffix K, M or G)");
}

static void
a_failed_directive_leaves_the_configuration_unchanged(void)
{
	struct config before;

	config_defaults(&c);
	CHECK_INT(config_set(&c, "index", "a.html b.html", NULL, 0), 0);
	memcpy(&before, &c, sizeof(c));
	CHECK_INT(config_set(&c, "index", "x.html y/z", NULL, 0), -1);
	CHECK_INT(config_set(&c, "max_requests", "0", NULL, 0), -1);
	CHECK_INT(config_set(&c, "type", "md nonsense", NULL, 0), -1);
	CHECK_INT(config_set(&c, "error_page", "404 x", NULL, 0), -1);
	CHECK_INT(config_set(&c, "header_timeout", "0", NULL, 0), -1);
	CHECK_INT(config_set(&c, "strict_types", "1", NULL, 0), -1);
	before.error = c.error;
	memcpy(before.errbuf, c.errbuf, sizeof(c.errbuf));
	CHECK(memcmp(&before, &c, sizeof(c)) == 0);
}

static void
repeated_keys_replace_or_add_as_documented(void)
{
	CHECK_INT(load(
	    "root /a\nroot /b\n"
	    "max_requests 5\nmax_requests 6\n"
	    "index a.html\nindex b.html c.html\n"
	    "type md text/plain\ntype MD text/markdown\n"
	    "error_page 404 /a.html\nerror_page 404 /b.html\n"
	    "writable /u/\nwritable /v/\nwritable /u/\n"), 0);
	CHECK_STR(c.root, "/b");
	CHECK_INT(c.max_requests, 6);
	CHECK_INT(c.nindex, 2);
	CHECK_STR(c.index[0], "b.html");
	CHECK_INT(c.ntypes, 1);
	CHECK_STR(c.types[0].type, "text/markdown");
	CHECK_INT(c.nerror_pages, 1);
	CHECK_STR(config_error_page(&c, 404), "/b.html");
	CHECK_INT(c.nwritable, 2);
}

static void
lists_refuse_more_entries_than_they_hold(void)
{
	static char buf[8192];
	size_t off = 0;
	int i;

	for (i = 0; i < CONFIG_MAX_WRITABLE + 1; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
		    "writable /w%d/\n", i);
	CHECK_LOAD_ERROR(buf, CONF ":17: writable: more than 16 prefixes");
	CHECK_INT(c.nwritable, CONFIG_MAX_WRITABLE);

	for (off = 0, i = 0; i < CONFIG_MAX_TYPES + 1; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
		    "type e%d text/plain\n", i);
	CHECK_LOAD_ERROR(buf, CONF ":65: type: more than 64 types");
	CHECK_INT(c.ntypes, CONFIG_MAX_TYPES);

	for (off = 0, i = 0; i < CONFIG_MAX_ERROR_PAGES + 1; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
		    "error_page %d /e.html\n", 400 + i);
	CHECK_LOAD_ERROR(buf, CONF ":9: error_page: more than 8 error pages");
	CHECK_INT(c.nerror_pages, CONFIG_MAX_ERROR_PAGES);

	CHECK_INT(load("index a b c d e f g h\n"), 0);
	CHECK_INT(c.nindex, CONFIG_MAX_INDEX);
	CHECK_STR(c.index[7], "h");
}

/* s filled with n copies of ch and a NUL. */
static const char *
fill(char *s, int ch, size_t n)
{
	memset(s, ch, n);
	s[n] = '\0';
	return s;
}

static void
string_values_fit_at_their_longest_and_repeats_until_full(void)
{
	static char v[PATH_MAX + 8];
	struct config before;
	int i, rc;

	config_defaults(&c);
	v[0] = '/';
	fill(v + 1, 'p', PATH_MAX - 2);
	CHECK_INT(config_set(&c, "root", v, NULL, 0), 0);
	CHECK_INT(config_set(&c, "stats", v, NULL, 0), 0);
	CHECK_INT(config_set(&c, "error_log", v, NULL, 0), 0);
	CHECK_INT(config_set(&c, "server_name", fill(v, 's',
	    CONFIG_WORD_MAX - 1), NULL, 0), 0);
	CHECK_INT(config_set(&c, "user", fill(v, 'u', CONFIG_WORD_MAX - 1),
	    NULL, 0), 0);
	for (i = 0; i < CONFIG_MAX_INDEX; i++)
		CHECK_INT(config_set(&c, "index", fill(v, 'a' + i,
		    CONFIG_NAME_MAX - 1), NULL, 0), 0);
	for (i = 0; i < CONFIG_MAX_WRITABLE; i++) {
		fill(v, 'a' + i, CONFIG_NAME_MAX - 1);
		v[0] = v[CONFIG_NAME_MAX - 2] = '/';
		CHECK_INT(config_set(&c, "writable", v, NULL, 0), 0);
	}
	for (i = 0; i < CONFIG_MAX_ERROR_PAGES; i++) {
		v[0] = '4';
		v[1] = '0';
		v[2] = (char)('0' + i);
		v[3] = ' ';
		v[4] = '/';
		fill(v + 5, 'e', CONFIG_NAME_MAX - 2);
		CHECK_INT(config_set(&c, "error_page", v, NULL, 0), 0);
	}
	CHECK_INT(c.nwritable, CONFIG_MAX_WRITABLE);
	CHECK_INT(strlen(config_error_page(&c, 407)), CONFIG_NAME_MAX - 1);
	CHECK_INT(strlen(c.root), PATH_MAX - 1);

	/* Each repeat keeps its value: at last there is no room. */
	fill(v, 'r', CONFIG_NAME_MAX - 1);
	do {
		memcpy(&before, &c, sizeof(c));
		rc = config_set(&c, "index", v, NULL, 0);
	} while (rc == 0);
	CHECK_STR(c.error, "index: too many values set");
	before.error = c.error;
	memcpy(before.errbuf, c.errbuf, sizeof(c.errbuf));
	CHECK(memcmp(&before, &c, sizeof(c)) == 0);
	CHECK_STR(c.index[0], v);
}

static void
configured_types_are_lower_case_and_win_in_mime_lookups(void)
{
	CHECK_INT(load("type MD text/markdown;charset=utf-8\n"
	    "type css text/x-special\n"), 0);
	CHECK_STR(c.types[0].ext, "md");
	CHECK_STR(mime_type(&c, sp("README.Md")),
	    "text/markdown;charset=utf-8");
	CHECK_STR(mime_type(&c, sp("/s/site.css")), "text/x-special");
	CHECK_STR(mime_type(&c, sp("a.html")), "text/html; charset=utf-8");
}

static void
writable_prefixes_admit_only_paths_beneath_them(void)
{
	CHECK_INT(load("writable /upload/\nwritable /a/b/\n"), 0);
	CHECK_INT(config_writable(&c, sp("/upload/")), 1);
	CHECK_INT(config_writable(&c, sp("/upload/a")), 1);
	CHECK_INT(config_writable(&c, sp("/upload/d/e.txt")), 1);
	CHECK_INT(config_writable(&c, sp("/upload")), 0);
	CHECK_INT(config_writable(&c, sp("/uploads")), 0);
	CHECK_INT(config_writable(&c, sp("/uploads/x")), 0);
	CHECK_INT(config_writable(&c, sp("/Upload/x")), 0);
	CHECK_INT(config_writable(&c, sp("/x/upload/a")), 0);
	CHECK_INT(config_writable(&c, sp("/a/b/c")), 1);
	CHECK_INT(config_writable(&c, sp("/a/c")), 0);
	CHECK_INT(config_writable(&c, sp("/")), 0);
	CHECK_INT(config_writable(&c, sp("")), 0);
	CHECK_INT(config_writable(&c, (struct span){ "/upload/x", 7 }), 0);
	config_defaults(&c);
	CHECK_INT(config_writable(&c, sp("/upload/a")), 0);
}

static void
the_example_configuration_loads(void)
{
	char path[PATH_MAX + 32];

	(void)snprintf(path, sizeof(path), "%s/stdhttpd.conf", origin);
	config_defaults(&c);
	if (config_load(&c, path) == -1) {
		printf("#   %s (run from the top of the source tree)\n",
		    c.error);
		unit_failed++;
		return;
	}
	CHECK_INT(c.nwritable, 1);
	CHECK_STR(c.writable[0], "/upload/");
	CHECK_STR(config_error_page(&c, 404), "/404.html");
	CHECK_INT(c.strict_types, 0);
	CHECK_INT(c.nindex, 1);
	CHECK_STR(c.index[0], "index.html");
	CHECK(strlen(c.root) > 4 &&
	    strcmp(c.root + strlen(c.root) - 4, "/www") == 0);
}

static void
a_5k_configuration_loads_in_microseconds(void)
{
	static char buf[8192];
	struct timespec t0, t1;
	size_t off = 0;
	long long us;
	int i;

	for (i = 0; off < 5000; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
		    "# The setting below is number %d, explained at length.\n"
		    "max_requests %d\n", i, i + 1);
	CHECK_INT(load_len(buf, off), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < TIMING_LOADS; i++) {
		config_defaults(&c);
		(void)config_load(&c, CONF);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = ((t1.tv_sec - t0.tv_sec) * 1000000000LL +
	    (t1.tv_nsec - t0.tv_nsec)) / 1000 / TIMING_LOADS;
	printf("#   %lld us per load of %zu bytes\n", us, off);
	CHECK(us < TIMING_MAX_US);
}

int
main(void)
{
	const char *t = getenv("TMPDIR");

	if (getcwd(origin, sizeof(origin)) == NULL)
		return 1;
	(void)snprintf(tmpdir, sizeof(tmpdir), "%s/test_config.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL || chdir(tmpdir) == -1) {
		perror(tmpdir);
		return 1;
	}

	RUN(defaults_are_the_documented_ones);
	RUN(every_key_sets_its_field);
	RUN(comments_blank_lines_and_blanks_are_ignored);
	RUN(crlf_line_ends_are_accepted);
	RUN(a_last_line_without_newline_counts);
	RUN(lines_longer_than_the_limit_are_an_error);
	RUN(lines_straddling_reads_are_joined);
	RUN(error_messages_name_file_line_and_key);
	RUN(error_messages_do_not_echo_control_bytes_or_long_keys);
	RUN(missing_or_unreadable_files_name_the_file);
	RUN(relative_paths_are_taken_from_the_file_directory);
	RUN(command_line_values_stay_relative_to_the_working_directory);
	RUN(a_failed_directive_leaves_the_configuration_unchanged);
	RUN(repeated_keys_replace_or_add_as_documented);
	RUN(lists_refuse_more_entries_than_they_hold);
	RUN(string_values_fit_at_their_longest_and_repeats_until_full);
	RUN(configured_types_are_lower_case_and_win_in_mime_lookups);
	RUN(writable_prefixes_admit_only_paths_beneath_them);
	RUN(the_example_configuration_loads);
	RUN(a_5k_configuration_loads_in_microseconds);

	/* Leave nothing behind. */
	(void)unlink(CONF);
	(void)unlink("etc/site.conf");
	(void)unlink("etc/abs.conf");
	(void)rmdir("etc");
	(void)rmdir("adir");
	if (chdir(origin) == 0)
		(void)rmdir(tmpdir);
	return unit_done();
}
