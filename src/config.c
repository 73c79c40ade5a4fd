/*
 * config.c - turns stdhttpd.conf, and the handler's command-line overrides,
 * into struct config, which is read-only afterwards.  The file is read at
 * the start of every connection, so it is parsed in one pass from a stack
 * buffer with open/read/close: no stdio, no allocation, no table built.
 * Errors are reported to the caller as "FILE:LINE: reason", never logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "http.h"

/* How much of the file one read() takes; lines may straddle reads. */
#define CONFIG_READ_CHUNK	4096

/* How much of an unknown key or a bad word an error message quotes. */
#define CONFIG_QUOTE_MAX	40

#define CONFIG_MAX_REQUESTS_MIN	1
#define CONFIG_MAX_REQUESTS_MAX	1000000
#define CONFIG_STATUS_MIN	400
#define CONFIG_STATUS_MAX	599

/* Defaults, also documented in stdhttpd.conf(5) and the example file. */
#define CONFIG_DEFAULT_ROOT		"www"
#define CONFIG_DEFAULT_STATS		"stats/stats.jsonl"
#define CONFIG_DEFAULT_SERVER_NAME	"stdhttpd"
#define CONFIG_DEFAULT_INDEX		"index.html"
#define CONFIG_DEFAULT_HEADER_TIMEOUT_MS	(10 * 1000)
#define CONFIG_DEFAULT_BODY_TIMEOUT_MS	(30 * 1000)
#define CONFIG_DEFAULT_IDLE_TIMEOUT_MS	(15 * 1000)
/*
 * Each connection is a process: closing one costs the client a reconnect
 * and the machine a process start, about the work of a few hundred
 * pipelined requests.  Nothing in a handler grows with its requests, so
 * the limit is high enough to make that cost small, and still a limit.
 */
#define CONFIG_DEFAULT_MAX_REQUESTS	10000

/* A limit's value inside a message: CONFIG_STR(CONFIG_MAX_INDEX) is "8". */
#define CONFIG_STR(n)	CONFIG_STR_(n)
#define CONFIG_STR_(n)	#n

#define CONFIG_TOO_LONG	"line longer than " CONFIG_STR(CONFIG_LINE_MAX) " bytes"

#define CONFIG_FIELD(f)	offsetof(struct config, f), \
			    sizeof(((struct config *)0)->f)

/*
 * Where a directive came from: the directory that relative paths are
 * taken from (up to and including its last '/'; empty on the command line)
 * and a scratch buffer for reasons that quote the value.
 */
struct config_ctx {
	const char	*dir;
	size_t		 dirlen;
	char		 reason[CONFIG_LINE_MAX / 2];
};

/* Returns NULL when the value was taken, else the reason it was not. */
typedef const char *config_setter(struct config *, size_t, size_t,
    const char *, struct config_ctx *);

struct config_key {
	const char	*name;
	config_setter	*set;
	size_t		 off;	/* of the field, for the generic setters */
	size_t		 size;
};

static int
config_isblank(int ch)
{
	return ch == ' ' || ch == '\t';
}

