/*
 * test_admincmd.c - the admin command protocol: bytes in, exact answers out.
 * Line ends, case, blanks, telnet negotiation, json, errors, limits and the
 * Prometheus response, over aggregates fed from hand-written records.
 */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "admin.h"
#include "unit.h"

#define REQ(method, status, type) "{\"ts\":\"2026-11-21T22:23:02.123501Z\"," \
	"\"event\":\"request\",\"pid\":4242,\"conn\":\"4242-6c3f\",\"seq\":1," \
	"\"method\":\"" method "\",\"target\":\"/\",\"version\":\"HTTP/1.1\"," \
	"\"status\":" #status ",\"bytes\":10,\"bytes_in\":0,\"type\":\"" \
	type "\",\"dur_us\":100}\n"

static struct agg *agg;
static struct admincmd cl;
static char answer[1 << 16];
static int last;

static void
setup(void)
{
	static const char text[] = REQ("GET", 200, "text/html") REQ("GET",
	    200, "text/html; charset=utf-8") REQ("GET", 404, "text/html")
	    REQ("HEAD", 200, "image/png") REQ("BREW", 501, "")
	    REQ("GET", 206, "image/png")
	    "{\"ts\":\"2026-11-21T22:23:02Z\",\"event\":\"open\",\"pid\":5,"
	    "\"conn\":\"5-a\"}\n";

	agg_free(agg);
	agg = agg_new("/nonexistent/stats.jsonl");
	(void)agg_feed(agg, text, sizeof(text) - 1);
}

/* Sends text as one client's input; returns what it answered. */
static const char *
ask(const char *text, size_t len)
{
	size_t n;

	admincmd_free(&cl);
	admincmd_init(&cl, 1000);
	last = admincmd_input(&cl, agg, text, len, 1042);
	n = cl.out.len < sizeof(answer) - 1 ? cl.out.len : sizeof(answer) - 1;
	memcpy(answer, cl.out.p ? cl.out.p : "", n);
	answer[n] = '\0';
	return answer;
}

#define ASK(s)	ask((s), sizeof(s) - 1)

static void
the_four_seed_commands_answer_exact_counts(void)
{
	setup();
	CHECK_STR(ASK("number of connected clients\r\n"),
	    "connected_clients: 1\r\nEND\r\n");
	CHECK_STR(ASK("request stats\r\n"),
	    "GET: 4\r\nHEAD: 1\r\nOTHER: 1\r\ntotal: 6\r\nEND\r\n");
	CHECK_STR(ASK("response stats\r\n"),
	    "200: 3\r\n206: 1\r\n404: 1\r\n501: 1\r\ntotal: 6\r\nEND\r\n");
	CHECK_STR(ASK("file type stats\r\n"),
	    "text/html: 2\r\nimage/png: 1\r\ntotal: 3\r\nEND\r\n");
	CHECK_INT(last, ADMINCMD_MORE);
}

static void
commands_ignore_case_blanks_and_line_end_style(void)
{
	const char *want = "GET: 4\r\nHEAD: 1\r\nOTHER: 1\r\ntotal: 6\r\nEND\r\n";

	setup();
	CHECK_STR(ASK("  REQUEST \t Stats  \n"), want);
	CHECK_STR(ASK("Request Stats\r\0"), want);
	CHECK_STR(ASK("request stats\r"), want);
	CHECK_STR(ASK("\r\n\n  \r\nrequest stats\n"), want);
}

static void
telnet_negotiation_is_ignored(void)
{
	setup();
	CHECK_STR(ASK("\xff\xfd\x03\xff\xfb\x18health\xff\xf1\r\n"),
	    "health: up\r\nEND\r\n");
	CHECK_STR(ASK("\xff\xfa\x18\x01\xff\xf0he\xff\xfa\x1f\xff\xff\xff\xf0"
	    "alth\r\n"), "health: up\r\nEND\r\n");
}

static void
two_commands_in_one_read_get_two_answers(void)
{
	setup();
	CHECK_STR(ASK("health\r\ngauges\n"),
	    "health: up\r\nEND\r\nconnected_clients: 1\r\nEND\r\n");
}

