/*
 * admin.c - stdhttpd-admin's main: options, the listening socket, and one
 * poll loop that serves every client and follows the stats file.
 *
 * The aggregates live in aggregate.c and the command protocol in admincmd.c;
 * this file owns the sockets, the timeouts and the checkpoint schedule.  A
 * client that misbehaves is closed and never stalls the others.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "admin.h"

#define ADMIN_MAX_CLIENTS	256
#define ADMIN_TICK_MS		500	/* how often the stats file is read */
#define ADMIN_READ_SIZE		4096
#define ADMIN_OUT_HIGH		(64 * 1024)	/* stop reading a client */
#define ADMIN_WRITE_TIMEOUT_MS	10000	/* a client that does not read */
#define ADMIN_IDLE_TIMEOUT_MS	(3600 * 1000)
#define ADMIN_LINGER_MS		2000	/* reading leftovers before close */
#define ADMIN_CHECKPOINT_MS	30000
#define ADMIN_CHECKPOINT_EXT	".admin-checkpoint"

struct client {
	int		fd;		/* -1: a free slot */
	int		closing;	/* send what is left, then close */
	int		lingering;	/* output shut down, draining input */
	int64_t		deadline;	/* monotonic ms */
	struct admincmd	cmd;
};

static volatile sig_atomic_t	stopping;
static struct client		clients[ADMIN_MAX_CLIENTS];
static struct config		cfg;

static void	on_signal(int);
static int64_t	now_ms(void);
static void	usage(void);
static int	checkpoint_path(const char *, char *, size_t);
static void	client_accept(int, int64_t, int64_t);
static void	client_close(struct client *);
static void	client_read(struct client *, struct agg *, int64_t);
static void	client_write(struct client *, int64_t);
static void	checkpoint(const struct agg *, const char *);
static int	serve(int, struct agg *, const char *);

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
usage(void)
{
	fprintf(stderr, "usage: stdhttpd-admin [-c config] [-k checkpoint] "
	    "[-s stats]\n");
	exit(EXIT_USAGE);
}

/* "dir/.name.admin-checkpoint" for "dir/name": beside it, out of globs. */
static int
checkpoint_path(const char *stats, char *buf, size_t cap)
{
	const char *slash = strrchr(stats, '/');
	int n;

	if (slash == NULL)
		n = snprintf(buf, cap, ".%s%s", stats, ADMIN_CHECKPOINT_EXT);
	else
		n = snprintf(buf, cap, "%.*s.%s%s", (int)(slash + 1 - stats),
		    stats, slash + 1, ADMIN_CHECKPOINT_EXT);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static void
client_accept(int lfd, int64_t started, int64_t now)
{
	static const char full[] = "ERROR too many clients\r\nEND\r\n";
	size_t i;
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) != -1) {
		for (i = 0; i < ADMIN_MAX_CLIENTS && clients[i].fd != -1; i++)
			;
		if (i == ADMIN_MAX_CLIENTS) {
			(void)send(fd, full, sizeof(full) - 1, MSG_NOSIGNAL);
			(void)close(fd);
			continue;
		}
		clients[i].fd = fd;
		clients[i].closing = clients[i].lingering = 0;
		clients[i].deadline = now + ADMIN_IDLE_TIMEOUT_MS;
		admincmd_init(&clients[i].cmd, started);
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
	    errno != ECONNABORTED)
		fprintf(stderr, "stdhttpd-admin: accept: %s\n",
		    strerror(errno));
}

static void
client_close(struct client *c)
{
	(void)close(c->fd);
	c->fd = -1;
	admincmd_free(&c->cmd);
}

static void
client_read(struct client *c, struct agg *a, int64_t now)
{
	char buf[ADMIN_READ_SIZE];
	ssize_t n;

	n = recv(c->fd, buf, sizeof(buf), 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(c);
		return;
	}
	if (c->lingering)
		return;
	/* Answers reflect everything appended until now. */
	if (agg_follow(a) == -1)
		fprintf(stderr, "stdhttpd-admin: %s: %s\n", a->path,
		    strerror(errno));
	c->deadline = now + ADMIN_IDLE_TIMEOUT_MS;
	if (admincmd_input(&c->cmd, a, buf, (size_t)n, time(NULL)) ==
	    ADMINCMD_CLOSE)
		c->closing = 1;
	if (c->cmd.out.len > c->cmd.out.off)
		c->deadline = now + ADMIN_WRITE_TIMEOUT_MS;
	client_write(c, now);
}

static void
client_write(struct client *c, int64_t now)
{
	struct admincmd_out *o = &c->cmd.out;
	ssize_t n;

	while (o->off < o->len) {
		n = send(c->fd, o->p + o->off, o->len - o->off, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n == -1) {
			client_close(c);
			return;
		}
		o->off += (size_t)n;
		c->deadline = now + ADMIN_WRITE_TIMEOUT_MS;
	}
	o->off = o->len = 0;
	c->deadline = now + ADMIN_IDLE_TIMEOUT_MS;
	if (c->closing && !c->lingering) {
		/*
		 * Closing with unread input would reset the connection and
		 * could destroy the answer in flight: shut down our side and
		 * read until the client closes, for a while.
		 */
		(void)shutdown(c->fd, SHUT_WR);
		c->lingering = 1;
		c->deadline = now + ADMIN_LINGER_MS;
	}
}

