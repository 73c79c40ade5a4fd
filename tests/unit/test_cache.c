/*
 * test_cache.c - unit tests of cache.c in a fresh temporary directory:
 * entries round-trip with their validators, replace each other atomically,
 * and a corrupt or foreign entry is removed instead of served.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "unit.h"

#define URL	"http://127.0.0.1:8080/a/b.html"

static char dir[] = "/tmp/test_cache.XXXXXX";

static int
put(const char *url, const char *etag, const char *lm, const char *body)
{
	struct cache_writer w;

	if (cache_begin(&w, dir, url, etag, lm) == -1)
		return -1;
	if (cache_write(&w, body, strlen(body)) == -1) {
		cache_abort(&w);
		return -1;
	}
	return cache_commit(&w);
}

/* Reads the body of an open entry into buf (NUL-terminated). */
static void
body(struct cache_entry *e, char *buf, size_t size)
{
	ssize_t	 n = read(e->fd, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
}

/* The only regular entry file in dir, for tampering. */
static int
entry_path(char *buf, size_t size)
{
	DIR		*d;
	struct dirent	*de;
	int		 found = -1;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			(void)snprintf(buf, size, "%s/%s", dir, de->d_name);
			found = 0;
		}
	(void)closedir(d);
	return found;
}

static int
count_files(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..")
		    != 0)
			n++;
	(void)closedir(d);
	return n;
}

/* Empties dir (and one level of subdirectories); rmdir if asked. */
static void
clear(const char *d, int remove_dir)
{
	DIR		*dp;
	struct dirent	*de;
	char		 path[PATH_MAX];

	if ((dp = opendir(d)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", d, de->d_name);
		if (unlink(path) == -1)
			clear(path, 1);	/* a directory */
	}
	(void)closedir(dp);
	if (remove_dir)
		(void)rmdir(d);
}

static void
stored_entry_comes_back_with_its_validators(void)
{
	struct cache_entry e;
	char	 buf[64];

	CHECK_INT(put(URL, "\"v1\"", "Sun, 06 Nov 1994 08:49:37 GMT",
	    "hello"), 0);
	CHECK_INT(cache_open(dir, URL, &e), 0);
	CHECK_STR(e.etag, "\"v1\"");
	CHECK_STR(e.last_modified, "Sun, 06 Nov 1994 08:49:37 GMT");
	CHECK_INT(e.length, 5);
	body(&e, buf, sizeof(buf));
	CHECK_STR(buf, "hello");
	cache_close(&e);
	CHECK_INT(count_files(), 1);	/* no temporary file left behind */
}

static void
missing_entry_is_enoent(void)
{
	struct cache_entry e;

	errno = 0;
	CHECK_INT(cache_open(dir, "http://h:80/none", &e), -1);
	CHECK_INT(errno, ENOENT);
}

static void
new_entry_replaces_the_old_one(void)
{
	struct cache_entry e;
	char	 buf[64];

	CHECK_INT(put(URL, "\"v2\"", "", "second body"), 0);
	CHECK_INT(cache_open(dir, URL, &e), 0);
	CHECK_STR(e.etag, "\"v2\"");
	CHECK_STR(e.last_modified, "");
	body(&e, buf, sizeof(buf));
	CHECK_STR(buf, "second body");
	cache_close(&e);
}

static void
empty_body_is_a_valid_entry(void)
{
	struct cache_entry e;

	CHECK_INT(put("http://h:80/empty", "\"e\"", "", ""), 0);
	CHECK_INT(cache_open(dir, "http://h:80/empty", &e), 0);
	CHECK_INT(e.length, 0);
	cache_close(&e);
}

static void
aborted_entry_leaves_the_old_one_and_no_file(void)
{
	struct cache_writer w;
	struct cache_entry e;
	int	 before = count_files();

	CHECK_INT(cache_begin(&w, dir, URL, "\"v3\"", ""), 0);
	CHECK_INT(cache_write(&w, "partial", 7), 0);
	cache_abort(&w);
	CHECK_INT(count_files(), before);
	CHECK_INT(cache_open(dir, URL, &e), 0);
	CHECK_STR(e.etag, "\"v2\"");
	cache_close(&e);
}

/* Flips one byte of the entry file at offset from its end. */
static void
tamper(off_t from_end, char with)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	int		 fd;

	if (entry_path(path, sizeof(path)) == -1 ||
	    (fd = open(path, O_RDWR)) == -1)
		return;
	if (fstat(fd, &st) == 0)
		CHECK_INT(pwrite(fd, &with, 1, st.st_size - from_end), 1);
	(void)close(fd);
}

static void
corrupt_body_is_removed_not_served(void)
{
	struct cache_entry e;
	char	 path[PATH_MAX];

	CHECK_INT(put(URL, "\"v4\"", "", "good body"), 0);
	tamper(1, 'X');
	errno = 0;
	CHECK_INT(cache_open(dir, URL, &e), -1);
	CHECK_INT(errno, EBADMSG);
	CHECK_INT(entry_path(path, sizeof(path)), -1);	/* removed */
}

static void
truncated_entry_is_removed_not_served(void)
{
	struct cache_entry e;
	char	 path[PATH_MAX];

	CHECK_INT(put(URL, "\"v5\"", "", "a longer body"), 0);
	if (entry_path(path, sizeof(path)) == 0)
		CHECK_INT(truncate(path, 40), 0);
	CHECK_INT(cache_open(dir, URL, &e), -1);
	CHECK_INT(errno, EBADMSG);
	CHECK_INT(entry_path(path, sizeof(path)), -1);
}

static void
garbage_file_is_removed_not_served(void)
{
	struct cache_entry e;
	char	 path[PATH_MAX];
	int	 fd;

	CHECK_INT(put(URL, "\"v6\"", "", "body"), 0);
	if (entry_path(path, sizeof(path)) == 0 &&
	    (fd = open(path, O_WRONLY | O_TRUNC)) != -1) {
		CHECK_INT(write(fd, "junk\n\njunk", 10), 10);
		(void)close(fd);
	}
	CHECK_INT(cache_open(dir, URL, &e), -1);
	CHECK_INT(errno, EBADMSG);
}

static void
validator_with_newline_is_refused(void)
{
	struct cache_writer w;

	errno = 0;
	CHECK_INT(cache_begin(&w, dir, URL, "\"a\nb\"", ""), -1);
	CHECK_INT(errno, EINVAL);
}

static void
missing_directory_is_created(void)
{
	char	 sub[PATH_MAX];
	struct cache_entry e;
	struct cache_writer w;

	(void)snprintf(sub, sizeof(sub), "%s/sub", dir);
	CHECK_INT(cache_begin(&w, sub, URL, "\"s\"", ""), 0);
	CHECK_INT(cache_commit(&w), 0);
	CHECK_INT(cache_open(sub, URL, &e), 0);
	cache_close(&e);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(stored_entry_comes_back_with_its_validators);
	RUN(missing_entry_is_enoent);
	RUN(new_entry_replaces_the_old_one);
	RUN(empty_body_is_a_valid_entry);
	RUN(aborted_entry_leaves_the_old_one_and_no_file);
	/* The tampering tests want one entry in the directory. */
	clear(dir, 0);
	RUN(corrupt_body_is_removed_not_served);
	RUN(truncated_entry_is_removed_not_served);
	RUN(garbage_file_is_removed_not_served);
	RUN(validator_with_newline_is_refused);
	RUN(missing_directory_is_created);
	clear(dir, 1);
	return unit_done();
}
