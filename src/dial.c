/*
 * dial.c - webclient's way to a server: resolve the host, try each of its
 * addresses in turn with a connect timeout, and explain a failure in one
 * line.  The socket it returns is non-blocking, as fetch.c's poll loop
 * wants it.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

/* Connects to one address; returns 0 with *ret_fd, or the errno value. */
static int
dial_one(const struct addrinfo *ai, unsigned timeout_ms, int *ret_fd)
{
	struct pollfd	 pfd;
	socklen_t	 sl = sizeof(int);
	int		 fd, err = 0, one = 1, n;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1)
		return errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS) {
			err = errno;
			goto out;
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		while ((n = poll(&pfd, 1, timeout_ms ? (int)timeout_ms : -1))
		    == -1 && errno == EINTR)
			;
		if (n == 0) {
			err = ETIMEDOUT;
			goto out;
		}
		if (n == -1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
		    &sl) == -1)
			err = errno;
		if (err != 0)
			goto out;
	}
	/* Pipelined requests go out in bursts; Nagle would delay them. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	*ret_fd = fd;
	return 0;
out:
	(void)close(fd);
	return err;
}

/*
 * Connects to cmd's host and port, waiting up to timeout_ms (0: no limit)
 * for each address.  Returns 0 with the connected, non-blocking socket in
 * *ret_fd, or -1 with the reason in buf ("HOST: host not found",
 * "HOST:PORT: connection refused", ...).
 */
int
dial_connect(const struct command *cmd, unsigned timeout_ms, int *ret_fd,
    char *buf, size_t size)
{
	struct addrinfo	 hints, *res, *ai;
	char		 where[CLIENT_MAX_HOST + CLIENT_MAX_PORT + 3];
	int		 rc, err = ECONNREFUSED, v6;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(cmd->host, cmd->port, &hints, &res)) != 0) {
		if (rc == EAI_NONAME || rc == EAI_NODATA || rc == EAI_FAIL ||
		    rc == EAI_AGAIN)
			(void)snprintf(buf, size, "%s: host not found",
			    cmd->host);
		else
			(void)snprintf(buf, size, "%s: %s", cmd->host,
			    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if ((err = dial_one(ai, timeout_ms, ret_fd)) == 0)
			break;
	freeaddrinfo(res);
	if (err == 0)
		return 0;
	v6 = strchr(cmd->host, ':') != NULL;
	(void)snprintf(where, sizeof(where), "%s%s%s:%s", v6 ? "[" : "",
	    cmd->host, v6 ? "]" : "", cmd->port);
	if (err == ETIMEDOUT)
		(void)snprintf(buf, size, "%s: connection timed out after "
		    "%u s", where, timeout_ms / 1000);
	else if (err == ECONNREFUSED)
		(void)snprintf(buf, size, "%s: connection refused", where);
	else
		(void)snprintf(buf, size, "%s: %s", where, strerror(err));
	return -1;
}
