/*
 * cmdfile.c - webclient's command lines, URLs and arguments, checked and
 * turned into struct command.
 *
 * Pure: no I/O, no allocation, no logging, so that every malformed line can
 * be unit-tested.  Reasons for rejecting input are static strings that the
 * caller prints with the line number.
 */
#include <string.h>

#include "client.h"

#define CMDFILE_MAX_FIELDS	4	/* METHOD path host port */
#define CMDFILE_PORT_MAX	65535

static const struct {
	const char	*name;
	enum method	 method;
} cmdfile_methods[] = {
	{ "GET",	METHOD_GET },
	{ "HEAD",	METHOD_HEAD },
	{ "POST",	METHOD_POST },
	{ "PUT",	METHOD_PUT },
	{ "DELETE",	METHOD_DELETE },
};

#define NMETHODS	(sizeof(cmdfile_methods) / sizeof(cmdfile_methods[0]))

/*
 * Returns the method named by the len bytes at s (case-sensitive, as methods
 * are: RFC 9110 section 9.1), or METHOD_UNKNOWN for anything webclient does
 * not send.
 */
enum method
cmdfile_method(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < NMETHODS; i++)
		if (strlen(cmdfile_methods[i].name) == len &&
		    memcmp(cmdfile_methods[i].name, s, len) == 0)
			return cmdfile_methods[i].method;
	return METHOD_UNKNOWN;
}

/* Returns the name of a method webclient sends, or "?" for any other. */
const char *
cmdfile_method_name(enum method m)
{
	size_t	 i;

	for (i = 0; i < NMETHODS; i++)
		if (cmdfile_methods[i].method == m)
			return cmdfile_methods[i].name;
	return "?";
}

static int
cmdfile_host_ok(const char *h, size_t len)
{
	size_t	 i;
	int	 colon = memchr(h, ':', len) != NULL;

	if (len == 0 || len >= CLIENT_MAX_HOST)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = h[i];

		if (colon) {
			/* An IPv6 literal: hex digits, colons, an IPv4 tail. */
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			    (c >= 'A' && c <= 'F') || c == ':' || c == '.'))
				return 0;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c == '-' || c == '.' || c == '_'))
			return 0;
	}
	return 1;
}

static int
cmdfile_path_ok(const char *p, size_t len)
{
	size_t	 i;

	if (len == 0 || p[0] != '/' || len >= CLIENT_MAX_PATH)
		return 0;
	/* RFC 9112 section 3.2: no whitespace or controls in the target. */
	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] <= 0x20 || p[i] == 0x7f)
			return 0;
	return 1;
}

static int
cmdfile_fill(const char *host, size_t hlen, const char *port, size_t plen,
    const char *path, size_t len, struct command *ret, const char **ret_err)
{
	uint64_t n;

	/* "[::1]" is how URLs write an IPv6 address; keep the address. */
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		host++;
		hlen -= 2;
	}
	if (!cmdfile_host_ok(host, hlen)) {
		*ret_err = "bad host name";
		return -1;
	}
	if (port == NULL) {
		port = CLIENT_DEFAULT_PORT;
		plen = strlen(port);
	}
	if (util_parse_u64((struct span){ port, plen }, CMDFILE_PORT_MAX,
	    &n) == -1 || n == 0 || plen >= CLIENT_MAX_PORT) {
		*ret_err = "bad port";
		return -1;
	}
	if (!cmdfile_path_ok(path, len)) {
		*ret_err = "bad path: it must begin with / and hold no spaces";
		return -1;
	}
	memcpy(ret->host, host, hlen);
	ret->host[hlen] = '\0';
	memcpy(ret->port, port, plen);
	ret->port[plen] = '\0';
	memcpy(ret->path, path, len);
	ret->path[len] = '\0';
	return 0;
}

/*
 * Checks host, port (NULL: 80) and path given as separate arguments and
 * fills *ret, method and line excepted.  Returns 0, or -1 with *ret_err.
 */
int
cmdfile_check(const char *host, const char *port, const char *path,
    struct command *ret, const char **ret_err)
{
	return cmdfile_fill(host, strlen(host), port,
	    port != NULL ? strlen(port) : 0, path, strlen(path), ret, ret_err);
}

