/*
 * client.h - the types and prototypes of webclient's modules.
 *
 * cmdfile.c turns command lines and URLs into struct command (pure, no I/O),
 * cache.c keeps fetched bodies with their validators on disk, dial.c
 * connects, sink.c puts a body where it belongs, and fetch.c runs commands
 * over persistent, pipelined connections.  Only webclient uses them; the
 * response parser they share with the server is in http.h.
 */
#ifndef STDHTTPD_CLIENT_H
#define STDHTTPD_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "http.h"

#define CLIENT_MAX_HOST		256	/* DNS names are at most 253 */
#define CLIENT_MAX_PORT		6	/* "65535" and its NUL */
#define CLIENT_MAX_PATH		4096	/* request-target as sent */
#define CLIENT_DEFAULT_PORT	"80"

/* One request to make: a command-file line, a URL or the arguments. */
struct command {
	enum method	method;
	char		host[CLIENT_MAX_HOST];	/* IPv6 literal without [] */
	char		port[CLIENT_MAX_PORT];
	char		path[CLIENT_MAX_PATH];	/* begins with '/' */
	unsigned	line;			/* in the command file, or 0 */
};

/* cmdfile.c */
int	 cmdfile_parse_line(const char *, size_t, struct command *,
	    const char **);
int	 cmdfile_parse_url(const char *, struct command *, const char **);
int	 cmdfile_check(const char *, const char *, const char *,
	    struct command *, const char **);
enum method cmdfile_method(const char *, size_t);
const char *cmdfile_method_name(enum method);

/* cache.c */
#define CACHE_MAX_VALUE		256	/* ETag, Last-Modified */
#define CACHE_MAX_URL		(CLIENT_MAX_HOST + CLIENT_MAX_PATH + 32)

struct cache_entry {
	char		etag[CACHE_MAX_VALUE];		/* "" if none */
	char		last_modified[CACHE_MAX_VALUE];	/* "" if none */
	uint64_t	length;		/* of the body */
	int		fd;		/* positioned at the body */
};

struct cache_writer {
	int		fd;
	char		tmp[PATH_MAX];
	char		path[PATH_MAX];
	uint64_t	length;
	uint64_t	sum;
};

int	 cache_open(const char *, const char *, struct cache_entry *);
void	 cache_close(struct cache_entry *);
int	 cache_begin(struct cache_writer *, const char *, const char *,
	    const char *, const char *);
int	 cache_write(struct cache_writer *, const void *, size_t);
int	 cache_commit(struct cache_writer *);
void	 cache_abort(struct cache_writer *);

/* dial.c */
int	 dial_connect(const struct command *, unsigned, int *, char *, size_t);

/* sink.c */
struct sink {
	int			 fd;	/* -1: none, or STDOUT_FILENO */
	char			 tmp[PATH_MAX];
	char			 final[PATH_MAX];
	struct cache_writer	 cw;
	int			 caching;
};

int	 sink_write_all(int, const char *, size_t);
void	 sink_init(struct sink *);
void	 sink_stdout(struct sink *);
int	 sink_open_file(struct sink *, const char *, const char *);
const char *sink_name(const struct sink *);
void	 sink_cache(struct sink *, const char *, const char *, const char *,
	    const char *);
int	 sink_write(struct sink *, const char *, size_t);
int	 sink_commit(struct sink *);
void	 sink_drop(struct sink *);

/* fetch.c */
enum fetch_error {
	FETCH_OK = 0,
	FETCH_NETWORK,		/* refused, DNS, timeout, closed: exit 3 */
	FETCH_LOCAL,		/* a local file could not be read or written */
};

/* What became of one command. */
struct fetch_result {
	int		status;		/* 0: no answer */
	enum fetch_error error;
	char		message[256];	/* why, when error != FETCH_OK */
	uint64_t	bytes;		/* body bytes delivered */
	uint64_t	received;	/* body bytes read from the network */
	double		ms;		/* from sending to the end of the body */
	int		cache_hit;	/* a 304 answered from the cache */
	int		retried;
};

/* How fetch_run() talks and where it puts what it gets. */
struct fetch_opts {
	unsigned	depth;		/* pipelined requests in flight, >= 1 */
	int		http10;		/* send HTTP/1.0, one request a connection */
	unsigned	timeout_ms;	/* connect and each wait; 0: none */
	const char	*cache_dir;	/* NULL: no cache */
	const char	*out_dir;	/* NULL: bodies to stdout */
	const char	*data;		/* upload file; NULL: the last segment */
	int		data_fd;	/* >= 0: upload this instead (stdin) */
	int		include;	/* response head to stdout */
	int		verbose;	/* -1 quiet, 0 normal, 1 request too */
	int		head_stderr;	/* response head to stderr */
	void		(*done)(const struct command *,
			    const struct fetch_result *, void *);
	void		*arg;
};

int	 fetch_run(const struct fetch_opts *, const struct command *,
	    struct fetch_result *, size_t);

#endif /* STDHTTPD_CLIENT_H */
