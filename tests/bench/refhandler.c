/*
 * refhandler.c - the floor of the inetd model, for make bench: a handler
 * that answers every request on fd 0 with one fixed response on fd 1 and
 * does nothing else.  It keeps the connection alive, answers a pipelined
 * burst with one writev, and closes after a request that says
 * "Connection: close".  With -s FILE it also appends one JSON line per
 * request to FILE, the records of a burst in one write under one flock,
 * so that the cost of stdhttpd's stats can be told from the rest.  With
 * -f as well, each line has the fields of stdhttpd's request record
 * (RFC 3339 time, connection id, client, target, version, type...), so
 * that the cost of a record that long can be told from the handler's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#define REF_BODY_LEN	612	/* the size of the benchmark's file */
#define REF_IN_BUF	32768	/* as stdhttpd's input buffer */
#define REF_MAX_BURST	64	/* responses in one writev (<= IOV_MAX) */
#define REF_LINE_MAX	512	/* one stats record */

#define REF_FIELDS "Content-Type: text/html\r\nContent-Length: 612\r\n\r\n"
#define REF_HEAD "HTTP/1.1 200 OK\r\n" REF_FIELDS
/* The last response says that the connection closes (RFC 9112 section
 * 9.6), as stdhttpd's does; a client would otherwise wait for more. */
#define REF_HEAD_CLOSE "HTTP/1.1 200 OK\r\nConnection: close\r\n" REF_FIELDS

static char	 response[sizeof(REF_HEAD) - 1 + REF_BODY_LEN];
static char	 response_close[sizeof(REF_HEAD_CLOSE) - 1 + REF_BODY_LEN];
static char	 in[REF_IN_BUF];
static char	 lines[REF_MAX_BURST * REF_LINE_MAX];
static size_t	 lines_len;
static int	 stats_fd = -1;
static int	 full;		/* -f: records like stdhttpd's */
static unsigned	 seq;
static char	 conn_id[32];
static char	 client[INET_ADDRSTRLEN + sizeof(":65535")];

/*
 * Whether the head [p, p + len) has a field "Connection: close", with any
 * spaces or tabs before the value (RFC 9112 section 5).  A list such as
 * "keep-alive, close" is beyond the floor's needs.
 */
static int
wants_close(const char *p, size_t len)
{
	static const char	name[] = "\nconnection:";
	static const char	value[] = "close";
	size_t			i, j;

	for (i = 0; i + sizeof(name) - 1 <= len; i++) {
		if (strncasecmp(p + i, name, sizeof(name) - 1) != 0)
			continue;
		j = i + sizeof(name) - 1;
		while (j < len && (p[j] == ' ' || p[j] == '\t'))
			j++;
		if (j + sizeof(value) - 1 <= len &&
		    strncasecmp(p + j, value, sizeof(value) - 1) == 0)
			return 1;
	}
	return 0;
}

/* The connection's id and client, as stdhttpd's records give them. */
static void
identify(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	struct timespec		now;

	(void)clock_gettime(CLOCK_REALTIME, &now);
	(void)snprintf(conn_id, sizeof(conn_id), "%d-%llx", (int)getpid(),
	    (unsigned long long)now.tv_sec * 1000000 + now.tv_nsec / 1000);
	if (getpeername(STDIN_FILENO, (struct sockaddr *)&sin, &len) == 0 &&
	    sin.sin_family == AF_INET)
		(void)snprintf(client, sizeof(client), "%s:%u",
		    inet_ntoa(sin.sin_addr), ntohs(sin.sin_port));
	else
		(void)snprintf(client, sizeof(client), "-");
}

/* "2026-11-22T07:30:26.465736Z": the date and time formatted once a second. */
static const char *
rfc3339(const struct timespec *ts)
{
	static char	buf[40];
	static time_t	sec = -1;
	struct tm	tm;

	if (ts->tv_sec != sec) {
		sec = ts->tv_sec;
		(void)strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S",
		    gmtime_r(&sec, &tm));
	}
	(void)snprintf(buf + 19, sizeof(buf) - 19, ".%06dZ",
	    (int)(ts->tv_nsec / 1000));
	return buf;
}

