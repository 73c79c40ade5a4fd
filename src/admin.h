/*
 * admin.h - the types, limits and prototypes of stdhttpd-admin's modules.
 *
 * follow.c follows the stats file, statsline.c reads a record line,
 * aggregate.c keeps the counters, admincmd.c turns a client's bytes into
 * answers, listen.c finds the listening socket.  All but the last do no
 * socket I/O, so unit tests and fuzzers drive them directly.
 */
#ifndef STDHTTPD_ADMIN_H
#define STDHTTPD_ADMIN_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Methods: the nine we know by name, then one bucket for every other token. */
#define AGG_METHOD_OTHER	9
#define AGG_NMETHODS		10

#define AGG_STATUS_MIN		100
#define AGG_STATUS_MAX		599
#define AGG_NSTATUS		(AGG_STATUS_MAX - AGG_STATUS_MIN + 1)

#define AGG_MAX_TYPES		64	/* then "other" */
#define AGG_TYPE_LEN		96	/* a longer media type counts as "other" */

/*
 * Durations go into a log-scale histogram: values below 16 us exactly, then
 * 8 buckets per power of two, so a percentile is within 12.5% of the truth
 * and memory stays fixed however many requests were seen.
 */
#define AGG_HIST_LINEAR		16
#define AGG_HIST_SUB		8
#define AGG_HIST_BUCKETS	(AGG_HIST_LINEAR + (64 - 4) * AGG_HIST_SUB)
#define AGG_PROM_BUCKETS	14	/* the Prometheus "le" bounds, +Inf apart */

#define AGG_MAX_OPEN		16384	/* connections tracked at once */
#define AGG_CONN_SLOTS		(AGG_MAX_OPEN * 2)
#define AGG_CONN_LEN		64	/* a longer connection id is a bad line */
#define AGG_TS_LEN		32

#define AGG_LINE_MAX		65536	/* a longer line is counted bad */
#define AGG_READ_SIZE		(1 << 20)

#define US_PER_SEC		1000000LL	/* times are Unix microseconds */

struct agg_timer {
	uint64_t	count;
	uint64_t	sum_us;
	uint64_t	max_us;
	uint64_t	hist[AGG_HIST_BUCKETS];
};

struct agg_conn {
	char		id[AGG_CONN_LEN];
	uint8_t		idlen;
	uint8_t		state;		/* AGG_SLOT_* in aggregate.c */
	pid_t		pid;
	int64_t		open_us;	/* the open record's time, Unix us */
};

struct agg_type {
	char		name[AGG_TYPE_LEN];
	uint64_t	count;
};

/*
 * Everything counted: plain data without pointers, so that a checkpoint is
 * this struct written out as it is.
 */
struct agg_counts {
	uint64_t	records;	/* good lines */
	uint64_t	bad;		/* torn, invalid or unknown lines */
	uint64_t	requests;
	uint64_t	bytes_out;
	uint64_t	bytes_in;
	uint64_t	files;		/* GET answered 200 or 206 */
	uint64_t	opens;
	uint64_t	closes;
	uint64_t	untracked;	/* opens beyond AGG_MAX_OPEN */
	uint64_t	method[AGG_NMETHODS];
	uint64_t	status[AGG_NSTATUS];
	struct agg_type	types[AGG_MAX_TYPES];
	uint64_t	ntypes;
	uint64_t	type_other;
	struct agg_timer all;
	struct agg_timer by_method[AGG_NMETHODS];
	uint64_t	prom[AGG_PROM_BUCKETS];
	char		first_ts[AGG_TS_LEN];
	char		last_ts[AGG_TS_LEN];
	uint64_t	nconns;		/* live slots */
	uint64_t	ntomb;		/* deleted slots */
	struct agg_conn	conns[AGG_CONN_SLOTS];
};

/* Says whether a handler pid that opened a connection at open_us still runs. */
typedef int	(*agg_alive_fn)(pid_t pid, int64_t open_us, void *arg);