/* Copies len bytes and a NUL into dst of size; -1 if they do not fit. */
static int
config_copy(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

/*
 * The next blank-separated word of *p: sets *ret_word and *ret_len and
 * moves *p past the word and the blanks after it.  Returns 0, or -1 at the
 * end of the value.
 */
static int
config_word(const char **p, const char **ret_word, size_t *ret_len)
{
	const char	*s = *p, *e;

	while (config_isblank((unsigned char)*s))
		s++;
	if (*s == '\0')
		return -1;
	for (e = s; *e != '\0' && !config_isblank((unsigned char)*e); e++)
		continue;
	*ret_word = s;
	*ret_len = (size_t)(e - s);
	while (config_isblank((unsigned char)*e))
		e++;
	*p = e;
	return 0;
}

/* Visible ASCII only: the value ends up in a response header. */
static int
config_visible(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return 0;
	return 1;
}

/*
 * Writes "FORMAT" about value (quoted, cut at CONFIG_QUOTE_MAX, bytes
 * that are not visible ASCII shown as '?') into x->reason and returns it.
 */
static const char *
config_quote(struct config_ctx *x, const char *what, const char *s,
    size_t len, const char *why)
{
	char	q[CONFIG_QUOTE_MAX + 4];
	size_t	i, n = len > CONFIG_QUOTE_MAX ? CONFIG_QUOTE_MAX : len;

	for (i = 0; i < n; i++)
		q[i] = s[i] < ' ' || s[i] > '~' ? '?' : s[i];
	if (n < len) {
		memcpy(q + n, "...", 3);
		n += 3;
	}
	q[n] = '\0';
	/* A cut message is still a message. */
	(void)snprintf(x->reason, sizeof(x->reason), "%s\"%s\"%s", what, q,
	    why);
	return x->reason;
}

/* Whether c->strings has room for n more bytes. */
static int
config_room(const struct config *c, size_t n)
{
	return n <= sizeof(c->strings) - c->strings_len;
}

/*
 * Keeps prefix[0..plen) and s[0..len) as one string in c->strings and
 * returns it; the caller made sure of the room (config_room()).
 */
static const char *
config_keep(struct config *c, const char *prefix, size_t plen,
    const char *s, size_t len)
{
	char	*dst = c->strings + c->strings_len;

	if (plen > 0)
		memcpy(dst, prefix, plen);
	memcpy(dst + plen, s, len);
	dst[plen + len] = '\0';
	c->strings_len += plen + len + 1;
	return dst;
}

#define CONFIG_FULL	"too many values set"

/*
 * root, stats, error_log: the field points at the value, kept with the
 * other strings.  Relative paths are taken from the file's directory.
 */
static const char *
config_set_path(struct config *c, size_t off, size_t size, const char *value,
    struct config_ctx *x)
{
	const char	**field = (const char **)(void *)((char *)c + off);
	size_t		  len = strlen(value), dirlen = x->dirlen;

	(void)size;
	/* "-" sends the error log back to standard error. */
	if (off == offsetof(struct config, error_log) &&
	    strcmp(value, "-") == 0) {
		*field = "";
		return NULL;
	}
	if (value[0] == '/')
		dirlen = 0;
	if (dirlen + len >= PATH_MAX)
		return "path too long";
	if (!config_room(c, dirlen + len + 1))
		return CONFIG_FULL;
	*field = config_keep(c, x->dir, dirlen, value, len);
	return NULL;
}

/* server_name, user: one word of visible ASCII. */
static const char *
config_set_word(struct config *c, size_t off, size_t size, const char *value,
    struct config_ctx *x)
{
	const char	**field = (const char **)(void *)((char *)c + off);
	size_t		  len = strlen(value);

	(void)x;
	if (!config_visible(value, len))
		return "expects one word of visible ASCII";
	if (len >= size)
		return "too long";
	if (!config_room(c, len + 1))
		return CONFIG_FULL;
	*field = config_keep(c, NULL, 0, value, len);
	return NULL;
}

static const char *
config_set_bool(struct config *c, size_t off, size_t size, const char *value,
    struct config_ctx *x)
{
	int	*dst = (int *)(void *)((char *)c + off);

	(void)size;
	(void)x;
	if (strcmp(value, "on") == 0)
		*dst = 1;
	else if (strcmp(value, "off") == 0)
		*dst = 0;
	else
		return "expects on or off";
	return NULL;
}

/* The timeouts; zero would mean "give up at once", so it is refused. */
static const char *
config_set_duration(struct config *c, size_t off, size_t size,
    const char *value, struct config_ctx *x)
{
	unsigned	ms;

	(void)size;
	(void)x;
	if (util_parse_duration_ms(value, &ms) == -1 || ms == 0)
		return "not a duration from 1ms to 24h, such as 10s, 500ms "
		    "or 2m";
	*(unsigned *)(void *)((char *)c + off) = ms;
	return NULL;
}

static const char *
config_set_max_requests(struct config *c, size_t off, size_t size,
    const char *value, struct config_ctx *x)
{
	uint64_t	n;

	(void)off;
	(void)size;
	(void)x;
	if (util_parse_u64((struct span){ value, strlen(value) },
	    CONFIG_MAX_REQUESTS_MAX, &n) == -1 || n < CONFIG_MAX_REQUESTS_MIN)
		return "not a number from "
		    CONFIG_STR(CONFIG_MAX_REQUESTS_MIN) " to "
		    CONFIG_STR(CONFIG_MAX_REQUESTS_MAX);
	c->max_requests = (unsigned)n;
	return NULL;
}

static const char *
config_set_max_body(struct config *c, size_t off, size_t size,
    const char *value, struct config_ctx *x)
{
	uint64_t	n;

	(void)off;
	(void)size;
	(void)x;
	if (util_parse_size(value, &n) == -1)
		return "not a size such as 64M (bytes, or suffix K, M or G)";
	c->max_body = n;
	return NULL;
}

/* index NAME [NAME...]: replaces the list, all or nothing. */
static const char *
config_set_index(struct config *c, size_t off, size_t size, const char *value,
    struct config_ctx *x)
{
	const char	*w, *rest = value;
	size_t		 n = 0, len, room = 0;

	(void)off;
	(void)size;
	while (config_word(&rest, &w, &len) == 0) {
		if (n == CONFIG_MAX_INDEX)
			return "more than " CONFIG_STR(CONFIG_MAX_INDEX)
			    " names";
		if (memchr(w, '/', len) != NULL ||
		    (len == 1 && w[0] == '.') ||
		    (len == 2 && w[0] == '.' && w[1] == '.'))
			return config_quote(x, "", w, len,
			    " is not a file name");
		if (len >= CONFIG_NAME_MAX)
			return config_quote(x, "", w, len, " is too long");
		n++;
		room += len + 1;
	}
	if (!config_room(c, room))
		return CONFIG_FULL;
	for (n = 0; config_word(&value, &w, &len) == 0; n++)
		c->index[n] = config_keep(c, NULL, 0, w, len);
	c->nindex = n;
	return NULL;
}

/* An extension: letters, digits, '-', '_', '+'; no dot. */
static int
config_ext_valid(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_' || s[i] == '+'))
			return 0;
	return len > 0;
}

/* type/subtype: one '/' between two non-empty parts (RFC 9110 8.3.1). */
static int
config_media_valid(const char *s, size_t len)
{
	const char	*slash = memchr(s, '/', len);

	return config_visible(s, len) && slash != NULL && slash != s &&
	    slash != s + len - 1 && memchr(slash + 1, '/',
	    len - (size_t)(slash + 1 - s)) == NULL;
}

/* type EXT MEDIA-TYPE [PARAMS]: the rest of the line is the header value. */
static const char *
config_set_type(struct config *c, size_t off, size_t size, const char *value,
    struct config_ctx *x)
{
	struct mime_entry	 e;
	const char		*ext, *media, *p;
	size_t			 extlen, medialen, i, len;

	(void)off;
	(void)size;
	if (config_word(&value, &ext, &extlen) == -1 ||
	    config_word(&value, &media, &medialen) == -1)
		return "expects an extension and a media type";
	if (!config_ext_valid(ext, extlen))
		return config_quote(x, "extension ", ext, extlen,
		    ": letters, digits, '-', '_' or '+' and no dot");
	if (config_copy(e.ext, sizeof(e.ext), ext, extlen) == -1)
		return config_quote(x, "extension ", ext, extlen,
		    " is too long");
	for (i = 0; i < extlen; i++)
		if (e.ext[i] >= 'A' && e.ext[i] <= 'Z')
			e.ext[i] = (char)(e.ext[i] - 'A' + 'a');
	/* Strip a ';' glued to the media type: "text/plain;" "charset=x". */
	len = medialen;
	if ((p = memchr(media, ';', medialen)) != NULL)
		len = (size_t)(p - media);
	if (!config_media_valid(media, len))
		return config_quote(x, "", media, len,
		    " is not a media type such as text/plain");
	/* The parameters are kept as written, blanks included. */
	len = strlen(media);
	for (i = 0; i < len; i++)
		if ((unsigned char)media[i] > '~')
			return "media type: visible ASCII only";
	if (config_copy(e.type, sizeof(e.type), media, len) == -1)
		return "media type too long";
	for (i = 0; i < c->ntypes; i++)
		if (strcmp(c->types[i].ext, e.ext) == 0)
			break;
	if (i == CONFIG_MAX_TYPES)
		return "more than " CONFIG_STR(CONFIG_MAX_TYPES) " types";
	c->types[i] = e;
	if (i == c->ntypes)
		c->ntypes++;
	return NULL;
}

/*
 * A URL path as the handler compares it after normalising the request:
 * starts with '/', visible ASCII, no empty, "." or ".." segments (they
 * could never match a normalised path).
 */
static int
config_url_path_valid(const char *s, size_t len)
{
	size_t	i, seg = 1;

	if (len == 0 || s[0] != '/' || !config_visible(s, len))
		return 0;
	for (i = 1; i <= len; i++) {
		if (i < len && s[i] != '/')
			continue;
		/* The segment s[seg, i) ends here. */
		if ((i - seg == 0 && i < len) ||
		    (i - seg == 1 && s[seg] == '.') ||
		    (i - seg == 2 && s[seg] == '.' && s[seg + 1] == '.'))
			return 0;
		seg = i + 1;
	}
	return 1;
}

/* writable PREFIX: repeatable; a repeated prefix is kept once. */
static const char *
config_set_writable(struct config *c, size_t off, size_t size,
    const char *value, struct config_ctx *x)
{
	size_t	len = strlen(value), i;

	(void)off;
	(void)size;
	if (!config_url_path_valid(value, len) || value[len - 1] != '/')
		return config_quote(x, "", value, len,
		    " is not a URL path starting and ending with '/'");
	for (i = 0; i < c->nwritable; i++)
		if (strcmp(c->writable[i], value) == 0)
			return NULL;
	if (c->nwritable == CONFIG_MAX_WRITABLE)
		return "more than " CONFIG_STR(CONFIG_MAX_WRITABLE) " prefixes";
	if (len >= CONFIG_NAME_MAX)
		return "too long";
	if (!config_room(c, len + 1))
		return CONFIG_FULL;
	c->writable[c->nwritable++] = config_keep(c, NULL, 0, value, len);
	return NULL;
}

/* error_page STATUS PATH: a later line for the same status wins. */
static const char *
config_set_error_page(struct config *c, size_t off, size_t size,
    const char *value, struct config_ctx *x)
{
	const char	*st, *path;
	size_t		 stlen, pathlen, i;
	uint64_t	 n;

	(void)off;
	(void)size;
	if (config_word(&value, &st, &stlen) == -1 ||
	    config_word(&value, &path, &pathlen) == -1 || *value != '\0')
		return "expects a status and a URL path";
	if (util_parse_u64((struct span){ st, stlen }, CONFIG_STATUS_MAX,
	    &n) == -1 || n < CONFIG_STATUS_MIN)
		return config_quote(x, "status ", st, stlen,
		    " is not a number from "
		    CONFIG_STR(CONFIG_STATUS_MIN) " to "
		    CONFIG_STR(CONFIG_STATUS_MAX));
	if (!config_url_path_valid(path, pathlen) || path[pathlen - 1] == '/')
		return config_quote(x, "", path, pathlen,
		    " is not a URL path of a file, such as /404.html");
	if (pathlen >= CONFIG_NAME_MAX)
		return "path too long";
	for (i = 0; i < c->nerror_pages; i++)
		if (c->error_pages[i].status == (int)n)
			break;
	if (i == CONFIG_MAX_ERROR_PAGES)
		return "more than " CONFIG_STR(CONFIG_MAX_ERROR_PAGES)
		    " error pages";
	if (!config_room(c, pathlen + 1))
		return CONFIG_FULL;
	c->error_pages[i].status = (int)n;
	c->error_pages[i].path = config_keep(c, NULL, 0, path, pathlen);
	if (i == c->nerror_pages)
		c->nerror_pages++;
	return NULL;
}

/* Every directive; a linear search is quicker than sorting 16 names. */
static const struct config_key config_keys[] = {
	{ "root",		config_set_path, CONFIG_FIELD(root) },
	{ "index",		config_set_index, 0, 0 },
	{ "type",		config_set_type, 0, 0 },
	{ "writable",		config_set_writable, 0, 0 },
	{ "error_page",		config_set_error_page, 0, 0 },
	{ "stats",		config_set_path, CONFIG_FIELD(stats) },
	{ "error_log",		config_set_path, CONFIG_FIELD(error_log) },
	{ "server_name",	config_set_word,
	    offsetof(struct config, server_name), CONFIG_WORD_MAX },
	{ "user",		config_set_word,
	    offsetof(struct config, user), CONFIG_WORD_MAX },
	{ "strict_types",	config_set_bool, CONFIG_FIELD(strict_types) },
	{ "create_dirs",	config_set_bool, CONFIG_FIELD(create_dirs) },
	{ "header_timeout",	config_set_duration,
	    CONFIG_FIELD(header_timeout_ms) },
	{ "body_timeout",	config_set_duration,
	    CONFIG_FIELD(body_timeout_ms) },
	{ "idle_timeout",	config_set_duration,
	    CONFIG_FIELD(idle_timeout_ms) },
	{ "max_requests",	config_set_max_requests, 0, 0 },
	{ "max_body",		config_set_max_body, 0, 0 },
};

/*
 * Sets every field to its default: root "www", stats "stats/stats.jsonl",
 * errors to standard error, server name "stdhttpd", no user change, index
 * "index.html", nothing writable, no extra types or error pages, lax types,
 * no directory creation, timeouts 10 s header, 30 s body, 15 s idle, 1000
 * requests a connection, HTTP_MAX_BODY_DEFAULT bytes of body.
 */
void
config_defaults(struct config *c)
{
	/* Arrays end at their count, so nothing past them is cleared: the
	 * unused pages of a static struct config are never touched, which
	 * keeps an idle handler small. */
	c->nwritable = 0;
	c->ntypes = 0;
	c->nerror_pages = 0;
	c->strict_types = 0;
	c->create_dirs = 0;
	c->error = "";
	c->root = CONFIG_DEFAULT_ROOT;
	c->stats = CONFIG_DEFAULT_STATS;
	c->error_log = "";
	c->server_name = CONFIG_DEFAULT_SERVER_NAME;
	c->user = "";
	c->index[0] = CONFIG_DEFAULT_INDEX;
	c->nindex = 1;
	c->strings_len = 0;
	c->header_timeout_ms = CONFIG_DEFAULT_HEADER_TIMEOUT_MS;
	c->body_timeout_ms = CONFIG_DEFAULT_BODY_TIMEOUT_MS;
	c->idle_timeout_ms = CONFIG_DEFAULT_IDLE_TIMEOUT_MS;
	c->max_requests = CONFIG_DEFAULT_MAX_REQUESTS;
	c->max_body = HTTP_MAX_BODY_DEFAULT;
}

/*
 * Sets c->error to "FILE:LINE: KEY: reason", leaving out "FILE:LINE: " on
 * the command line (file NULL) and "KEY: " when key is NULL.
 */
static void
config_fail(struct config *c, const char *file, unsigned line,
    const char *key, const char *reason)
{
	const char	*sep = key != NULL ? ": " : "";

	if (key == NULL)
		key = "";
	/* A cut message is still a message. */
	if (file != NULL)
		(void)snprintf(c->errbuf, sizeof(c->errbuf), "%s:%u: %s%s%s",
		    file, line, key, sep, reason);
	else
		(void)snprintf(c->errbuf, sizeof(c->errbuf), "%s%s%s", key,
		    sep, reason);
	c->error = c->errbuf;
	errno = EINVAL;
}

/*
 * Applies one directive: key and its value (the rest of the line, trimmed).
 * file and line say where it came from, for the error message and for
 * relative paths, which are taken from file's directory; with file NULL
 * (the command line) they stay relative to the current directory.  Returns
 * 0, or -1 with errno EINVAL and c->error set to "FILE:LINE: KEY: reason"
 * (without "FILE:LINE: " when file is NULL); c is then unchanged.
 */
int
config_set(struct config *c, const char *key, const char *value,
    const char *file, unsigned line)
{
	const struct config_key	*k = NULL;
	struct config_ctx	 x = { 0 };
	const char		*slash, *reason;
	size_t			 i;

	for (i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++)
		if (strcmp(config_keys[i].name, key) == 0) {
			k = &config_keys[i];
			break;
		}
	if (k == NULL) {
		config_fail(c, file, line, NULL, config_quote(&x,
		    "unknown key ", key, strlen(key), ""));
		return -1;
	}
	if (*value == '\0') {
		config_fail(c, file, line, k->name, "missing value");
		return -1;
	}
	for (i = 0; value[i] != '\0'; i++)
		if ((unsigned char)value[i] < ' ' && value[i] != '\t') {
			config_fail(c, file, line, k->name,
			    "control character in value");
			return -1;
		}
	x.dir = file;
	x.dirlen = 0;
	if (file != NULL && (slash = strrchr(file, '/')) != NULL)
		x.dirlen = (size_t)(slash - file) + 1;
	if ((reason = k->set(c, k->off, k->size, value, &x)) != NULL) {
		config_fail(c, file, line, k->name, reason);
		return -1;
	}
	return 0;
}

/*
 * One line without its LF, in a buffer that may be written: strips a CR,
 * the comment and blanks, splits off the key and applies it.
 */
static int
config_line(struct config *c, char *s, size_t len, const char *file,
    unsigned line)
{
	char	*key, *value, *end;
	size_t	 i;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (len > CONFIG_LINE_MAX) {
		config_fail(c, file, line, NULL, CONFIG_TOO_LONG);
		return -1;
	}
	if (memchr(s, '\0', len) != NULL) {
		config_fail(c, file, line, NULL, "NUL byte in line");
		return -1;
	}
	/* '#' starts a comment at the start of a line or after a blank. */
	for (i = 0; i < len; i++)
		if (s[i] == '#' && (i == 0 || config_isblank(
		    (unsigned char)s[i - 1]))) {
			len = i;
			break;
		}
	while (len > 0 && config_isblank((unsigned char)s[len - 1]))
		len--;
	s[len] = '\0';
	for (key = s; config_isblank((unsigned char)*key); key++)
		continue;
	if (*key == '\0')
		return 0;
	for (end = key; *end != '\0' && !config_isblank((unsigned char)*end);
	    end++)
		continue;
	for (value = end; config_isblank((unsigned char)*value); value++)
		continue;
	*end = '\0';
	return config_set(c, key, value, file, line);
}

/*
 * Reads the configuration file at path over the current values of c (call
 * config_defaults() first): one directive per line, '#' comments, LF or
 * CR LF line ends, lines of at most CONFIG_LINE_MAX bytes.  Relative paths
 * in it are taken from the file's directory.  Returns 0, or -1 with errno
 * set and c->error holding "FILE: strerror" (the file could not be read) or
 * "FILE:LINE: reason"; the directives before the bad line have been
 * applied, so the caller should not use c after a failure.
 */
int
config_load(struct config *c, const char *path)
{
	char		buf[CONFIG_READ_CHUNK];
	char		line[CONFIG_LINE_MAX + 2];	/* a CR, then NUL */
	const char	*p, *end, *nl;
	size_t		len = 0, n;
	unsigned	lineno = 1;
	ssize_t		got;
	int		fd, rc = -1, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		goto fail;
	for (;;) {
		if ((got = read(fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (got == 0)
			break;
		for (p = buf, end = buf + got; p < end; p = nl + 1) {
			if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
				nl = end;
			n = (size_t)(nl - p);
			/* Room for CONFIG_LINE_MAX bytes, a CR and the NUL. */
			if (n > sizeof(line) - 1 - len) {
				config_fail(c, path, lineno, NULL,
				    CONFIG_TOO_LONG);
				goto out;
			}
			memcpy(line + len, p, n);
			len += n;
			if (nl == end)
				break;
			if (config_line(c, line, len, path, lineno) == -1)
				goto out;
			len = 0;
			lineno++;
		}
	}
	/* A last line without LF. */
	if (len > 0 && config_line(c, line, len, path, lineno) == -1)
		goto out;
	rc = 0;
	goto out;
fail:
	saved = errno;
	(void)snprintf(c->errbuf, sizeof(c->errbuf), "%s: %s", path,
	    strerror(saved));
	c->error = c->errbuf;
	errno = saved;
out:
	if (fd != -1) {
		saved = errno;
		(void)close(fd);
		errno = saved;
	}
	return rc;
}

/*
 * Returns 1 when the URL path (normalised by the caller) lies beneath one
 * of the writable prefixes, else 0.  Prefixes end in '/', so "/upload/"
 * admits "/upload/" and "/upload/a" but neither "/upload" nor "/uploads".
 */
int
config_writable(const struct config *c, struct span path)
{
	size_t	i, n;

	for (i = 0; i < c->nwritable; i++) {
		n = strlen(c->writable[i]);
		if (path.len >= n && memcmp(path.p, c->writable[i], n) == 0)
			return 1;
	}
	return 0;
}

/*
 * Returns the URL path configured with `error_page` for status, owned by
 * c, or NULL when there is none.
 */
const char *
config_error_page(const struct config *c, int status)
{
	size_t	i;

	for (i = 0; i < c->nerror_pages; i++)
		if (c->error_pages[i].status == status)
			return c->error_pages[i].path;
	return NULL;
}
