/*
 * stdhttpd.c - the handler's main: options, configuration, the standard
 * error log, privileges, then conn_serve() on fd 0/fd 1.  Start-up is paid
 * on every connection, so it does only what the first request needs.  A
 * broken configuration does not stop the handler: every request then gets
 * 500 and the reason goes to the log.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "handler.h"

static struct config	cfg;
static struct conn	conn;

static void
usage(void)
{
	(void)fprintf(stderr, "usage: stdhttpd [-t] [-c file] [-r root] "
	    "[-s stats] [-u user] [-w prefix]...\n");
	exit(EXIT_USAGE);
}

/* Sets fd's SO_RCVTIMEO or SO_SNDTIMEO (opt) to ms milliseconds. */
static int
set_timeout(int fd, int opt, unsigned ms)
{
	struct timeval	tv = { .tv_sec = ms / 1000,
			       .tv_usec = (ms % 1000) * 1000 };

	return setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv));
}

static int
is_socket(int fd)
{
	struct stat	st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

/*
 * Whether fd 2 is the connection itself, as xinetd passes it.  A socket
 * that is not the connection (journald's stream under systemd's
 * StandardError=journal) is a fine place for diagnostics.
 */
static int
stderr_is_connection(void)
{
	struct stat	err, in;

	return fstat(STDERR_FILENO, &err) == 0 && S_ISSOCK(err.st_mode) &&
	    fstat(STDIN_FILENO, &in) == 0 && err.st_dev == in.st_dev &&
	    err.st_ino == in.st_ino;
}

/*
 * Points fd 2 at path (the configured error log), or at /dev/null when fd
 * 2 is the connection: a diagnostic must never reach the client.
 */
static void
redirect_stderr(const char *path, int fd2_is_conn)
{
	int	fd;

	if (path[0] == '\0' && !fd2_is_conn)
		return;
	fd = path[0] == '\0' ? -1 :
	    open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0 && fd2_is_conn)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && fd != STDERR_FILENO) {
		(void)dup2(fd, STDERR_FILENO);
		(void)close(fd);
	}
}

/* The client's address from the socket, or what the super-server says. */
static void
peer_address(char *buf, size_t len)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	const void		*addr = NULL;
	const char		*env;

	if (getpeername(STDIN_FILENO, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET)
			addr = &((struct sockaddr_in *)&ss)->sin_addr;
		else if (ss.ss_family == AF_INET6)
			addr = &((struct sockaddr_in6 *)&ss)->sin6_addr;
	}
	if (addr != NULL && inet_ntop(ss.ss_family, addr, buf, len) != NULL) {
		/* An IPv4 client of a dual-stack socket. */
		if (strncmp(buf, "::ffff:", 7) == 0 && strchr(buf, '.'))
			memmove(buf, buf + 7, strlen(buf + 7) + 1);
		return;
	}
	if ((env = getenv("REMOTE_ADDR")) == NULL &&
	    (env = getenv("REMOTE_HOST")) == NULL)
		env = "-";
	(void)snprintf(buf, len, "%s", env);
}

/* Drops root for user, once everything privileged is open. */
static int
drop_privileges(const char *user)
{
	struct passwd	*pw;

	if ((pw = getpwnam(user)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	if (getuid() == pw->pw_uid && geteuid() == pw->pw_uid)
		return 0;
	if (setgroups(1, &pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1)
		return -1;
	return 0;
}

int
main(int argc, char *argv[])
{
	struct sigaction	 sa = { .sa_handler = SIG_IGN };
	unsigned		 idle_socket_ms;
	const char		*file = NULL;
	int			 check = 0, ch, fd2_is_conn, ok;

	fd2_is_conn = stderr_is_connection();
	if (fd2_is_conn)
		redirect_stderr("", 1);
	config_defaults(&cfg);
	while ((ch = getopt(argc, argv, "c:r:s:tu:w:")) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 't':
			check = 1;
			break;
		case 'r':
		case 's':
		case 'u':
		case 'w':
			break;	/* applied after the file, below */
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	ok = file == NULL || config_load(&cfg, file) == 0;
	/* Options override the file. */
	for (optind = 1; ok && (ch = getopt(argc, argv, "c:r:s:tu:w:")) != -1;)
		if (ch == 'r')
			ok = config_set(&cfg, "root", optarg, NULL, 0) == 0;
		else if (ch == 's')
			ok = config_set(&cfg, "stats", optarg, NULL, 0) == 0;
		else if (ch == 'u')
			ok = config_set(&cfg, "user", optarg, NULL, 0) == 0;
		else if (ch == 'w')
			ok = config_set(&cfg, "writable", optarg, NULL, 0) == 0;

	conn.cfg = &cfg;
	conn.cfg_ok = ok;
	conn.root_fd = conn.stats_fd = -1;
	conn.in_fd = STDIN_FILENO;
	conn.out_fd = STDOUT_FILENO;
	if (ok)
		conn.root_fd = open(cfg.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (check) {
		if (!ok)
			(void)fprintf(stderr, "%s\n", cfg.error);
		else if (conn.root_fd < 0)
			(void)fprintf(stderr, "root %s: %s\n", cfg.root,
			    strerror(errno));
		else
			(void)fprintf(stderr, "configuration ok\n");
		return ok && conn.root_fd >= 0 ? EXIT_OK : EXIT_CONFIG;
	}

	if (ok)
		redirect_stderr(cfg.error_log, fd2_is_conn);
	(void)clock_gettime(CLOCK_REALTIME, &conn.opened);
	conn.pid = getpid();
	(void)snprintf(conn.id, sizeof(conn.id), "%d-%llx", (int)conn.pid,
	    (unsigned long long)conn.opened.tv_sec * 1000000 +
	    (unsigned long long)conn.opened.tv_nsec / 1000);
	peer_address(conn.client, sizeof(conn.client));
	if (!ok)
		conn_log(&conn, "configuration: %s", cfg.error);
	else if (conn.root_fd < 0)
		conn_log(&conn, "root %s: %s", cfg.root, strerror(errno));

	conn.stats_fd = open(cfg.stats, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0644);
	if (conn.stats_fd < 0) {
		conn_log(&conn, "stats file %s: %s", cfg.stats, strerror(errno));
		conn.stats_failed = 1;
	}
	if (ok && cfg.user[0] != '\0' && drop_privileges(cfg.user) == -1) {
		conn_log(&conn, "user %s: %s", cfg.user, strerror(errno));
		return EXIT_SYSCALL;
	}

	/* A client that stops reading must not pin the handler: a write
	 * that makes no progress for the idle timeout fails.  A timeout on
	 * receiving is the first part of an idle keep-alive wait, so that a
	 * busy connection reads without a poll before every read. */
	conn.is_socket = is_socket(STDOUT_FILENO);
	if (conn.is_socket)
		(void)set_timeout(STDOUT_FILENO, SO_SNDTIMEO,
		    cfg.idle_timeout_ms);
	idle_socket_ms = cfg.idle_timeout_ms < CONN_IDLE_RELEASE_MS ?
	    cfg.idle_timeout_ms : CONN_IDLE_RELEASE_MS;
	if (set_timeout(STDIN_FILENO, SO_RCVTIMEO, idle_socket_ms) == 0)
		conn.idle_socket_ms = idle_socket_ms;
	(void)sigaction(SIGPIPE, &sa, NULL);	/* sendfile to a closed peer */
	return conn_serve(&conn);
}
