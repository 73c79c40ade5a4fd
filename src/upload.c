/*
 * upload.c - PUT, POST and DELETE beneath the writable prefixes.  A body is
 * streamed into an anonymous file (O_TMPFILE) in the target's directory and
 * only a complete body is linked in and renamed over the name, so a reader
 * sees the old file or the new one, never a part; a client that leaves
 * mid-body, a full disk or a killed handler leave nothing behind.  The
 * caller (conn.c) has already checked that the path is writable.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handler.h"

#define UPLOAD_TMP_NAME	64	/* ".stdhttpd-PID-N" */
#define UPLOAD_TRIES	16	/* fresh names tried for POST and temp links */

/*
 * Opens the directory c->path[0..len) ("/a/b" names "a/b"; "" the root)
 * beneath the root.  Missing directories are created when the
 * configuration says so, each mkdir relative to the root's fd.  Returns the
 * directory fd, or -1 with *ret_status set (409 for a missing directory, as
 * WebDAV does; 403; 500).
 */
static int
open_dir(struct conn *c, size_t len, int *ret_status)
{
	struct open_how	 how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	const char	*rel = len <= 1 ? "." : c->path + 1;
	char		 saved = c->path[len], *p;
	int		 fd;

	c->path[len] = '\0';
	fd = (int)syscall(SYS_openat2, c->root_fd, rel, &how, sizeof(how));
	if (fd < 0 && errno == ENOENT && c->cfg->create_dirs) {
		for (p = c->path + 1; p != NULL; ) {
			if ((p = strchr(p + 1, '/')) != NULL)
				*p = '\0';
			if (mkdirat(c->root_fd, rel, 0755) == -1 &&
			    errno != EEXIST)
				break;
			if (p != NULL)
				*p = '/';
		}
		fd = (int)syscall(SYS_openat2, c->root_fd, rel, &how,
		    sizeof(how));
	}
	c->path[len] = saved;
	if (fd < 0)
		*ret_status = errno == ENOENT || errno == ENOTDIR ? 409 :
		    errno == EACCES ? 403 : 500;
	return fd;
}

/* Opens the directory that holds the file c->path names; *ret_name is
 * the file's name in it. */
static int
open_parent(struct conn *c, const char **ret_name, int *ret_status)
{
	char	*slash = strrchr(c->path, '/');

	*ret_name = slash + 1;
	return open_dir(c, (size_t)(slash - c->path), ret_status);
}

/*
 * Answers an error; a body not read yet is dropped if it is already
 * buffered, or else the connection closes.  499 (the client left mid-body)
 * is only recorded: there is nobody to answer.
 */
static void
refuse(struct conn *c, int status)
{
	int	err = errno;	/* why a 500 or 507, for respond_error() */

	if (status == 499) {
		c->reply.status = 499;
		return;
	}
	(void)conn_discard(c, 0);
	errno = err;
	if (status == 405)
		respond_error_header(c, 405, "Allow",
		    "GET, HEAD, POST, PUT, DELETE, OPTIONS");
	else
		respond_error(c, status);
}

/* The status for a failed write: 507 when the disk or the quota is full. */
static int
storage_status(void)
{
	return errno == ENOSPC || errno == EDQUOT ? 507 : 500;
}

/*
 * Streams the request body into a new anonymous file in dirfd.  Returns
 * the file's fd, or -1 with *ret_status set (413, 400, 408, 507, 500, or
 * 499 when the client left).
 */
static int
receive_body(struct conn *c, int dirfd, int *ret_status)
{
	const char	*p;
	long		 n;
	ssize_t		 w;
	int		 fd;

	if (conn_body_too_long(c)) {
		*ret_status = 413;
		return -1;
	}
	fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0) {
		*ret_status = errno == EACCES ? 403 : storage_status();
		return -1;
	}
	while ((n = conn_body(c, &p)) > 0) {
		for (; n > 0; p += w, n -= w) {
			w = write(fd, p, (size_t)n);
			if (w < 0 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w <= 0) {
				*ret_status = storage_status();
				goto fail;
			}
		}
	}
	if (n < 0) {
		*ret_status = c->body_status;
		goto fail;
	}
	if (fdatasync(fd) == -1) {
		*ret_status = storage_status();
		goto fail;
	}
	return fd;
fail:
	(void)close(fd);
	return -1;
}

/*
 * Gives the anonymous file fd the name `name` in dirfd.  With replace, an
 * existing file is replaced atomically (a link under a temporary dotfile
 * name, then rename); without, the name must not exist yet (EEXIST).
 * Returns 0 or -1 with errno.
 */
static int
link_as(const struct conn *c, int fd, int dirfd, const char *name,
    int replace)
{
	char	proc[64], tmp[UPLOAD_TMP_NAME];
	int	i;

	(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (!replace)
		return linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW);
	for (i = 0; i < UPLOAD_TRIES; i++) {
		(void)snprintf(tmp, sizeof(tmp), ".stdhttpd-%d-%d",
		    (int)c->pid, i);
		if (linkat(AT_FDCWD, proc, dirfd, tmp, AT_SYMLINK_FOLLOW) == 0)
			break;
		if (errno != EEXIST)
			return -1;
	}
	if (i == UPLOAD_TRIES)
		return -1;
	if (renameat(dirfd, tmp, dirfd, name) == -1) {
		(void)unlinkat(dirfd, tmp, 0);
		return -1;
	}
	return 0;
}

/* The state of the file at name in dirfd; st NULL-ed when there is none. */
static const struct stat *
existing(int dirfd, const char *name, struct stat *st, char etag[FILE_ETAG_LEN])
{
	if (fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW) == -1)
		return NULL;
	file_etag(st, etag);
	return st;
}

