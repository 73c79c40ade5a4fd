/*
 * aggregate.c - keeps stdhttpd-admin's counters.
 *
 * Each record line (read by follow.c, scanned by statsline.c) is counted
 * by its event: requests by method, status, media type and duration, and
 * the connections open now, which a handler killed before its close record
 * does not keep open forever.  A torn or invalid line counts as bad instead
 * of failing.  The counters are plain data, so a checkpoint beside the
 * stats file is them written out, and lets a restart skip what was read.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "admin.h"

/* Connection table slot states. */
#define AGG_SLOT_EMPTY	0
#define AGG_SLOT_LIVE	1
#define AGG_SLOT_DEAD	2	/* a tombstone: keeps probe chains intact */

#define AGG_CKPT_MAGIC	"stdhttpd-admin checkpoint 1\n"
#define AGG_CKPT_TAIL	256	/* bytes before the offset that must match */

const char *const agg_method_names[AGG_NMETHODS] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT",
	"PATCH", "OTHER",
};

const double agg_prom_bounds[AGG_PROM_BUCKETS] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
	0.25, 0.5, 1, 2.5,
};

static const uint64_t prom_bounds_us[AGG_PROM_BUCKETS] = {
	100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
	500000, 1000000, 2500000,
};

struct ckpt_head {
	char		magic[sizeof(AGG_CKPT_MAGIC)];
	uint64_t	size;		/* sizeof(struct agg_counts) */
	uint64_t	dev;
	uint64_t	ino;
	uint64_t	offset;
	uint64_t	tailhash;
};

static int	method_index(const struct str *);
static unsigned	hist_index(uint64_t);
static uint64_t	hist_upper(unsigned);
static void	timer_add(struct agg_timer *, uint64_t);
static void	count_type(struct agg_counts *, const struct str *);
static uint64_t	conn_hash(const char *, size_t);
static struct agg_conn *conn_find(struct agg_counts *, const char *, size_t);
static void	conn_rebuild(struct agg_counts *);
static void	conn_open(struct agg *, const char *, size_t, pid_t, int64_t);
static void	conn_close(struct agg_counts *, const char *, size_t);
static int	apply(struct agg *, const struct rec *);
static uint64_t	fnv(uint64_t, const char *, size_t);
static int	tail_hash(int, uint64_t, uint64_t *);
static int	read_file(const char *, char *, size_t, size_t *);

static int
method_index(const struct str *m)
{
	char buf[8];
	size_t len, i;

	if (statsline_unescape(m, buf, sizeof(buf), &len) == -1)
		return AGG_METHOD_OTHER;
	for (i = 0; i < AGG_METHOD_OTHER; i++)
		if (strlen(agg_method_names[i]) == len &&
		    memcmp(agg_method_names[i], buf, len) == 0)
			return (int)i;
	return AGG_METHOD_OTHER;
}

static unsigned
hist_index(uint64_t v)
{
	unsigned msb;

	if (v < AGG_HIST_LINEAR)
		return (unsigned)v;
	msb = 63 - (unsigned)__builtin_clzll(v);
	return AGG_HIST_LINEAR + (msb - 4) * AGG_HIST_SUB +
	    (unsigned)((v >> (msb - 3)) & (AGG_HIST_SUB - 1));
}

/* The largest value that falls into bucket i. */
static uint64_t
hist_upper(unsigned i)
{
	unsigned msb, sub;

	if (i < AGG_HIST_LINEAR)
		return i;
	msb = (i - AGG_HIST_LINEAR) / AGG_HIST_SUB + 4;
	sub = (i - AGG_HIST_LINEAR) % AGG_HIST_SUB;
	if (msb == 63 && sub == AGG_HIST_SUB - 1)
		return UINT64_MAX;
	return ((uint64_t)(AGG_HIST_SUB + sub + 1) << (msb - 3)) - 1;
}

static void
timer_add(struct agg_timer *t, uint64_t us)
{
	t->count++;
	t->sum_us += us;
	if (us > t->max_us)
		t->max_us = us;
	t->hist[hist_index(us)]++;
}

/*
 * The percentile pct (0-100) of a timer: the upper bound of the bucket that
 * holds it, never above the largest value seen.  0 when nothing was timed.
 */
