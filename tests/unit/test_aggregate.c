/*
 * test_aggregate.c - the stats aggregation over hand-written record lines:
 * what is counted where, what is a bad line, connections and liveness,
 * percentiles, following a file through truncation and rotation, and
 * resuming from a checkpoint.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "admin.h"
#include "unit.h"

#define OPEN(conn, pid) "{\"ts\":\"2026-11-21T22:23:02.123456Z\"," \
	"\"event\":\"open\",\"pid\":" #pid ",\"conn\":\"" conn "\"," \
	"\"client\":\"127.0.0.1\"}\n"
#define CLOSE(conn, pid) "{\"ts\":\"2026-11-21T22:23:02.200000Z\"," \
	"\"event\":\"close\",\"pid\":" #pid ",\"conn\":\"" conn "\"," \
	"\"requests\":1,\"dur_us\":76499}\n"
#define REQ(method, status, type, dur) "{\"ts\":\"2026-11-21T22:23:02." \
	"123501Z\",\"event\":\"request\",\"pid\":4242,\"conn\":\"4242-6c3f\"," \
	"\"seq\":1,\"client\":\"127.0.0.1\",\"method\":\"" method "\"," \
	"\"target\":\"/index.html\",\"version\":\"HTTP/1.1\",\"status\":" \
	#status ",\"bytes\":612,\"bytes_in\":3,\"type\":\"" type "\"," \
	"\"dur_us\":" #dur "}\n"

static const char *dead_pid_arg;

static struct agg *
fed(const char *text)
{
	struct agg *a = agg_new("/nonexistent/stats.jsonl");

	if (a != NULL)
		(void)agg_feed(a, text, strlen(text));
	return a;
}

static uint64_t
type_count(const struct agg *a, const char *name)
{
	for (size_t i = 0; i < a->c.ntypes; i++)
		if (strcmp(a->c.types[i].name, name) == 0)
			return a->c.types[i].count;
	return 0;
}

static void
requests_count_by_method_status_and_type(void)
{
	struct agg *a = fed(OPEN("4242-6c3f", 4242)
	    REQ("GET", 200, "text/html; charset=utf-8", 57)
	    REQ("GET", 404, "text/html", 20)
	    REQ("HEAD", 200, "", 10)
	    REQ("PUT", 201, "", 300)
	    CLOSE("4242-6c3f", 4242));

	CHECK_INT(a->c.records, 6);
	CHECK_INT(a->c.bad, 0);
	CHECK_INT(a->c.requests, 4);
	CHECK_INT(a->c.method[0], 2);		/* GET */
	CHECK_INT(a->c.method[1], 1);		/* HEAD */
	CHECK_INT(a->c.method[3], 1);		/* PUT */
	CHECK_INT(a->c.status[200 - AGG_STATUS_MIN], 2);
	CHECK_INT(a->c.status[404 - AGG_STATUS_MIN], 1);
	CHECK_INT(a->c.status[201 - AGG_STATUS_MIN], 1);
	CHECK_INT(a->c.bytes_out, 4 * 612);
	CHECK_INT(a->c.bytes_in, 4 * 3);
	CHECK_INT(a->c.files, 1);
	CHECK_INT(type_count(a, "text/html"), 1);
	CHECK_STR(a->c.first_ts, "2026-11-21T22:23:02.123456Z");
	CHECK_STR(a->c.last_ts, "2026-11-21T22:23:02.200000Z");
	agg_free(a);
}

static void
unknown_methods_group_under_other(void)
{
	struct agg *a = fed(REQ("BREW", 501, "", 1) REQ("get", 501, "", 1)
	    REQ("", 400, "", 1) REQ("G\\u0045T", 404, "", 1)
	    REQ("GETTING-LONGER-THAN-ANY", 501, "", 1));

	CHECK_INT(a->c.bad, 0);
	CHECK_INT(a->c.method[AGG_METHOD_OTHER], 4);
	CHECK_INT(a->c.method[0], 1);		/* the escaped GET */
	agg_free(a);
}

static void
only_get_with_200_or_206_sends_a_file(void)
{
	struct agg *a = fed(REQ("GET", 206, "image/png", 1)
	    REQ("HEAD", 200, "image/png", 1) REQ("GET", 304, "", 1)
	    REQ("POST", 200, "text/plain", 1) REQ("GET", 200, "image/png", 1));

	CHECK_INT(a->c.files, 2);
	CHECK_INT(type_count(a, "image/png"), 2);
	CHECK_INT(a->c.ntypes, 1);
	agg_free(a);
}