static void
checkpoint(const struct agg *a, const char *path)
{
	static int warned;

	if (agg_checkpoint_save(a, path) == 0) {
		warned = 0;
		return;
	}
	if (!warned)
		fprintf(stderr, "stdhttpd-admin: checkpoint %s: %s\n", path,
		    strerror(errno));
	warned = 1;
}

/* The poll loop, until SIGTERM or SIGINT; then the last checkpoint. */
static int
serve(int lfd, struct agg *a, const char *ckpt)
{
	struct pollfd pfd[ADMIN_MAX_CLIENTS + 1];
	struct client *map[ADMIN_MAX_CLIENTS + 1];
	struct timespec tick = { 0, ADMIN_TICK_MS * 1000000L };
	int64_t started = time(NULL), now, saved = now_ms();
	uint64_t saved_offset = a->cur.offset, saved_records = a->c.records;
	sigset_t mask;
	size_t i, n;
	struct client *c;

	(void)sigprocmask(SIG_SETMASK, NULL, &mask);
	(void)sigdelset(&mask, SIGTERM);
	(void)sigdelset(&mask, SIGINT);
	while (!stopping) {
		pfd[0].fd = lfd;
		pfd[0].events = POLLIN;
		for (i = 0, n = 1; i < ADMIN_MAX_CLIENTS; i++) {
			c = &clients[i];
			if (c->fd == -1)
				continue;
			pfd[n].fd = c->fd;
			pfd[n].events = 0;
			if (c->cmd.out.len > c->cmd.out.off)
				pfd[n].events |= POLLOUT;
			if (c->lingering || (!c->closing &&
			    c->cmd.out.len - c->cmd.out.off < ADMIN_OUT_HIGH))
				pfd[n].events |= POLLIN;
			map[n++] = c;
		}
		if (ppoll(pfd, n, &tick, &mask) == -1 && errno != EINTR) {
			fprintf(stderr, "stdhttpd-admin: poll: %s\n",
			    strerror(errno));
			return EXIT_SYSCALL;
		}
		now = now_ms();
		for (i = 1; i < n; i++) {
			c = map[i];
			if (c->fd != -1 && (pfd[i].revents & POLLOUT))
				client_write(c, now);
			if (c->fd != -1 && (pfd[i].revents &
			    (POLLIN | POLLHUP | POLLERR)))
				client_read(c, a, now);
			if (c->fd != -1 && now >= c->deadline)
				client_close(c);
		}
		if (pfd[0].revents & POLLIN)
			client_accept(lfd, started, now);
		if (agg_follow(a) == -1)
			fprintf(stderr, "stdhttpd-admin: %s: %s\n", a->path,
			    strerror(errno));
		if (now - saved >= ADMIN_CHECKPOINT_MS &&
		    (a->cur.offset != saved_offset || a->c.records != saved_records)) {
			checkpoint(a, ckpt);
			saved = now;
			saved_offset = a->cur.offset;
			saved_records = a->c.records;
		}
	}
	listen_stopping();
	checkpoint(a, ckpt);
	return EXIT_OK;
}

int
main(int argc, char *argv[])
{
	const char *conf = NULL, *stats = NULL, *ckpt = NULL;
	char ckbuf[PATH_MAX];
	struct sigaction sa;
	sigset_t block;
	struct agg *a;
	size_t i;
	int ch, lfd;

	while ((ch = getopt(argc, argv, "c:k:s:")) != -1) {
		switch (ch) {
		case 'c': conf = optarg; break;
		case 'k': ckpt = optarg; break;
		case 's': stats = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	config_defaults(&cfg);
	if (conf != NULL && config_load(&cfg, conf) == -1) {
		fprintf(stderr, "stdhttpd-admin: %s\n", cfg.error);
		return EXIT_CONFIG;
	}
	if (stats == NULL)
		stats = cfg.stats;
	if (ckpt == NULL) {
		if (checkpoint_path(stats, ckbuf, sizeof(ckbuf)) == -1) {
			fprintf(stderr, "stdhttpd-admin: %s: name too long\n",
			    stats);
			return EXIT_USAGE;
		}
		ckpt = ckbuf;
	}

	/* First the socket: under xinetd this moves fd 2 off the client. */
	if ((lfd = listen_socket()) == -1) {
		fprintf(stderr, "stdhttpd-admin: no listening socket (start "
		    "me from systemd, xinetd or systemd-socket-activate): "
		    "%s\n", strerror(errno));
		return EXIT_SYSCALL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	/* Delivered only inside ppoll(), so no wake-up is lost. */
	(void)sigemptyset(&block);
	(void)sigaddset(&block, SIGTERM);
	(void)sigaddset(&block, SIGINT);
	(void)sigprocmask(SIG_BLOCK, &block, NULL);

	if ((a = agg_new(stats)) == NULL) {
		fprintf(stderr, "stdhttpd-admin: %s: %s\n", stats,
		    strerror(errno));
		return EXIT_SYSCALL;
	}
	a->alive = agg_pid_alive;
	if (agg_checkpoint_load(a, ckpt) == 0)
		fprintf(stderr, "stdhttpd-admin: resumed %s at offset %llu\n",
		    stats, (unsigned long long)a->cur.offset);
	if (agg_follow(a) == -1)
		fprintf(stderr, "stdhttpd-admin: %s: %s\n", stats,
		    strerror(errno));
	for (i = 0; i < ADMIN_MAX_CLIENTS; i++)
		clients[i].fd = -1;
	listen_ready();
	ch = serve(lfd, a, ckpt);
	agg_free(a);
	return ch;
}