uint64_t
agg_percentile(const struct agg_timer *t, unsigned pct)
{
	uint64_t rank, seen = 0, up;
	unsigned i;

	if (t->count == 0)
		return 0;
	if (pct > 100)
		pct = 100;
	rank = (t->count * pct + 99) / 100;
	if (rank == 0)
		rank = 1;
	for (i = 0; i < AGG_HIST_BUCKETS; i++) {
		seen += t->hist[i];
		if (seen >= rank)
			break;
	}
	up = hist_upper(i < AGG_HIST_BUCKETS ? i : AGG_HIST_BUCKETS - 1);
	return up < t->max_us ? up : t->max_us;
}

/*
 * Files by media type: the part before ';', trimmed and lower-cased, with
 * anything but printable ASCII replaced so that every answer format can
 * carry the name as it is.
 */
static void
count_type(struct agg_counts *c, const struct str *type)
{
	char buf[AGG_TYPE_LEN];
	size_t len, i, b, e;

	if (statsline_unescape(type, buf, sizeof(buf), &len) == -1) {
		c->type_other++;
		return;
	}
	for (e = 0; e < len && buf[e] != ';'; e++)
		;
	for (b = 0; b < e && (buf[b] == ' ' || buf[b] == '\t'); b++)
		;
	while (e > b && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
		e--;
	if (e == b) {
		memcpy(buf, "(none)", sizeof("(none)"));
		b = 0;
		e = sizeof("(none)") - 1;
	}
	len = e - b;
	memmove(buf, buf + b, len);
	if (len >= AGG_TYPE_LEN) {
		c->type_other++;
		return;
	}
	buf[len] = '\0';
	for (i = 0; i < len; i++) {
		unsigned char u = (unsigned char)buf[i];

		if (u < 0x21 || u > 0x7e || u == '"' || u == '\\')
			buf[i] = '?';
		else
			buf[i] = (char)tolower(u);
	}
	for (i = 0; i < c->ntypes; i++)
		if (strcmp(c->types[i].name, buf) == 0) {
			c->types[i].count++;
			return;
		}
	if (c->ntypes == AGG_MAX_TYPES) {
		c->type_other++;
		return;
	}
	memcpy(c->types[c->ntypes].name, buf, len + 1);
	c->types[c->ntypes++].count = 1;
}

static uint64_t
conn_hash(const char *id, size_t len)
{
	return fnv(0xcbf29ce484222325ULL, id, len);
}

static struct agg_conn *
conn_find(struct agg_counts *c, const char *id, size_t len)
{
	size_t i, n;
	struct agg_conn *s;

	i = conn_hash(id, len) & (AGG_CONN_SLOTS - 1);
	for (n = 0; n < AGG_CONN_SLOTS; n++, i = (i + 1) & (AGG_CONN_SLOTS - 1)) {
		s = &c->conns[i];
		if (s->state == AGG_SLOT_EMPTY)
			return NULL;
		if (s->state == AGG_SLOT_LIVE && s->idlen == len &&
		    memcmp(s->id, id, len) == 0)
			return s;
	}
	return NULL;
}

/* Drops the tombstones, so that probe chains end at an empty slot again. */
static void
conn_rebuild(struct agg_counts *c)
{
	struct agg_conn *old;
	size_t i, j;

	if ((old = malloc(sizeof(c->conns))) == NULL)
		return;		/* tombstones stay; lookups still work */
	memcpy(old, c->conns, sizeof(c->conns));
	memset(c->conns, 0, sizeof(c->conns));
	for (i = 0; i < AGG_CONN_SLOTS; i++) {
		if (old[i].state != AGG_SLOT_LIVE)
			continue;
		j = conn_hash(old[i].id, old[i].idlen) & (AGG_CONN_SLOTS - 1);
		while (c->conns[j].state != AGG_SLOT_EMPTY)
			j = (j + 1) & (AGG_CONN_SLOTS - 1);
		c->conns[j] = old[i];
	}
	c->ntomb = 0;
	free(old);
}

static void
conn_open(struct agg *a, const char *id, size_t len, pid_t pid, int64_t us)
{
	struct agg_counts *c = &a->c;
	struct agg_conn *s;
	size_t i;

	if ((s = conn_find(c, id, len)) != NULL) {
		s->pid = pid;
		s->open_us = us;
		return;
	}
	/* Connections of killed handlers never close: drop them first. */
	if (c->nconns >= AGG_MAX_OPEN && a->alive != NULL)
		(void)agg_connected(a);
	if (c->nconns >= AGG_MAX_OPEN) {
		c->untracked++;
		return;
	}
	if (c->nconns + c->ntomb >= AGG_CONN_SLOTS * 3 / 4)
		conn_rebuild(c);
	i = conn_hash(id, len) & (AGG_CONN_SLOTS - 1);
	while (c->conns[i].state == AGG_SLOT_LIVE)
		i = (i + 1) & (AGG_CONN_SLOTS - 1);
	s = &c->conns[i];
	if (s->state == AGG_SLOT_DEAD)
		c->ntomb--;
	memcpy(s->id, id, len);
	s->idlen = (uint8_t)len;
	s->state = AGG_SLOT_LIVE;
	s->pid = pid;
	s->open_us = us;
	c->nconns++;
}

static void
conn_close(struct agg_counts *c, const char *id, size_t len)
{
	struct agg_conn *s;

	if ((s = conn_find(c, id, len)) == NULL)
		return;
	s->state = AGG_SLOT_DEAD;
	c->nconns--;
	c->ntomb++;
}

/* Counts one scanned record; -1 when it lacks what its event needs. */
static int
apply(struct agg *a, const struct rec *r)
{
	struct agg_counts *c = &a->c;
	char ev[8], conn[AGG_CONN_LEN];
	size_t evlen, connlen = 0;
	int64_t us;
	int m;

	if ((r->seen & (REC_EVENT | REC_TS)) != (REC_EVENT | REC_TS) ||
	    statsline_unescape(&r->event, ev, sizeof(ev), &evlen) == -1 ||
	    r->ts.len >= AGG_TS_LEN || r->ts.esc)
		return -1;
	if ((r->seen & REC_CONN) &&
	    statsline_unescape(&r->conn, conn, sizeof(conn), &connlen) == -1)
		return -1;

	if (evlen == 7 && memcmp(ev, "request", 7) == 0) {
		if ((r->seen & (REC_METHOD | REC_STATUS)) != (REC_METHOD | REC_STATUS) ||
		    r->status < AGG_STATUS_MIN || r->status > AGG_STATUS_MAX)
			return -1;
		m = method_index(&r->method);
		c->requests++;
		c->method[m]++;
		c->status[r->status - AGG_STATUS_MIN]++;
		c->bytes_out += r->bytes;
		c->bytes_in += r->bytes_in;
		timer_add(&c->all, r->dur);
		timer_add(&c->by_method[m], r->dur);
		for (size_t i = 0; i < AGG_PROM_BUCKETS; i++)
			if (r->dur <= prom_bounds_us[i]) {
				c->prom[i]++;
				break;
			}
		if (m == 0 && (r->status == 200 || r->status == 206)) {
			c->files++;
			count_type(c, &r->type);
		}
	} else if (evlen == 4 && memcmp(ev, "open", 4) == 0) {
		if ((r->seen & (REC_PID | REC_CONN)) != (REC_PID | REC_CONN) ||
		    r->pid == 0 || r->pid > INT32_MAX ||
		    statsline_time(r->ts.p, r->ts.len, &us) == -1)
			return -1;
		c->opens++;
		conn_open(a, conn, connlen, (pid_t)r->pid, us);
	} else if (evlen == 5 && memcmp(ev, "close", 5) == 0) {
		if (!(r->seen & REC_CONN))
			return -1;
		c->closes++;
		conn_close(c, conn, connlen);
	}
	/* Other events, from a newer handler, are records we do not count. */

	if (c->first_ts[0] == '\0') {
		memcpy(c->first_ts, r->ts.p, r->ts.len);
		c->first_ts[r->ts.len] = '\0';
	}
	memcpy(c->last_ts, r->ts.p, r->ts.len);
	c->last_ts[r->ts.len] = '\0';
	c->records++;
	return 0;
}

/*
 * Counts one line (without its newline).  Returns 0 for a record, -1 for a
 * bad line.  A line that begins torn but ends in a whole record (a handler
 * died in mid-write, the next one appended) counts as one bad line and that
 * record.
 */
int
agg_line(struct agg *a, const char *line, size_t len)
{
	static const char start[] = "{\"ts\":";
	struct rec r;
	const char *p;

	if (statsline_scan(line, len, &r) == 0 && apply(a, &r) == 0)
		return 0;
	a->c.bad++;
	if (len > 1 && (p = memmem(line + 1, len - 1, start,
	    sizeof(start) - 1)) != NULL &&
	    statsline_scan(p, len - (size_t)(p - line), &r) == 0)
		(void)apply(a, &r);
	return -1;
}

/*
 * Connections open right now: the open connections whose handler still runs
 * (as judged by the alive callback, when one is set); the others are
 * forgotten.
 */
uint64_t
agg_connected(struct agg *a)
{
	struct agg_counts *c = &a->c;
	struct agg_conn *s;
	size_t i;

	if (a->alive == NULL)
		return c->nconns;
	for (i = 0; i < AGG_CONN_SLOTS; i++) {
		s = &c->conns[i];
		if (s->state != AGG_SLOT_LIVE ||
		    a->alive(s->pid, s->open_us, a->alive_arg))
			continue;
		s->state = AGG_SLOT_DEAD;
		c->nconns--;
		c->ntomb++;
	}
	return c->nconns;
}

/* Reads a small file whole, NUL-terminated. */
static int
read_file(const char *path, char *buf, size_t cap, size_t *ret_len)
{
	ssize_t n;
	size_t len = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (len + 1 < cap &&
	    (n = read(fd, buf + len, cap - 1 - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			(void)close(fd);
			return -1;
		}
		len += (size_t)n;
	}
	(void)close(fd);
	buf[len] = '\0';
	*ret_len = len;
	return 0;
}

/*
 * The liveness test for agg->alive: pid runs (a zombie does not), is a
 * stdhttpd, and started no later than the open record (+1 s of tolerance
 * for clock steps), so a reused pid does not count.  Reads /proc.
 */
int
agg_pid_alive(pid_t pid, int64_t open_us, void *arg)
{
	char path[64], buf[1024], *p;
	struct timespec real, boot;
	int64_t boot_us;
	size_t len, field;
	uint64_t start;
	struct span sp;
	long tck;

	(void)arg;
	if (snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid) >=
	    (int)sizeof(path))
		return 0;
	if (read_file(path, buf, sizeof(buf), &len) == -1 ||
	    strcmp(buf, "stdhttpd\n") != 0)
		return 0;
	if (snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid) >=
	    (int)sizeof(path))
		return 0;
	if (read_file(path, buf, sizeof(buf), &len) == -1 ||
	    (p = strrchr(buf, ')')) == NULL)
		return 0;
	/* A killed handler its parent has not reaped yet is a zombie. */
	if (p[1] != ' ' || p[2] == 'Z' || p[2] == 'X' || p[2] == 'x')
		return 0;
	/* After "pid (comm)" come fields 3, 4, ...: starttime is field 22. */
	for (field = 2; field < 22; field++) {
		if ((p = strchr(p + 1, ' ')) == NULL)
			return 0;
	}
	sp.p = ++p;
	for (sp.len = 0; p[sp.len] >= '0' && p[sp.len] <= '9'; sp.len++)
		;
	if (util_parse_u64(sp, UINT64_MAX, &start) == -1 ||
	    (tck = sysconf(_SC_CLK_TCK)) <= 0)
		return 0;
	/*
	 * The boot time from the two clocks rather than btime in /proc/stat:
	 * the same instant, without its rounding to a second, and without
	 * reading a file whose interrupt line runs to many kilobytes.
	 */
	if (clock_gettime(CLOCK_REALTIME, &real) == -1 ||
	    clock_gettime(CLOCK_BOOTTIME, &boot) == -1)
		return 1;	/* cannot tell: keep counting it */
	boot_us = (real.tv_sec - boot.tv_sec) * US_PER_SEC +
	    (real.tv_nsec - boot.tv_nsec) / 1000;
	return boot_us + (int64_t)(start / (uint64_t)tck) * US_PER_SEC +
	    (int64_t)(start % (uint64_t)tck) * US_PER_SEC / tck <=
	    open_us + US_PER_SEC;
}