static void
content_type_is_the_media_type_in_lower_case(void)
{
	struct agg *a = fed(REQ("GET", 200, " Text/HTML ;charset=utf-8", 1)
	    REQ("GET", 200, "text/html", 1) REQ("GET", 200, "", 1));

	CHECK_INT(type_count(a, "text/html"), 2);
	CHECK_INT(type_count(a, "(none)"), 1);
	agg_free(a);
}

static void
content_types_beyond_the_table_count_as_other(void)
{
	struct agg *a = agg_new("/nonexistent");
	char line[512];
	int i, n;

	for (i = 0; i < AGG_MAX_TYPES + 5; i++) {
		n = snprintf(line, sizeof(line), "{\"ts\":\"2026-11-21T22:23:"
		    "02Z\",\"event\":\"request\",\"pid\":1,\"conn\":\"c\","
		    "\"method\":\"GET\",\"status\":200,\"type\":\"x/t%d\"}\n",
		    i);
		(void)agg_feed(a, line, (size_t)n);
	}
	CHECK_INT(a->c.files, AGG_MAX_TYPES + 5);
	CHECK_INT(a->c.ntypes, AGG_MAX_TYPES);
	CHECK_INT(a->c.type_other, 5);
	agg_free(a);
}

static void
invalid_lines_count_as_bad_and_are_skipped(void)
{
	static const char *const bad[] = {
		"",
		"not json",
		"{\"ts\":\"2026-11-21T22:23:02Z\",\"event\":\"request\"}",
		"{\"ts\":\"2026-11-21T22:23:02Z\",\"event\":\"request\","
		    "\"method\":\"GET\",\"status\":999}",
		"{\"ts\":\"2026-11-21T22:23:02Z\",\"event\":\"request\","
		    "\"method\":\"GET\",\"status\":-1}",
		"{\"ts\":\"2026-11-21T22:23:02Z\",\"event\":\"request\","
		    "\"method\":\"G\\x\",\"status\":200}",
		"{\"ts\":\"2026-11-21T22:23:02Z\",\"event\":\"request\","
		    "\"method\":\"GET\",\"status\":200} trailing",
		"{\"ts\":\"2026-11-21T22:23:02Z\",\"event\":\"request\","
		    "\"method\":\"GET\",\"status\":200,\"x\":[1]}",
		"{\"ts\":\"2026-11-21T22:23:02Z\",\"event\":\"open\","
		    "\"pid\":1,\"conn\":\"c\"",
		"{\"ts\":\"yesterday\",\"event\":\"open\",\"pid\":1,"
		    "\"conn\":\"c\"}",
		"{\"ts\":\"2026-11-21T22:23:02Z\",\"event\":\"request\","
		    "\"method\":\"GET\",\"status\":2e2}",
		"{\"ts\":\"2026-11-21T22:23:02Z\",\"event\":\"request\","
		    "\"method\":\"G\tT\",\"status\":200}",
	};
	struct agg *a = agg_new("/nonexistent");
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		(void)agg_feed(a, bad[i], strlen(bad[i]));
		(void)agg_feed(a, "\n", 1);
	}
	(void)agg_feed(a, REQ("GET", 200, "text/html", 5),
	    strlen(REQ("GET", 200, "text/html", 5)));
	CHECK_INT(a->c.bad, sizeof(bad) / sizeof(bad[0]));
	CHECK_INT(a->c.records, 1);
	CHECK_INT(a->c.requests, 1);
	agg_free(a);
}

static void
a_torn_line_loses_only_itself(void)
{
	struct agg *a = fed("{\"ts\":\"2026-11-21T22:23:02.1"
	    REQ("GET", 200, "text/html", 5));

	CHECK_INT(a->c.bad, 1);
	CHECK_INT(a->c.requests, 1);
	agg_free(a);
}

static void
a_line_fed_byte_by_byte_counts_once(void)
{
	static const char text[] = REQ("GET", 200, "text/html", 5)
	    REQ("DELETE", 204, "", 5);
	struct agg *a = agg_new("/nonexistent");
	size_t i;

	for (i = 0; i < sizeof(text) - 1; i++) {
		(void)agg_feed(a, text + i, 1);
		if (i == sizeof(text) - 3)
			CHECK_INT(a->c.requests, 1);
	}
	CHECK_INT(a->c.requests, 2);
	CHECK_INT(a->c.method[4], 1);
	CHECK_INT(a->c.bad, 0);
	agg_free(a);
}