/* One stats file being read: the current one, or the one rotated away. */
struct agg_src {
	int		fd;		/* -1 while there is none */
	dev_t		dev;
	ino_t		ino;
	uint64_t	offset;		/* after the last whole line read */
	char	       *buf;		/* AGG_READ_SIZE + AGG_LINE_MAX */
	size_t		have;		/* bytes of a partial line in buf */
	int		skipping;	/* inside an overlong line */
};

/* How long a rotated file is still read after it last grew, and how many
 * rotated files are read at once (logrotate renames .1 to .2 while handlers
 * that opened it may still append). */
#define AGG_OLD_QUIET_SEC	120
#define AGG_OLD_MAX		4

/* The aggregates plus the state of following one stats file. */
struct agg {
	struct agg_counts c;

	char		path[PATH_MAX];
	struct agg_src	cur;
	struct agg_src	old[AGG_OLD_MAX];	/* rotated away, newest first */
	int64_t		old_active[AGG_OLD_MAX]; /* when each last grew */
	int		rotations;
	int		truncations;
	int		path_gone;	/* missing since the last rotation */

	agg_alive_fn	alive;
	void	       *alive_arg;
};

/* statsline.c */
/* A string value: the raw bytes between the quotes, escapes undone later. */
struct str {
	const char	*p;
	size_t		 len;
	int		 esc;
};

/* The fields of a record the admin uses; seen says which were there. */
#define REC_TS		0x0001
#define REC_EVENT	0x0002
#define REC_PID		0x0004
#define REC_CONN	0x0008
#define REC_METHOD	0x0010
#define REC_STATUS	0x0020
#define REC_BYTES	0x0040
#define REC_BYTES_IN	0x0080
#define REC_TYPE	0x0100
#define REC_DUR		0x0200
struct rec {
	unsigned	seen;
	struct str	ts, event, conn, method, type;
	uint64_t	pid, status, bytes, bytes_in, dur;
};

int	 statsline_scan(const char *, size_t, struct rec *);
int	 statsline_unescape(const struct str *, char *, size_t, size_t *);
int	 statsline_time(const char *, size_t, int64_t *);

/* aggregate.c */
struct agg *agg_new(const char *);
void	 agg_free(struct agg *);
int	 agg_line(struct agg *, const char *, size_t);
uint64_t agg_connected(struct agg *);
uint64_t agg_percentile(const struct agg_timer *, unsigned);
extern const char *const agg_method_names[AGG_NMETHODS];
extern const double agg_prom_bounds[AGG_PROM_BUCKETS];
int	 agg_pid_alive(pid_t, int64_t, void *);
int	 agg_checkpoint_save(const struct agg *, const char *);
int	 agg_checkpoint_load(struct agg *, const char *);

/* follow.c */
int	 agg_follow(struct agg *);
int	 agg_feed(struct agg *, const char *, size_t);

/* admincmd.c */
#define ADMIN_LINE_MAX		1024	/* a longer command line: error, close */
#define ADMIN_OUT_MAX		(1 << 20)	/* unread answers: close */

struct admincmd_out {
	char	       *p;
	size_t		len;
	size_t		off;		/* sent so far */
	size_t		cap;
};

struct admincmd {
	int		state;		/* ADMINCMD_* in admincmd.c */
	int		iac;		/* telnet negotiation parser state */
	int		cr;		/* the last byte ended a line with CR */
	int		http_head;	/* the HTTP request was HEAD */
	int		http_metrics;	/* ... and asked for /metrics */
	char		line[ADMIN_LINE_MAX];
	size_t		linelen;
	int64_t		started;	/* the responder's start, Unix s */
	struct admincmd_out out;
};

#define ADMINCMD_MORE	0	/* keep the connection */
#define ADMINCMD_CLOSE	1	/* close once out is sent */

void	 admincmd_init(struct admincmd *, int64_t);
void	 admincmd_free(struct admincmd *);
int	 admincmd_input(struct admincmd *, struct agg *, const char *, size_t,
	    int64_t);
int	 admincmd_answer(struct admincmd *, struct agg *, const char *, size_t,
	    int64_t);

/* listen.c */
int	 listen_socket(void);
void	 listen_ready(void);
void	 listen_stopping(void);

#endif /* STDHTTPD_ADMIN_H */
