/*
 * handler.h - the per-connection state of the stdhttpd handler and the
 * prototypes of the modules that serve it (conn, respond, file, upload,
 * stats).  Everything here lives in static storage for the one connection
 * this process serves: nothing on the request path allocates.
 */
#ifndef STDHTTPD_HANDLER_H
#define STDHTTPD_HANDLER_H

#include <sys/stat.h>

#include "http.h"

#define CONN_IN_BUF	32768	/* request heads + pipelined data */
#define CONN_OUT_BUF	32768	/* batched responses of one burst */
#define RESPOND_INLINE_MAX 16384 /* larger file bodies go by sendfile */
#define STATS_BUF	65536	/* records of one burst; fits any record */
#define CONN_ID_LEN	32
#define CONN_ADDR_LEN	64
#define FILE_PATH_MAX	4096	/* a decoded, normalised request path */
#define FILE_CACHE_BUF	24576	/* the last file served: fields, path, body */
#define CONN_IDLE_RELEASE_MS 1000 /* idle this long: give the buffers back */

/* What the current response says about itself, for framing and stats. */
struct reply {
	int		 status;
	uint64_t	 bytes;		/* body bytes sent */
	uint64_t	 bytes_in;	/* request body bytes received */
	const char	*type;		/* Content-Type, NULL without a body */
	size_t		 head_at;	/* where its head begins in out[] */
	unsigned	 writes_at;	/* the conn's writes when it began */
};

struct conn {
	int		 in_fd;		/* 0 */
	int		 out_fd;	/* 1 */
	int		 is_socket;	/* fd 1 is a socket: MSG_MORE works */
	unsigned	 idle_socket_ms; /* fd 0's SO_RCVTIMEO: an idle wait's
					  * first part, 0 when fd 0 has none */
	int		 root_fd;	/* the document root, or -1 */
	int		 stats_fd;	/* the stats file, or -1 */
	int		 stats_failed;	/* logged once per connection */
	const struct config *cfg;
	int		 cfg_ok;	/* 0: every request gets 500 */

	pid_t		 pid;
	char		 id[CONN_ID_LEN];
	char		 client[CONN_ADDR_LEN];
	struct timespec	 opened;
	unsigned	 seq;		/* requests served so far */
	int		 closing;	/* close after this response */
	int		 gone;		/* the client stopped reading */

	/* Input: in[0..in_len); the current request starts at in[start],
	 * its head ends at in[head], its body is consumed from in[pos..). */
	size_t		 in_len;
	unsigned	 fills;		/* reads into in[] so far */
	size_t		 start;
	size_t		 head;
	size_t		 pos;
	size_t		 out_len;	/* out[0..out_len) waits to be sent */
	unsigned	 writes;	/* writes to out_fd so far */
	int		 path_status;	/* 0, or why req.path is refused */
	struct reply	 reply;
	struct timespec	 req_start;

	/* Body framing of the current request. */
	uint64_t	 body_left;	/* Content-Length bytes still unread */
	struct chunked	 chunk;
	int		 body_done;
	int		 body_status;	/* >= 400 when the body was bad */
	int		 continue_sent;

	/* The buffers, CONN_IN_BUF and CONN_OUT_BUF bytes, and the resolved
	 * path, FILE_PATH_MAX, are mapped by conn_serve() apart from the
	 * rest, so that an idle connection can give their pages back. */
	char		*in;
	char		*out;
	char		*path;		/* resolved: "/a/b", "/dir/" */

	/* Last: a request touches only the start of it. */
	struct request	 req;
};

/* conn.c */
int	 conn_serve(struct conn *);
#define CONN_WAIT_IDLE	(-1)	/* conn_fill(): between requests */
int	 conn_fill(struct conn *, int);
int	 conn_body_too_long(const struct conn *);
long	 conn_body(struct conn *, const char **);
int	 conn_discard(struct conn *, int);
void	 conn_release_pages(void *, size_t);
void	 conn_log(const struct conn *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* respond.c */
void	 respond_start(struct conn *, int);
void	 respond_header(struct conn *, const char *, const char *);
void	 respond_header_u64(struct conn *, const char *, uint64_t);
#define RESPOND_NO_LENGTH UINT64_MAX	/* 204, 304: no Content-Length */
void	 respond_end(struct conn *, const char *, uint64_t);
void	 respond_end_fields(struct conn *, const char *, const char *,
	    size_t);
void	 respond_bytes(struct conn *, const void *, size_t);
int	 respond_file(struct conn *, int, off_t, uint64_t);
void	 respond_error(struct conn *, int);
void	 respond_error_header(struct conn *, int, const char *, const char *);
int	 respond_flush(struct conn *, int);
const char *respond_reason(int);

/* file.c */
#define FILE_ETAG_LEN	64
int	 file_resolve(struct span, char *, size_t);
int	 file_open(int, const char *, int, struct stat *, int *);
void	 file_etag(const struct stat *, char [FILE_ETAG_LEN]);
int	 file_conditions(const struct conn *, const struct stat *,
	    const char *);
void	 file_get(struct conn *);
void	 file_forget(void);
void	 file_use_cache(void *);
void	 file_release(void);

/* upload.c */
void	 upload_put(struct conn *);
void	 upload_post(struct conn *);
void	 upload_delete(struct conn *);

/* stats.c */
void	 stats_open_record(struct conn *);
void	 stats_request_record(struct conn *);
void	 stats_close_record(struct conn *);
int	 stats_flush(struct conn *);
void	 stats_use_buffer(char *);
void	 stats_release(void);
int	 stats_pending(void);

#endif /* STDHTTPD_HANDLER_H */
