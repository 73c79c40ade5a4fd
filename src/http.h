/*
 * http.h - the types, limits and prototypes shared by stdhttpd's modules.
 *
 * Prototypes are grouped by the file that defines them.  The pure modules
 * (parse, chunked, conditional, file_resolve, mime, config, util) do no I/O
 * on the request path and never log: they return 0, -1 with errno, or the
 * HTTP status to answer with.
 */
#ifndef STDHTTPD_HTTP_H
#define STDHTTPD_HTTP_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* Limits on what a client may send; each has the status that enforces it. */
#define HTTP_MAX_REQUEST_LINE	8192	/* 414 URI Too Long */
#define HTTP_MAX_HEADER_BLOCK	16384	/* 431, request line included */
#define HTTP_MAX_HEADERS	64	/* 431 */
#define HTTP_MAX_BODY_DEFAULT	(64ULL << 20)	/* 413, configurable */

/* Program exit codes, documented in stdhttpd(8). */
#define EXIT_OK			0
#define EXIT_CLIENT		1	/* the client misbehaved or timed out */
#define EXIT_USAGE		100
#define EXIT_CONFIG		102
#define EXIT_SYSCALL		111

/* A view into a buffer owned by someone else; never NUL-terminated. */
struct span {
	const char	*p;
	size_t		 len;
};

#define SPAN_LIT(s)	((struct span){ (s), sizeof(s) - 1 })

enum method {
	METHOD_UNKNOWN = 0,	/* a valid token we do not implement: 501 */
	METHOD_GET,
	METHOD_HEAD,
	METHOD_POST,
	METHOD_PUT,
	METHOD_DELETE,
	METHOD_OPTIONS,
	METHOD_TRACE,
	METHOD_CONNECT,
	METHOD_PATCH,
};

struct header {
	struct span	name;
	struct span	value;
};

/*
 * A parsed request: spans into the connection's input buffer (zero-copy),
 * valid until that buffer is compacted after the response.
 */
struct request {
	struct span	method_token;	/* as sent, e.g. "GET" */
	enum method	method;
	struct span	target;		/* request-target as sent */
	struct span	path;		/* target up to '?', from its '/' */
	struct span	query;		/* after '?', may be empty */
	int		minor;		/* HTTP/1.<minor>, 0 or 1 */

	/* Derived from the header fields by parse_request(). */
	struct span	host;		/* Host, or the target's authority */
	int		keep_alive;	/* the connection may persist */
	int		chunked;	/* Transfer-Encoding: chunked */
	int		has_length;	/* Content-Length was given */
	uint64_t	content_length;
	int		expect_continue;
	int		conditional;	/* a Range or If-* field is there */

	/* Last, so that a copy can stop after the fields in use. */
	size_t		nheaders;
	struct header	headers[HTTP_MAX_HEADERS];
};

/* A parsed response, for webclient; the same zero-copy rules. */
struct response {
	int		minor;
	int		status;
	struct span	reason;
	struct header	headers[HTTP_MAX_HEADERS];
	size_t		nheaders;

	int		keep_alive;
	int		chunked;
	int		coded;		/* a transfer coding besides chunked */
	int		has_length;
	uint64_t	content_length;
};

/* Incremental chunked-body decoder state (RFC 9112 section 7.1). */
struct chunked {
	int		state;
	uint64_t	remaining;	/* bytes left in the current chunk */
	size_t		line;		/* length of the size/trailer line so far */
	int		has_digit;	/* the chunk size has a hex digit */
};

#define PARSE_OK	0
#define PARSE_AGAIN	(-2)

/* range_parse() results besides PARSE_OK. */
#define RANGE_NONE		1	/* ignore the header: send the whole file */
#define RANGE_UNSATISFIABLE	416

/* Configuration limits. */
#define CONFIG_MAX_INDEX	8
#define CONFIG_MAX_WRITABLE	16
#define CONFIG_MAX_TYPES	64
#define CONFIG_MAX_ERROR_PAGES	8
#define CONFIG_LINE_MAX		1024
#define CONFIG_WORD_MAX		64	/* server_name, user, with the NUL */
#define CONFIG_NAME_MAX		256	/* an index name, a writable prefix or
					   an error page, with the NUL */
/* Room for every string value at its longest, and for repeats. */
#define CONFIG_STRINGS_MAX	(4 * PATH_MAX + 2 * CONFIG_WORD_MAX + \
				 (CONFIG_MAX_INDEX + CONFIG_MAX_WRITABLE + \
				 CONFIG_MAX_ERROR_PAGES) * CONFIG_NAME_MAX)

