/*
 * listen.c - socket activation for stdhttpd-admin: finds the listening
 * socket it was handed and tells systemd when it is ready.
 *
 * systemd (Accept=no) and systemd-socket-activate pass it as fd 3 with
 * LISTEN_FDS; xinetd (wait = yes) passes it as fd 0, 1 and 2, which are then
 * moved aside so that nothing written to standard output or error can reach
 * a client.  Only stdhttpd-admin links this file: it needs libsystemd.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "http.h"
#include "admin.h"

static int	null_fd(int);

/* Puts /dev/null on fd. */
static int
null_fd(int fd)
{
	int n;

	if ((n = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	if (n != fd && dup3(n, fd, 0) == -1) {
		(void)close(n);
		return -1;
	}
	if (n != fd)
		(void)close(n);
	return 0;
}

/*
 * Returns the listening stream socket, non-blocking and close-on-exec: the
 * first of LISTEN_FDS (the variables are then unset), or standard input when
 * that is a listening socket, in which case fd 0, 1 and any socket on fd 2
 * become /dev/null.  -1 with errno (ENOTSOCK: no socket was passed).
 */
int
listen_socket(void)
{
	int n, fd;

	if ((n = sd_listen_fds(1)) < 0) {
		errno = -n;
		return -1;
	}
	if (n > 0) {
		fd = SD_LISTEN_FDS_START;
		if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
			errno = ENOTSOCK;
			return -1;
		}
		/* Further sockets are not ours to use; keep them out of
		 * children we never start anyway. */
		for (int i = 1; i < n; i++)
			(void)fcntl(fd + i, F_SETFD, FD_CLOEXEC);
	} else {
		if (sd_is_socket(0, AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
			errno = ENOTSOCK;
			return -1;
		}
		if ((fd = fcntl(0, F_DUPFD_CLOEXEC, 3)) == -1)
			return -1;
		if (null_fd(0) == -1 || null_fd(1) == -1 ||
		    (sd_is_socket(2, AF_UNSPEC, 0, -1) > 0 &&
		    null_fd(2) == -1)) {
			(void)close(fd);
			return -1;
		}
	}
	if ((n = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, n | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return -1;
	return fd;
}

/* Tells systemd (Type=notify) that clients are being served; else nothing. */
void
listen_ready(void)
{
	(void)sd_notify(0, "READY=1");
}

/* Tells systemd that a clean stop has begun. */
void
listen_stopping(void)
{
	(void)sd_notify(0, "STOPPING=1");
}
