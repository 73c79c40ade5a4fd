/*
 * respond.c - status lines, header fields, error pages and the batched
 * output on fd 1.  Responses are appended to the connection's output buffer;
 * the buffer goes out in one write when the connection is about to wait for
 * input, so the responses to a pipelined burst leave together and in order.
 * Small file bodies are copied into the buffer beside their headers; large
 * ones follow the flushed headers by sendfile.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "handler.h"

#define RESPOND_U64_LEN	20	/* digits of UINT64_MAX */

/* Appends a string literal. */
#define OUT_LIT(c, s)	respond_bytes((c), (s), sizeof(s) - 1)

struct status_text {
	int		 code;
	const char	*reason;
	const char	*line;		/* the status line, without CR LF */
	size_t		 line_len;
};

#define STATUS(code, reason) \
	{ code, reason, "HTTP/1.1 " #code " " reason, \
	    sizeof("HTTP/1.1 " #code " " reason) - 1 }

/*
 * RFC 9110 section 15; only the codes stdhttpd sends.  Every response
 * says HTTP/1.1, the highest version stdhttpd conforms to (RFC 9110
 * section 6.2), also to HTTP/1.0 clients.
 */
static const struct status_text statuses[] = {
	STATUS(100, "Continue"),
	STATUS(200, "OK"),
	STATUS(201, "Created"),
	STATUS(204, "No Content"),
	STATUS(206, "Partial Content"),
	STATUS(301, "Moved Permanently"),
	STATUS(304, "Not Modified"),
	STATUS(400, "Bad Request"),
	STATUS(403, "Forbidden"),
	STATUS(404, "Not Found"),
	STATUS(405, "Method Not Allowed"),
	STATUS(408, "Request Timeout"),
	STATUS(409, "Conflict"),
	STATUS(411, "Length Required"),
	STATUS(412, "Precondition Failed"),
	STATUS(413, "Content Too Large"),
	STATUS(414, "URI Too Long"),
	STATUS(416, "Range Not Satisfiable"),
	STATUS(417, "Expectation Failed"),
	STATUS(431, "Request Header Fields Too Large"),
	STATUS(500, "Internal Server Error"),
	STATUS(501, "Not Implemented"),
	STATUS(503, "Service Unavailable"),
	STATUS(505, "HTTP Version Not Supported"),
	STATUS(507, "Insufficient Storage"),
};

/* The entry for a status code, or NULL for a code stdhttpd never sends. */
static const struct status_text *
status_find(int code)
{
	size_t	i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].code == code)
			return &statuses[i];
	return NULL;
}

/*
 * Returns the reason phrase for a status code, or "Unknown" for a code
 * stdhttpd never sends.
 */
const char *
respond_reason(int code)
{
	const struct status_text *s = status_find(code);

	return s != NULL ? s->reason : "Unknown";
}