static void
an_overlong_line_is_one_bad_line(void)
{
	struct agg *a = agg_new("/nonexistent");
	char *big = malloc(AGG_LINE_MAX * 2);

	memset(big, 'x', AGG_LINE_MAX * 2);
	(void)agg_feed(a, big, AGG_LINE_MAX * 2);
	(void)agg_feed(a, "\n", 1);
	(void)agg_feed(a, REQ("GET", 200, "a/b", 1), strlen(REQ("GET", 200,
	    "a/b", 1)));
	CHECK_INT(a->c.bad, 1);
	CHECK_INT(a->c.requests, 1);
	free(big);
	agg_free(a);
}

static int
alive_unless_pid_7(pid_t pid, int64_t open_us, void *arg)
{
	(void)open_us;
	dead_pid_arg = arg;
	return pid != 7;
}

static void
open_connections_count_until_closed_or_dead(void)
{
	struct agg *a = fed(OPEN("5-a", 5) OPEN("6-b", 6) OPEN("7-c", 7)
	    OPEN("8-d", 8) CLOSE("6-b", 6) CLOSE("nobody", 9));

	CHECK_INT(agg_connected(a), 3);
	a->alive = alive_unless_pid_7;
	a->alive_arg = "x";
	CHECK_INT(agg_connected(a), 2);
	CHECK_STR(dead_pid_arg, "x");
	CHECK_INT(a->c.opens, 4);
	CHECK_INT(a->c.closes, 2);
	(void)agg_feed(a, CLOSE("5-a", 5), strlen(CLOSE("5-a", 5)));
	CHECK_INT(agg_connected(a), 1);
	agg_free(a);
}

static int
open_time_is(pid_t pid, int64_t open_us, void *arg)
{
	(void)pid;
	return open_us == *(int64_t *)arg;
}

static void
the_open_time_reaches_the_liveness_check(void)
{
	struct agg *a = fed(OPEN("5-a", 5));
	int64_t want = 1795299782LL * 1000000 + 123456;

	a->alive = open_time_is;
	a->alive_arg = &want;
	CHECK_INT(agg_connected(a), 1);
	agg_free(a);
}

static void
many_connections_open_and_close_without_filling_the_table(void)
{
	struct agg *a = agg_new("/nonexistent");
	char line[256];
	int i, n;

	for (i = 0; i < AGG_CONN_SLOTS * 3; i++) {
		n = snprintf(line, sizeof(line), "{\"ts\":\"2026-11-21T22:23:"
		    "02Z\",\"event\":\"open\",\"pid\":%d,\"conn\":\"%d-x\"}\n"
		    "{\"ts\":\"2026-11-21T22:23:02Z\",\"event\":\"close\","
		    "\"pid\":%d,\"conn\":\"%d-x\"}\n", i + 1, i, i + 1, i);
		(void)agg_feed(a, line, (size_t)n);
	}
	CHECK_INT(agg_connected(a), 0);
	CHECK_INT(a->c.untracked, 0);
	CHECK_INT(a->c.bad, 0);
	agg_free(a);
}

static void
percentiles_are_within_an_eighth_of_the_truth(void)
{
	struct agg_timer t;
	uint64_t v, p;

	struct agg *a = agg_new("/nonexistent");
	char line[256];
	int n;

	memset(&t, 0, sizeof(t));
	CHECK_INT(agg_percentile(&t, 50), 0);
	for (v = 1; v <= 1000; v++) {
		n = snprintf(line, sizeof(line), "{\"ts\":\"2026-11-21"
		    "T22:23:02Z\",\"event\":\"request\",\"method\":"
		    "\"GET\",\"status\":200,\"dur_us\":%llu}\n",
		    (unsigned long long)(v * 100));
		(void)agg_feed(a, line, (size_t)n);
	}
	t = a->c.all;
	agg_free(a);
	p = agg_percentile(&t, 50);
	CHECK(p >= 50000 && p <= 50000 + 50000 / 8);
	p = agg_percentile(&t, 99);
	CHECK(p >= 99000 && p <= 99000 + 99000 / 8);
	CHECK_INT(agg_percentile(&t, 100), 100000);
	CHECK_INT(t.max_us, 100000);
	CHECK_INT(t.count, 1000);
}

static void
write_all(const char *path, const char *text, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);

	if (fd == -1 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		printf("# cannot write %s\n", path);
	if (fd != -1)
		(void)close(fd);
}