/*
 * 201 Created with the new resource's location: the request path as sent,
 * followed by sep and name for a file POST named itself.
 */
static void
created(struct conn *c, const char *sep, const char *name)
{
	char	loc[HTTP_MAX_REQUEST_LINE + UPLOAD_TMP_NAME + 2];

	(void)snprintf(loc, sizeof(loc), "%.*s%s%s", (int)c->req.path.len,
	    c->req.path.p, sep, name);
	respond_error_header(c, 201, "Location", loc);
}

/*
 * PUT (RFC 9110 section 9.3.4): creates (201) or replaces (204) the file
 * at the path with the body, atomically.  A directory as target is 405;
 * preconditions (If-Match, If-None-Match: *) give 412; a partial body
 * (Content-Range) is 400.
 */
void
upload_put(struct conn *c)
{
	char			 etag[FILE_ETAG_LEN];
	const struct stat	*old;
	struct stat		 st;
	const char		*name;
	int			 dirfd, fd = -1, status = 0;

	if (c->path[strlen(c->path) - 1] == '/') {
		refuse(c, 405);
		return;
	}
	/* A Content-Range says the body is part of the file; stored as the
	 * whole file it would lose the rest (RFC 9110 section 14.5). */
	if (parse_header(c->req.headers, c->req.nheaders,
	    "Content-Range") != NULL) {
		refuse(c, 400);
		return;
	}
	if ((dirfd = open_parent(c, &name, &status)) < 0) {
		refuse(c, status);
		return;
	}
	old = existing(dirfd, name, &st, etag);
	if (old != NULL && !S_ISREG(old->st_mode))
		status = S_ISDIR(old->st_mode) ? 405 : 409;
	else
		status = file_conditions(c, old, old ? etag : NULL);
	if (status != 0 || (fd = receive_body(c, dirfd, &status)) < 0)
		goto fail;
	if (link_as(c, fd, dirfd, name, 1) == -1) {
		status = errno == EISDIR ? 405 : storage_status();
		goto fail;
	}
	if (old != NULL) {
		respond_start(c, 204);
		respond_end(c, NULL, RESPOND_NO_LENGTH);
	} else
		created(c, "", "");
	goto out;
fail:
	refuse(c, status);
out:
	if (fd >= 0)
		(void)close(fd);
	(void)close(dirfd);
}

/*
 * POST (RFC 9110 section 9.3.3) stores the body as a new file: under a
 * fresh name in a directory, or under the path when nothing is there yet.
 * 201 with Location; 409 when the path is an existing file.
 */
void
upload_post(struct conn *c)
{
	char		 etag[FILE_ETAG_LEN], fresh[UPLOAD_TMP_NAME];
	struct stat	 st;
	const char	*name = NULL;	/* NULL: a fresh name */
	const char	*sep = "";	/* between the path and a fresh name */
	size_t		 len = strlen(c->path);
	int		 dirfd, fd = -1, status = 0, i;

	if (c->path[len - 1] == '/')
		dirfd = open_dir(c, len - 1, &status);
	else
		dirfd = open_parent(c, &name, &status);
	if (dirfd >= 0 && name != NULL &&
	    existing(dirfd, name, &st, etag) != NULL) {
		(void)close(dirfd);
		if (!S_ISDIR(st.st_mode)) {
			refuse(c, 409);
			return;
		}
		/* An existing directory named without its slash. */
		dirfd = open_dir(c, len, &status);
		name = NULL;
		sep = "/";
	}
	if (dirfd < 0) {
		refuse(c, status);
		return;
	}
	if ((fd = receive_body(c, dirfd, &status)) < 0)
		goto fail;
	for (i = 0; i < UPLOAD_TRIES; i++) {
		if (name == NULL)
			(void)snprintf(fresh, sizeof(fresh), "%llx-%d-%u-%d",
			    (unsigned long long)c->req_start.tv_sec * 1000000 +
			    (unsigned long long)c->req_start.tv_nsec / 1000,
			    (int)c->pid, c->seq, i);
		if (link_as(c, fd, dirfd, name ? name : fresh, 0) == 0)
			break;
		if (errno != EEXIST || name != NULL) {
			status = errno == EEXIST ? 409 : storage_status();
			goto fail;
		}
	}
	if (i == UPLOAD_TRIES) {
		status = 500;
		goto fail;
	}
	created(c, name ? "" : sep, name ? "" : fresh);
	goto out;
fail:
	refuse(c, status);
out:
	if (fd >= 0)
		(void)close(fd);
	(void)close(dirfd);
}

/*
 * DELETE (RFC 9110 section 9.3.5) removes a file: 204; 404 when there is
 * none; 405 for a directory; 412 when If-Match fails.
 */
void
upload_delete(struct conn *c)
{
	char			 etag[FILE_ETAG_LEN];
	const struct stat	*old;
	struct stat		 st;
	const char		*name;
	int			 dirfd, status = 0;

	if (c->path[strlen(c->path) - 1] == '/') {
		refuse(c, 405);
		return;
	}
	if ((dirfd = open_parent(c, &name, &status)) < 0) {
		refuse(c, status == 409 ? 404 : status);
		return;
	}
	old = existing(dirfd, name, &st, etag);
	if (old == NULL)
		status = 404;
	else if (S_ISDIR(old->st_mode))
		status = 405;
	else if ((status = file_conditions(c, old, etag)) == 0 &&
	    unlinkat(dirfd, name, 0) == -1)
		status = errno == ENOENT ? 404 : errno == EACCES ? 403 : 500;
	(void)close(dirfd);
	if (status != 0) {
		refuse(c, status);
		return;
	}
	(void)conn_discard(c, 0);
	respond_start(c, 204);
	respond_end(c, NULL, RESPOND_NO_LENGTH);
}