/* Writes all of buf, retrying short writes; -1 when the client is gone. */
static int
write_all(struct conn *c, const char *buf, size_t len, int more)
{
	ssize_t	n;

	c->writes++;
	while (len > 0) {
		if (c->is_socket)
			n = send(c->out_fd, buf, len,
			    MSG_NOSIGNAL | (more ? MSG_MORE : 0));
		else
			n = write(c->out_fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Sends the output buffer.  With more != 0 the kernel is told that more
 * data follows at once (a sendfile body), so the headers do not leave in a
 * segment of their own.  Returns 0, or -1 when the client is gone; then
 * c->gone is set and later output is dropped.
 */
int
respond_flush(struct conn *c, int more)
{
	int	rc = 0;

	if (c->out_len > 0 && !c->gone &&
	    write_all(c, c->out, c->out_len, more) == -1) {
		c->gone = 1;
		c->closing = 1;
	}
	if (c->gone)
		rc = -1;
	c->out_len = 0;
	return rc;
}

/* Appends bytes to the output buffer, flushing it when it is full. */
void
respond_bytes(struct conn *c, const void *p, size_t len)
{
	if (c->out_len + len > CONN_OUT_BUF)
		(void)respond_flush(c, 1);
	if (len > CONN_OUT_BUF) {
		if (!c->gone && write_all(c, p, len, 0) == -1) {
			c->gone = 1;
			c->closing = 1;
		}
		return;
	}
	memcpy(c->out + c->out_len, p, len);
	c->out_len += len;
}

static void
out_str(struct conn *c, const char *s)
{
	respond_bytes(c, s, strlen(s));
}

static void
out_u64(struct conn *c, uint64_t v)
{
	char	 buf[RESPOND_U64_LEN];
	char	*p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	respond_bytes(c, p, (size_t)(buf + sizeof(buf) - p));
}

/*
 * Appends the fields after the status line that every response has, the
 * same for a second: "\r\nServer: NAME\r\nDate: DATE\r\n".  They are
 * formatted when the second changes.
 */
static void
out_server_date(struct conn *c)
{
	static char	buf[sizeof("\r\nServer: \r\nDate: \r\n") +
	    CONFIG_WORD_MAX + UTIL_HTTP_DATE_LEN];
	static size_t	len;
	static time_t	sec = -1;
	char		date[UTIL_HTTP_DATE_LEN + 1];
	int		n;

	if (c->req_start.tv_sec != sec) {
		util_http_date(c->req_start.tv_sec, date);
		n = snprintf(buf, sizeof(buf), "\r\nServer: %s\r\nDate: %s\r\n",
		    c->cfg->server_name, date);
		/* Sized for the longest name: never cut, never negative. */
		len = n > 0 && (size_t)n < sizeof(buf) ? (size_t)n : 0;
		sec = c->req_start.tv_sec;
	}
	respond_bytes(c, buf, len);
}

/* Starts a response: the status line, Server and Date. */
void
respond_start(struct conn *c, int status)
{
	const struct status_text *s = status_find(status);

	c->reply.status = status;
	c->reply.bytes = 0;
	c->reply.type = NULL;
	c->reply.head_at = c->out_len;
	c->reply.writes_at = c->writes;
	if (s != NULL)
		respond_bytes(c, s->line, s->line_len);
	else {
		OUT_LIT(c, "HTTP/1.1 ");
		out_u64(c, (uint64_t)status);
		OUT_LIT(c, " Unknown");
	}
	out_server_date(c);
}

/* Appends one header field; the value must come from stdhttpd, never
 * from the request unchecked. */
void
respond_header(struct conn *c, const char *name, const char *value)
{
	out_str(c, name);
	out_str(c, ": ");
	out_str(c, value);
	out_str(c, "\r\n");
}

void
respond_header_u64(struct conn *c, const char *name, uint64_t value)
{
	out_str(c, name);
	out_str(c, ": ");
	out_u64(c, value);
	out_str(c, "\r\n");
}

/*
 * Ends the header block with the Connection field that tells the client
 * whether the connection persists, and the empty line.
 */
static void
end_head(struct conn *c)
{
	if (!c->req.keep_alive)
		c->closing = 1;
	if (c->closing)
		OUT_LIT(c, "Connection: close\r\n\r\n");
	else if (c->req.minor == 0)
		OUT_LIT(c, "Connection: keep-alive\r\n\r\n");
	else
		OUT_LIT(c, "\r\n");
}

/*
 * Ends the header block with Content-Type (when type is not NULL),
 * Content-Length (unless length is RESPOND_NO_LENGTH) and Connection.
 */
void
respond_end(struct conn *c, const char *type, uint64_t length)
{
	c->reply.type = type;
	if (type != NULL)
		respond_header(c, "Content-Type", type);
	if (length != RESPOND_NO_LENGTH)
		respond_header_u64(c, "Content-Length", length);
	end_head(c);
}

/*
 * Like respond_end(), with the fields up to Content-Length formatted by
 * the caller: fields[0..len) holds whole lines, Content-Type (type) among
 * them.
 */
void
respond_end_fields(struct conn *c, const char *type, const char *fields,
    size_t len)
{
	c->reply.type = type;
	respond_bytes(c, fields, len);
	end_head(c);
}

/*
 * Logs why the file's last left bytes were not sent: it ended early (n is
 * 0) or reading it failed (errno says why).
 */
static void
log_unread(const struct conn *c, ssize_t n, uint64_t left)
{
	if (n == 0)
		conn_log(c, "request %u: the file ended %llu bytes short of "
		    "its size", c->seq, (unsigned long long)left);
	else
		conn_log(c, "request %u: reading the file: %s", c->seq,
		    strerror(errno));
}

/* Copies len bytes of fd at off into the output buffer; -1 if short. */
static int
file_inline(struct conn *c, int fd, off_t off, size_t len)
{
	ssize_t	n;

	if (c->out_len + len > CONN_OUT_BUF)
		(void)respond_flush(c, 1);
	while (len > 0) {
		n = pread(fd, c->out + c->out_len, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_unread(c, n, len);
			return -1;
		}
		c->out_len += (size_t)n;
		c->reply.bytes += (uint64_t)n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Sends len bytes of fd at off by sendfile, after the buffered headers. */
static int
file_sendfile(struct conn *c, int fd, off_t off, uint64_t len)
{
	ssize_t	n;

	/* A large body may take long: the records so far, the connection's
	 * open record among them, must not wait for it. */
	(void)stats_flush(c);
	if (respond_flush(c, 1) == -1)
		return -1;
	while (len > 0) {
		n = sendfile(c->out_fd, fd, &off,
		    len > SSIZE_MAX ? SSIZE_MAX : (size_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && !c->gone &&
		    (errno == EINVAL || errno == ENOSYS)) {
			/* An output sendfile cannot write to: copy, through
			 * the output buffer, which was just flushed. */
			n = pread(fd, c->out, len > CONN_OUT_BUF ?
			    CONN_OUT_BUF : (size_t)len, off);
			if (n > 0 && write_all(c, c->out, (size_t)n, 0) == -1)
				n = -1, c->gone = 1;
			if (n > 0)
				off += n;
		}
		/* The file shrank while it was sent, or reading it failed;
		 * any other error is the client's side of the connection. */
		if (n == 0 || (n < 0 && errno == EIO))
			log_unread(c, n, len);
		if (n <= 0)
			return -1;
		c->reply.bytes += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/*
 * Takes back the response being built, if none of it has left yet and it
 * is not already an error: returns 1 when it did.
 */
static int
retract(struct conn *c)
{
	if (c->writes != c->reply.writes_at || c->reply.status >= 400)
		return 0;
	c->out_len = c->reply.head_at;
	return 1;
}

/*
 * Sends len bytes of the open file fd from offset off as the body, unless
 * the request is HEAD.  A file that fails (it shrank, reading it failed)
 * while all of its response is still in the output buffer gets a 500 in
 * that response's place.  Returns 0 when a whole response is on its way,
 * or -1 when the body could not be sent whole (the file failed later, the
 * client left); the connection then closes, since the promised
 * Content-Length no longer frames the stream.
 */
int
respond_file(struct conn *c, int fd, off_t off, uint64_t len)
{
	int	rc;

	if (c->req.method == METHOD_HEAD || len == 0)
		return 0;
	if (len <= RESPOND_INLINE_MAX)
		rc = file_inline(c, fd, off, (size_t)len);
	else
		rc = file_sendfile(c, fd, off, len);
	if (rc == -1 && !c->gone && retract(c)) {
		respond_error_header(c, 500, NULL, NULL);
		return 0;
	}
	if (rc == -1)
		c->closing = 1;
	return rc;
}

/* Serves the configured error page for status, if there is one. */
static int
error_page(struct conn *c, int status)
{
	const char	*page;
	struct stat	 st;
	int		 fd, rc;

	if (!c->cfg_ok || c->root_fd < 0 ||
	    (page = config_error_page(c->cfg, status)) == NULL)
		return -1;
	while (*page == '/')
		page++;
	if (file_open(c->root_fd, page, 0, &st, &fd) != 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		(void)close(fd);
		return -1;
	}
	respond_start(c, status);
	respond_end(c, mime_type(c->cfg, SPAN_LIT("x.html")),
	    (uint64_t)st.st_size);
	rc = respond_file(c, fd, 0, (uint64_t)st.st_size);
	(void)close(fd);
	(void)rc;
	return 0;
}

/*
 * Sends a complete error response with a short HTML body that names the
 * status and nothing else: it never echoes the request.  name and value,
 * when not NULL, add one header field (Allow for 405, Location for 301,
 * Content-Range for 416); the configured error pages serve only plain
 * errors.
 */
void
respond_error_header(struct conn *c, int status, const char *name,
    const char *value)
{
	static const char head[] = "<!DOCTYPE html>\n<html><head><title>";
	static const char mid[] = "</title></head>\n<body><h1>";
	static const char tail[] = "</h1></body></html>\n";
	const char	*reason = respond_reason(status);
	char		 line[RESPOND_U64_LEN + 64];
	size_t		 n, len;

	if (name == NULL && error_page(c, status) == 0)
		return;
	n = (size_t)snprintf(line, sizeof(line), "%d %s", status, reason);
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	len = sizeof(head) - 1 + n + sizeof(mid) - 1 + n + sizeof(tail) - 1;

	respond_start(c, status);
	if (name != NULL)
		respond_header(c, name, value);
	respond_end(c, "text/html; charset=utf-8", len);
	if (c->req.method == METHOD_HEAD)
		return;
	respond_bytes(c, head, sizeof(head) - 1);
	respond_bytes(c, line, n);
	respond_bytes(c, mid, sizeof(mid) - 1);
	respond_bytes(c, line, n);
	respond_bytes(c, tail, sizeof(tail) - 1);
	c->reply.bytes = len;
}

/*
 * Sends the error response for status.  A failure on the server's side
 * (500, 507) also goes to the log with errno's reason, so call this right
 * after the call that failed.  The line names the request by its number on
 * the connection, as the stats record does, and never by its content.
 */
void
respond_error(struct conn *c, int status)
{
	if (status == 500 || status == 507)
		conn_log(c, "request %u: %d %s: %s", c->seq, status,
		    respond_reason(status), strerror(errno));
	respond_error_header(c, status, NULL, NULL);
}