static void
follow_survives_truncation_and_rotation(void)
{
	char dir[] = "/tmp/test_aggregate.XXXXXX", path[128], old[128];
	struct agg *a;

	if (mkdtemp(dir) == NULL) {
		CHECK(0);
		return;
	}
	(void)snprintf(path, sizeof(path), "%s/stats.jsonl", dir);
	(void)snprintf(old, sizeof(old), "%s/stats.jsonl.1", dir);
	a = agg_new(path);
	CHECK_INT(agg_follow(a), 0);		/* not there yet: fine */
	write_all(path, REQ("GET", 200, "a/b", 1) REQ("GET", 200, "a/b", 1),
	    O_APPEND);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(a->c.requests, 2);
	write_all(path, REQ("PUT", 201, "", 1) "{\"ts\":", O_APPEND);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(a->c.requests, 3);
	CHECK_INT(a->c.bad, 0);			/* the partial line waits */
	write_all(path, REQ("HEAD", 200, "", 1), O_TRUNC);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(a->c.requests, 4);
	CHECK_INT(a->truncations, 1);
	CHECK_INT(a->c.method[1], 1);
	write_all(path, REQ("POST", 201, "", 1), O_APPEND);
	CHECK_INT(rename(path, old), 0);
	write_all(path, REQ("DELETE", 204, "", 1), O_APPEND);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(a->rotations, 1);
	CHECK_INT(a->c.requests, 6);
	CHECK_INT(a->c.method[2], 1);
	CHECK_INT(a->c.method[4], 1);
	CHECK_INT(a->c.bad, 0);
	/* A handler that opened the old file before the rotation. */
	write_all(old, REQ("OPTIONS", 200, "", 1), O_APPEND);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(a->c.requests, 7);
	CHECK_INT(a->c.method[5], 1);
	agg_free(a);
	(void)unlink(old);
	(void)unlink(path);
	(void)rmdir(dir);
}

/* A scratch directory and the names a rotation gives the stats file. */
struct rotdir {
	char	dir[sizeof("/tmp/test_aggregate.XXXXXX")];
	char	path[128], one[128], two[128];
};

static int
rotdir_make(struct rotdir *r)
{
	memcpy(r->dir, "/tmp/test_aggregate.XXXXXX", sizeof(r->dir));
	if (mkdtemp(r->dir) == NULL)
		return -1;
	(void)snprintf(r->path, sizeof(r->path), "%s/stats.jsonl", r->dir);
	(void)snprintf(r->one, sizeof(r->one), "%s/stats.jsonl.1", r->dir);
	(void)snprintf(r->two, sizeof(r->two), "%s/stats.jsonl.2", r->dir);
	return 0;
}

static void
rotdir_remove(const struct rotdir *r)
{
	(void)unlink(r->two);
	(void)unlink(r->one);
	(void)unlink(r->path);
	(void)rmdir(r->dir);
}

/*
 * Files renamed twice over (logrotate's .1 to .2) while handlers that
 * opened them still append: every file keeps being read.
 */
static void
follow_reads_every_rotated_file_still_written(void)
{
	struct rotdir r;
	struct agg *a;

	if (rotdir_make(&r) == -1) {
		CHECK(0);
		return;
	}
	a = agg_new(r.path);
	write_all(r.path, REQ("GET", 200, "", 1), O_APPEND);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(rename(r.path, r.one), 0);
	write_all(r.path, REQ("GET", 200, "", 1), O_APPEND);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(rename(r.one, r.two), 0);
	CHECK_INT(rename(r.path, r.one), 0);
	write_all(r.path, REQ("GET", 200, "", 1), O_APPEND);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(a->rotations, 2);
	CHECK_INT(a->c.requests, 3);
	/* Handlers of both earlier files are still running. */
	write_all(r.two, REQ("HEAD", 200, "", 1), O_APPEND);
	write_all(r.one, REQ("HEAD", 200, "", 1), O_APPEND);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(a->c.requests, 5);
	CHECK_INT(a->c.bad, 0);
	agg_free(a);
	rotdir_remove(&r);
}

/* Two rotations between two looks: the file in the middle is read too. */
static void
follow_finds_a_file_rotated_twice_between_two_looks(void)
{
	struct rotdir r;
	struct agg *a;

	if (rotdir_make(&r) == -1) {
		CHECK(0);
		return;
	}
	/* A rotated file from before is never read again. */
	write_all(r.one, REQ("DELETE", 204, "", 1), O_APPEND);
	a = agg_new(r.path);
	write_all(r.path, REQ("GET", 200, "", 1), O_APPEND);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(rename(r.path, r.one), 0);
	write_all(r.path, REQ("PUT", 201, "", 1) REQ("PUT", 201, "", 1),
	    O_APPEND);
	CHECK_INT(rename(r.one, r.two), 0);
	CHECK_INT(rename(r.path, r.one), 0);
	write_all(r.path, REQ("HEAD", 200, "", 1), O_APPEND);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(a->c.requests, 4);
	CHECK_INT(a->c.method[3], 2);		/* the PUTs in the middle file */
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(a->c.requests, 4);		/* and only once */
	agg_free(a);
	rotdir_remove(&r);
}