#define CONFIG_TYPE_MAX		96	/* a media type with its NUL */

struct mime_entry {
	char	ext[16];	/* without the dot, lower case */
	char	type[CONFIG_TYPE_MAX];
};

struct error_page {
	int		 status;
	const char	*path;	/* a URL path beneath the root */
};

/*
 * The configuration, read once at start and read-only afterwards.  Every
 * string value is a default or lies in strings[], one after another, so
 * that what a handler's start writes lies within a few hundred bytes:
 * a page of memory, where fixed arrays for each value spread it over
 * three.
 */
struct config {
	int		strict_types;
	int		create_dirs;
	unsigned	header_timeout_ms;	/* first byte to end of header */
	unsigned	body_timeout_ms;	/* between body reads */
	unsigned	idle_timeout_ms;	/* between keep-alive requests */
	unsigned	max_requests;		/* per connection */
	uint64_t	max_body;
	size_t		nindex;
	size_t		nwritable;
	size_t		ntypes;
	size_t		nerror_pages;
	const char	*root;
	const char	*stats;
	const char	*error_log;		/* "": standard error */
	const char	*server_name;
	const char	*user;			/* "": do not change user */
	const char	*index[CONFIG_MAX_INDEX];
	const char	*writable[CONFIG_MAX_WRITABLE];
	struct error_page error_pages[CONFIG_MAX_ERROR_PAGES];
	const char	*error;			/* "", or errbuf */
	size_t		strings_len;
	char		strings[CONFIG_STRINGS_MAX];
	struct mime_entry types[CONFIG_MAX_TYPES];
	char		errbuf[CONFIG_LINE_MAX];	/* "file:line: reason" */
};

/* parse.c */
int	 parse_request(const char *, size_t, struct request *, size_t *);
int	 parse_response(char *, size_t, int, struct response *,
	    size_t *);
const struct span *parse_header(const struct header *, size_t, const char *);
int	 parse_has_token(struct span, const char *);

/* chunked.c */
void	 chunked_init(struct chunked *);
int	 chunked_decode(struct chunked *, char *, size_t, size_t *, size_t *);

/* conditional.c */
int	 range_parse(struct span, uint64_t, uint64_t *, uint64_t *);
int	 etag_match(struct span, struct span, int);

/* util.c */
int	 span_eq(struct span, const char *);
int	 span_eq_ci(struct span, const char *);
struct span span_trim(struct span);

/* Inline: the parsers call these on every byte of a head. */

/* 1 when ch is an ASCII decimal digit, else 0; no locale is consulted. */
static inline int
util_isdigit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/*
 * 1 when c may stand in a field value or a reason phrase (RFC 9110 section
 * 5.5, RFC 9112 section 4): HTAB, SP, VCHAR, obs-text; 0 for NUL, CR, LF,
 * the other CTLs and DEL.
 */
static inline int
util_is_field_char(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

int	 util_hex(int);
int	 util_parse_u64(struct span, uint64_t, uint64_t *);
int	 util_parse_size(const char *, uint64_t *);
int	 util_parse_duration_ms(const char *, unsigned *);
#define UTIL_HTTP_DATE_LEN	29	/* "Sun, 06 Nov 1994 08:49:37 GMT" */
void	 util_http_date(time_t, char [UTIL_HTTP_DATE_LEN + 1]);
int	 util_parse_http_date(struct span, time_t *);
#define UTIL_RFC3339_LEN	27	/* "2026-11-21T22:23:02.123456Z" */
void	 util_rfc3339(const struct timespec *, char [UTIL_RFC3339_LEN + 1]);
void	 util_rfc3339_usec(const struct timespec *,
	    char [UTIL_RFC3339_LEN + 1]);
int	 util_percent_decode(struct span, char *, size_t, size_t *);
size_t	 util_json_string(char *, size_t, struct span);

/* config.c */
void	 config_defaults(struct config *);
int	 config_load(struct config *, const char *);
int	 config_set(struct config *, const char *, const char *, const char *,
	    unsigned);
int	 config_writable(const struct config *, struct span);
const char *config_error_page(const struct config *, int);

/* mime.c */
const char *mime_type(const struct config *, struct span);

#endif /* STDHTTPD_HTTP_H */