static void
a_command_split_across_reads_is_answered_once(void)
{
	setup();
	admincmd_free(&cl);
	admincmd_init(&cl, 1000);
	CHECK_INT(admincmd_input(&cl, agg, "hea", 3, 1001), ADMINCMD_MORE);
	CHECK_INT(cl.out.len, 0);
	CHECK_INT(admincmd_input(&cl, agg, "lth\r", 4, 1001), ADMINCMD_MORE);
	CHECK_INT(admincmd_input(&cl, agg, "\n", 1, 1001), ADMINCMD_MORE);
	CHECK_INT(cl.out.len, strlen("health: up\r\nEND\r\n"));
}

static void
json_gives_one_object_on_one_line(void)
{
	setup();
	CHECK_STR(ASK("json request stats\n"),
	    "{\"GET\":4,\"HEAD\":1,\"OTHER\":1,\"total\":6}\r\nEND\r\n");
	CHECK_STR(ASK("JSON  number of connected clients\n"),
	    "{\"connected_clients\":1}\r\nEND\r\n");
	CHECK_STR(ASK("json health\n"), "{\"health\":\"up\"}\r\nEND\r\n");
	CHECK_STR(ASK("json nonsense\n"), "{\"error\":\"unknown command\","
	    "\"hint\":\"type help for the list of commands\"}\r\nEND\r\n");
}

static void
an_unknown_command_gets_an_error_and_a_hint(void)
{
	setup();
	CHECK_STR(ASK("make coffee\n"), "ERROR unknown command, type help "
	    "for the list of commands\r\nEND\r\n");
	CHECK_INT(last, ADMINCMD_MORE);
}

static void
disconnect_and_quit_say_goodbye_and_close(void)
{
	setup();
	CHECK_STR(ASK("disconnect\r\nhealth\r\n"), "goodbye\r\nEND\r\n");
	CHECK_INT(last, ADMINCMD_CLOSE);
	CHECK_STR(ASK("QUIT\n"), "goodbye\r\nEND\r\n");
	CHECK_INT(last, ADMINCMD_CLOSE);
}

static void
help_lists_every_command(void)
{
	const char *h;

	setup();
	h = ASK("help\n");
	CHECK(strstr(h, "\r\nnumber of connected clients: ") == NULL);
	CHECK(strncmp(h, "number of connected clients: ", 29) == 0);
	CHECK(strstr(h, "\r\nfile type stats: ") != NULL);
	CHECK(strstr(h, "\r\nrequest stats: ") != NULL);
	CHECK(strstr(h, "\r\nresponse stats: ") != NULL);
	CHECK(strstr(h, "\r\ndisconnect: ") != NULL);
	CHECK(strstr(h, "\r\ntimers: ") != NULL);
	CHECK(strstr(h, "\r\nhealth: ") != NULL);
	CHECK(strstr(h, "\r\nEND\r\n") != NULL);
}

static void
stats_and_timers_report_what_was_read(void)
{
	static const char head[] = "uptime: 42\r\nrecords: 7\r\n"
	    "bad_lines: 0\r\nrequests: 6\r\nbytes_sent: 60\r\n";
	const char *s;

	setup();
	s = ASK("stats\n");
	CHECK(strncmp(s, head, sizeof(head) - 1) == 0);
	CHECK(strstr(s, "\r\nstats_file: /nonexistent/stats.jsonl\r\n") !=
	    NULL);
	CHECK_STR(ASK("timers\n"), "all: count=6 p50_us=100 p90_us=100 "
	    "p99_us=100 max_us=100\r\nGET: count=4 p50_us=100 p90_us=100 "
	    "p99_us=100 max_us=100\r\nHEAD: count=1 p50_us=100 p90_us=100 "
	    "p99_us=100 max_us=100\r\nOTHER: count=1 p50_us=100 p90_us=100 "
	    "p99_us=100 max_us=100\r\nEND\r\n");
}

static void
an_overlong_line_gets_an_error_and_a_close(void)
{
	char *big = malloc(ADMIN_LINE_MAX + 10);

	setup();
	memset(big, 'a', ADMIN_LINE_MAX + 10);
	CHECK_STR(ask(big, ADMIN_LINE_MAX + 10),
	    "ERROR line too long\r\nEND\r\n");
	CHECK_INT(last, ADMINCMD_CLOSE);
	free(big);
}