/*
 * A new, empty aggregate that will follow path (copied).  The caller frees
 * it with agg_free().  NULL with errno on failure.
 */
struct agg *
agg_new(const char *path)
{
	struct agg *a;
	int i;

	if (strlen(path) >= sizeof(a->path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->cur.fd = -1;
	for (i = 0; i < AGG_OLD_MAX; i++)
		a->old[i].fd = -1;
	/* Pages of these buffers are touched only when a file needs them. */
	if ((a->cur.buf = malloc(AGG_READ_SIZE + AGG_LINE_MAX + 1)) == NULL)
		goto fail;
	for (i = 0; i < AGG_OLD_MAX; i++)
		if ((a->old[i].buf = malloc(AGG_READ_SIZE + AGG_LINE_MAX +
		    1)) == NULL)
			goto fail;
	memcpy(a->path, path, strlen(path) + 1);
	return a;
fail:
	agg_free(a);
	return NULL;
}

void
agg_free(struct agg *a)
{
	int i;

	if (a == NULL)
		return;
	if (a->cur.fd != -1)
		(void)close(a->cur.fd);
	free(a->cur.buf);
	for (i = 0; i < AGG_OLD_MAX; i++) {
		if (a->old[i].fd != -1)
			(void)close(a->old[i].fd);
		free(a->old[i].buf);
	}
	free(a);
}

static uint64_t
fnv(uint64_t h, const char *p, size_t len)
{
	while (len-- > 0) {
		h ^= (unsigned char)*p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* A hash of the bytes just before offset, to tell the same file apart. */
static int
tail_hash(int fd, uint64_t offset, uint64_t *ret)
{
	char buf[AGG_CKPT_TAIL];
	uint64_t from = offset > AGG_CKPT_TAIL ? offset - AGG_CKPT_TAIL : 0;
	ssize_t n;

	n = pread(fd, buf, (size_t)(offset - from), (off_t)from);
	if (n != (ssize_t)(offset - from))
		return -1;
	*ret = fnv(0xcbf29ce484222325ULL, buf, (size_t)n);
	return 0;
}

/*
 * Writes the counters, the stats file's identity and the offset read to
 * path, atomically (a temporary file renamed over it).  Nothing is written
 * while the stats file is not open.  Returns 0, or -1 with errno.
 */
int
agg_checkpoint_save(const struct agg *a, const char *path)
{
	struct ckpt_head h;
	char tmp[PATH_MAX];
	const char *p;
	size_t left;
	ssize_t n;
	int fd, rc = -1;

	if (a->cur.fd == -1)
		return 0;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, AGG_CKPT_MAGIC, sizeof(AGG_CKPT_MAGIC));
	h.size = sizeof(a->c);
	h.dev = (uint64_t)a->cur.dev;
	h.ino = (uint64_t)a->cur.ino;
	h.offset = a->cur.offset;
	if (tail_hash(a->cur.fd, a->cur.offset, &h.tailhash) == -1)
		return -1;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		return -1;
	if (write(fd, &h, sizeof(h)) != (ssize_t)sizeof(h))
		goto out;
	for (p = (const char *)&a->c, left = sizeof(a->c); left > 0;
	    p += n, left -= (size_t)n)
		if ((n = write(fd, p, left)) <= 0)
			goto out;
	if (fsync(fd) == -1)
		goto out;
	rc = 0;
out:
	if (close(fd) == -1)
		rc = -1;
	if (rc == 0 && rename(tmp, path) == -1)
		rc = -1;
	if (rc == -1)
		(void)unlink(tmp);
	return rc;
}

/*
 * Resumes from the checkpoint at path when it belongs to the stats file as
 * it is now (same device and inode, at least as long, the same bytes before
 * the offset); the counters and offset are then those of the checkpoint.
 * Returns 0 when resumed, -1 with errno otherwise (ESTALE: it does not
 * match), leaving a unchanged.
 */
int
agg_checkpoint_load(struct agg *a, const char *path)
{
	struct ckpt_head h;
	struct agg_counts *c = NULL;
	struct stat st;
	uint64_t hash;
	char *p;
	size_t left;
	ssize_t n;
	int fd, sfd = -1, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	errno = ESTALE;
	if (read(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    memcmp(h.magic, AGG_CKPT_MAGIC, sizeof(AGG_CKPT_MAGIC)) != 0 ||
	    h.size != sizeof(*c))
		goto out;
	if ((sfd = open(a->path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(sfd, &st) == -1)
		goto out;
	errno = ESTALE;
	if ((uint64_t)st.st_dev != h.dev || (uint64_t)st.st_ino != h.ino ||
	    (uint64_t)st.st_size < h.offset ||
	    tail_hash(sfd, h.offset, &hash) == -1 || hash != h.tailhash)
		goto out;
	if ((c = malloc(sizeof(*c))) == NULL)
		goto out;
	for (p = (char *)c, left = sizeof(*c); left > 0; p += n,
	    left -= (size_t)n)
		if ((n = read(fd, p, left)) <= 0) {
			errno = ESTALE;
			goto out;
		}
	memcpy(&a->c, c, sizeof(*c));
	if (a->cur.fd != -1)
		(void)close(a->cur.fd);
	a->cur.fd = sfd;
	sfd = -1;
	a->cur.dev = st.st_dev;
	a->cur.ino = st.st_ino;
	a->cur.offset = h.offset;
	a->cur.have = 0;
	a->cur.skipping = 0;
	rc = 0;
out:
	free(c);
	if (sfd != -1)
		(void)close(sfd);
	(void)close(fd);
	return rc;
}