/*
 * A look that finds the path gone after a rotation, then a file that came
 * and was rotated away before the next look: that file is read too.
 */
static void
follow_finds_a_file_rotated_while_the_path_was_gone(void)
{
	struct rotdir r;
	struct agg *a;

	if (rotdir_make(&r) == -1) {
		CHECK(0);
		return;
	}
	a = agg_new(r.path);
	write_all(r.path, REQ("GET", 200, "", 1), O_APPEND);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(rename(r.path, r.one), 0);
	CHECK_INT(agg_follow(a), 0);		/* the path is gone */
	CHECK_INT(agg_follow(a), 0);		/* and still gone */
	write_all(r.path, REQ("PUT", 201, "", 1) REQ("PUT", 201, "", 1),
	    O_APPEND);
	CHECK_INT(rename(r.one, r.two), 0);
	CHECK_INT(rename(r.path, r.one), 0);
	CHECK_INT(agg_follow(a), 0);		/* gone again */
	write_all(r.path, REQ("HEAD", 200, "", 1), O_APPEND);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(a->c.requests, 4);
	CHECK_INT(a->c.method[3], 2);		/* the PUTs in the middle file */
	write_all(r.two, REQ("GET", 200, "", 1), O_APPEND);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(a->c.requests, 5);		/* each file once, still followed */
	agg_free(a);
	rotdir_remove(&r);
}

static void
a_checkpoint_resumes_only_the_same_file(void)
{
	char dir[] = "/tmp/test_aggregate.XXXXXX", path[128], ck[128];
	struct agg *a, *b;

	if (mkdtemp(dir) == NULL) {
		CHECK(0);
		return;
	}
	(void)snprintf(path, sizeof(path), "%s/stats.jsonl", dir);
	(void)snprintf(ck, sizeof(ck), "%s/ck", dir);
	write_all(path, REQ("GET", 200, "a/b", 1) REQ("GET", 200, "a/b", 1),
	    O_APPEND);
	a = agg_new(path);
	CHECK_INT(agg_follow(a), 0);
	CHECK_INT(agg_checkpoint_save(a, ck), 0);
	agg_free(a);

	write_all(path, REQ("PUT", 201, "", 1), O_APPEND);
	b = agg_new(path);
	CHECK_INT(agg_checkpoint_load(b, ck), 0);
	CHECK_INT(b->c.requests, 2);
	CHECK_INT(agg_follow(b), 0);
	CHECK_INT(b->c.requests, 3);
	CHECK_INT(b->c.method[3], 1);
	agg_free(b);

	/* Rewritten in place: the bytes before the offset differ. */
	write_all(path, REQ("HEAD", 200, "", 1) REQ("HEAD", 200, "", 1)
	    REQ("HEAD", 200, "", 1), O_TRUNC);
	b = agg_new(path);
	CHECK_INT(agg_checkpoint_load(b, ck), -1);
	CHECK_INT(b->c.requests, 0);
	agg_free(b);
	(void)unlink(ck);
	(void)unlink(path);
	(void)rmdir(dir);
}

int
main(void)
{
	RUN(requests_count_by_method_status_and_type);
	RUN(unknown_methods_group_under_other);
	RUN(only_get_with_200_or_206_sends_a_file);
	RUN(content_type_is_the_media_type_in_lower_case);
	RUN(content_types_beyond_the_table_count_as_other);
	RUN(invalid_lines_count_as_bad_and_are_skipped);
	RUN(a_torn_line_loses_only_itself);
	RUN(a_line_fed_byte_by_byte_counts_once);
	RUN(an_overlong_line_is_one_bad_line);
	RUN(open_connections_count_until_closed_or_dead);
	RUN(the_open_time_reaches_the_liveness_check);
	RUN(many_connections_open_and_close_without_filling_the_table);
	RUN(percentiles_are_within_an_eighth_of_the_truth);
	RUN(follow_survives_truncation_and_rotation);
	RUN(follow_reads_every_rotated_file_still_written);
	RUN(follow_finds_a_file_rotated_twice_between_two_looks);
	RUN(follow_finds_a_file_rotated_while_the_path_was_gone);
	RUN(a_checkpoint_resumes_only_the_same_file);
	return unit_done();
}