static void
binary_junk_gets_errors_not_a_crash(void)
{
	char junk[4096];
	size_t i;

	setup();
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 7919 % 251);
	(void)ask(junk, sizeof(junk));
	CHECK(strstr(answer, "ERROR") != NULL);
}

static void
a_metrics_request_gets_the_prometheus_exposition(void)
{
	const char *r;

	setup();
	r = ASK("GET /metrics HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n"
	    "\r\n");
	CHECK_INT(last, ADMINCMD_CLOSE);
	CHECK(strncmp(r, "HTTP/1.1 200 OK\r\n", 17) == 0);
	CHECK(strstr(r, "\r\nContent-Type: text/plain; version=0.0.4") != NULL);
	CHECK(strstr(r, "\nstdhttpd_requests_total{method=\"GET\"} 4\n") !=
	    NULL);
	CHECK(strstr(r, "\nstdhttpd_requests_total{method=\"OTHER\"} 1\n") !=
	    NULL);
	CHECK(strstr(r, "\nstdhttpd_responses_total{code=\"206\"} 1\n") !=
	    NULL);
	CHECK(strstr(r, "\nstdhttpd_files_sent_total{type=\"image/png\"} 1\n")
	    != NULL);
	CHECK(strstr(r, "\nstdhttpd_connected_clients 1\n") != NULL);
	CHECK(strstr(r, "\nstdhttpd_request_duration_seconds_bucket"
	    "{le=\"0.0001\"} 6\n") != NULL);
	CHECK(strstr(r, "\nstdhttpd_request_duration_seconds_count 6\n") !=
	    NULL);
}

static void
the_metrics_content_length_is_the_body_length(void)
{
	const char *r, *body, *cl_hdr;
	unsigned long n;

	setup();
	r = ASK("GET /metrics HTTP/1.0\n\n");
	body = strstr(r, "\r\n\r\n");
	cl_hdr = strstr(r, "Content-Length: ");
	CHECK(body != NULL && cl_hdr != NULL);
	if (body == NULL || cl_hdr == NULL)
		return;
	n = strtoul(cl_hdr + 16, NULL, 10);
	CHECK_INT(strlen(body + 4), n);
	r = ASK("HEAD /metrics HTTP/1.1\r\n\r\n");
	CHECK(strlen(r) > 4 && strcmp(r + strlen(r) - 4, "\r\n\r\n") == 0);
}

static void
other_http_paths_get_404(void)
{
	setup();
	CHECK(strncmp(ASK("GET / HTTP/1.1\r\n\r\n"), "HTTP/1.1 404 ", 13) ==
	    0);
	CHECK_INT(last, ADMINCMD_CLOSE);
}

static void
an_http_line_after_a_command_is_just_a_command(void)
{
	setup();
	CHECK_STR(ASK("health\nGET /metrics HTTP/1.1\n"), "health: up\r\nEND"
	    "\r\nERROR unknown command, type help for the list of commands"
	    "\r\nEND\r\n");
}

int
main(void)
{
	RUN(the_four_seed_commands_answer_exact_counts);
	RUN(commands_ignore_case_blanks_and_line_end_style);
	RUN(telnet_negotiation_is_ignored);
	RUN(two_commands_in_one_read_get_two_answers);
	RUN(a_command_split_across_reads_is_answered_once);
	RUN(json_gives_one_object_on_one_line);
	RUN(an_unknown_command_gets_an_error_and_a_hint);
	RUN(disconnect_and_quit_say_goodbye_and_close);
	RUN(help_lists_every_command);
	RUN(stats_and_timers_report_what_was_read);
	RUN(an_overlong_line_gets_an_error_and_a_close);
	RUN(binary_junk_gets_errors_not_a_crash);
	RUN(a_metrics_request_gets_the_prometheus_exposition);
	RUN(the_metrics_content_length_is_the_body_length);
	RUN(other_http_paths_get_404);
	RUN(an_http_line_after_a_command_is_just_a_command);
	admincmd_free(&cl);
	agg_free(agg);
	return unit_done();
}