/* Adds the record of one request to the burst's lines. */
static void
record(void)
{
	struct timespec	ts;
	int		n;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	if (full)
		n = snprintf(lines + lines_len, sizeof(lines) - lines_len,
		    "{\"ts\":\"%s\",\"event\":\"request\",\"pid\":%d,"
		    "\"conn\":\"%s\",\"seq\":%u,\"client\":\"%s\","
		    "\"method\":\"GET\",\"target\":\"/index.html\","
		    "\"version\":\"HTTP/1.1\",\"status\":200,\"bytes\":%d,"
		    "\"bytes_in\":0,\"type\":\"text/html; charset=utf-8\","
		    "\"dur_us\":1}\n", rfc3339(&ts), (int)getpid(), conn_id,
		    ++seq, client, REF_BODY_LEN);
	else
		n = snprintf(lines + lines_len, sizeof(lines) - lines_len,
		    "{\"ts\":%lld.%06ld,\"event\":\"request\",\"pid\":%d,"
		    "\"seq\":%u,\"method\":\"GET\",\"status\":200,"
		    "\"bytes\":%d}\n", (long long)ts.tv_sec,
		    ts.tv_nsec / 1000, (int)getpid(), ++seq, REF_BODY_LEN);
	/* A cut record is dropped rather than written torn. */
	if (n > 0 && (size_t)n < sizeof(lines) - lines_len)
		lines_len += (size_t)n;
}

/* Writes the burst's records with one write under an exclusive flock. */
static void
flush_records(void)
{
	if (stats_fd < 0 || lines_len == 0)
		return;
	if (flock(stats_fd, LOCK_EX) == 0) {
		(void)write(stats_fd, lines, lines_len);
		(void)flock(stats_fd, LOCK_UN);
	}
	lines_len = 0;
}

/* Writes all of iov[0..n), resuming after short writes. */
static int
write_all(struct iovec *iov, int n)
{
	ssize_t	w;

	while (n > 0) {
		w = writev(STDOUT_FILENO, iov, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct iovec	 iov[REF_MAX_BURST];
	const char	*end;
	size_t		 len = 0, start;
	ssize_t		 n;
	int		 ch, niov, closing = 0;

	while ((ch = getopt(argc, argv, "fs:")) != -1) {
		if (ch == 'f')
			full = 1;
		else if (ch == 's')
			stats_fd = open(optarg, O_WRONLY | O_APPEND | O_CREAT |
			    O_CLOEXEC, 0644);
		else {
			(void)fprintf(stderr,
			    "usage: refhandler [-f] [-s file]\n");
			return 100;
		}
	}
	if (full && stats_fd >= 0)
		identify();
	memcpy(response, REF_HEAD, sizeof(REF_HEAD) - 1);
	memset(response + sizeof(REF_HEAD) - 1, 'x', REF_BODY_LEN);
	memcpy(response_close, REF_HEAD_CLOSE, sizeof(REF_HEAD_CLOSE) - 1);
	memset(response_close + sizeof(REF_HEAD_CLOSE) - 1, 'x', REF_BODY_LEN);

	while (!closing) {
		do {
			n = read(STDIN_FILENO, in + len, sizeof(in) - len);
		} while (n < 0 && errno == EINTR);
		if (n <= 0)
			break;
		len += (size_t)n;
		/* Every complete head in the buffer gets its response. */
		start = 0;
		niov = 0;
		while (!closing && (end = memmem(in + start, len - start,
		    "\r\n\r\n", 4)) != NULL) {
			closing = wants_close(in + start,
			    (size_t)(end - (in + start)));
			start = (size_t)(end - in) + 4;
			iov[niov].iov_base = closing ? response_close : response;
			iov[niov].iov_len = closing ? sizeof(response_close) :
			    sizeof(response);
			if (stats_fd >= 0)
				record();
			if (++niov == REF_MAX_BURST) {
				if (write_all(iov, niov) == -1)
					return 1;
				niov = 0;
				flush_records();
			}
		}
		if (niov > 0 && write_all(iov, niov) == -1)
			return 1;
		flush_records();
		memmove(in, in + start, len - start);
		len -= start;
		if (len == sizeof(in))
			return 1;	/* a head larger than the buffer */
	}
	return 0;
}