/*
 * Parses one line of a command file, len bytes at line, without its newline
 * (a trailing CR is ignored):  METHOD path host [port].  Returns 1 and fills
 * *ret (line excepted) for a command, 0 for a blank or comment line, or -1
 * with *ret_err set to why the line is malformed.
 */
int
cmdfile_parse_line(const char *line, size_t len, struct command *ret,
    const char **ret_err)
{
	struct span	 f[CMDFILE_MAX_FIELDS];
	struct command	 c;
	size_t		 i = 0, n = 0, start;
	enum method	 m;

	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t' ||
		    line[i] == '\r'))
			i++;
		if (i == len || line[i] == '#')
			break;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t' &&
		    line[i] != '\r')
			i++;
		if (n == CMDFILE_MAX_FIELDS) {
			*ret_err = "too many fields";
			return -1;
		}
		f[n].p = line + start;
		f[n].len = i - start;
		n++;
	}
	if (n == 0)
		return 0;
	if (memchr(line, '\0', len) != NULL) {
		*ret_err = "NUL byte in line";
		return -1;
	}
	if ((m = cmdfile_method(f[0].p, f[0].len)) == METHOD_UNKNOWN) {
		*ret_err = "unknown method: expected GET, HEAD, POST, PUT "
		    "or DELETE";
		return -1;
	}
	if (n < 3) {
		*ret_err = "missing fields: expected METHOD path host [port]";
		return -1;
	}
	memset(&c, 0, sizeof(c));
	if (cmdfile_fill(f[2].p, f[2].len, n == 4 ? f[3].p : NULL,
	    n == 4 ? f[3].len : 0, f[1].p, f[1].len, &c, ret_err) == -1)
		return -1;
	c.method = m;
	c.line = ret->line;
	*ret = c;
	return 1;
}

/*
 * Parses "http://host[:port][/path]" (a missing path is "/"; a fragment is
 * dropped, as RFC 9110 section 4.2.4 says it is never sent) into *ret with
 * method GET.  Returns 0, or -1 with *ret_err.
 */
int
cmdfile_parse_url(const char *url, struct command *ret, const char **ret_err)
{
	static const char scheme[] = "http://", tls[] = "https://";
	struct command	 c;
	const char	*host, *end, *port = NULL, *path, *hash;
	size_t		 hlen, plen = 0, len;

	if (strncmp(url, tls, sizeof(tls) - 1) == 0) {
		*ret_err = "https is not supported";
		return -1;
	}
	if (strncmp(url, scheme, sizeof(scheme) - 1) != 0) {
		*ret_err = "not an http:// URL";
		return -1;
	}
	host = url + sizeof(scheme) - 1;
	path = host + strcspn(host, "/?#");
	if (host[0] == '[') {
		if ((end = memchr(host, ']', path - host)) == NULL) {
			*ret_err = "bad host name";
			return -1;
		}
		end++;
	} else
		end = memchr(host, ':', path - host);
	if (end == NULL)
		end = path;
	hlen = end - host;
	if (end < path) {
		if (*end != ':' || end + 1 == path) {
			*ret_err = "bad port";
			return -1;
		}
		port = end + 1;
		plen = path - port;
	}
	hash = path + strcspn(path, "#");
	len = hash - path;
	memset(&c, 0, sizeof(c));
	if (len == 0)
		path = "/", len = 1;
	else if (path[0] == '?') {
		/* "http://h?q" asks for "/?q". */
		if (len + 1 >= CLIENT_MAX_PATH) {
			*ret_err = "bad path";
			return -1;
		}
		c.path[0] = '/';
		memcpy(c.path + 1, path, len);
		path = c.path;
		len++;
	}
	{
		char	 tmp[CLIENT_MAX_PATH];

		if (len >= sizeof(tmp)) {
			*ret_err = "bad path: too long";
			return -1;
		}
		memcpy(tmp, path, len);
		if (cmdfile_fill(host, hlen, port, plen, tmp, len, &c,
		    ret_err) == -1)
			return -1;
	}
	c.method = METHOD_GET;
	*ret = c;
	return 0;
}
