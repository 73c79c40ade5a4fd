/*
 * fuzz_config.c - libFuzzer target for config_load(): any bytes as a
 * configuration file must give either a configuration within its limits
 * or a one-line error, never a crash or an unterminated string.  The
 * input reaches config_load() through a memfd so that the real read loop,
 * lines straddling reads included, is what gets fuzzed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_terminated(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		abort();
}

/*
 * A string value is a default or lies in strings[] and ends inside it, and
 * it is shorter than max.
 */
static void
fuzz_string(const struct config *c, const char *p, size_t max)
{
	const char	*end = c->strings + sizeof(c->strings);

	if (c->strings_len > sizeof(c->strings))
		abort();
	if (p >= c->strings && p < end)
		fuzz_terminated(p, (size_t)(end - p));
	if (strlen(p) >= max)
		abort();
}

/* Every string ends inside its array and every count is within its limit. */
static void
fuzz_check(const struct config *c)
{
	size_t	i;

	fuzz_string(c, c->root, PATH_MAX);
	fuzz_string(c, c->stats, PATH_MAX);
	fuzz_string(c, c->error_log, PATH_MAX);
	fuzz_string(c, c->server_name, CONFIG_WORD_MAX);
	fuzz_string(c, c->user, CONFIG_WORD_MAX);
	if (c->error == c->errbuf)
		fuzz_terminated(c->errbuf, sizeof(c->errbuf));
	else if (c->error[0] != '\0')
		abort();
	if (c->nindex < 1 || c->nindex > CONFIG_MAX_INDEX ||
	    c->nwritable > CONFIG_MAX_WRITABLE ||
	    c->ntypes > CONFIG_MAX_TYPES ||
	    c->nerror_pages > CONFIG_MAX_ERROR_PAGES)
		abort();
	for (i = 0; i < c->nindex; i++) {
		fuzz_string(c, c->index[i], CONFIG_NAME_MAX);
		if (c->index[i][0] == '\0' || strchr(c->index[i], '/'))
			abort();
	}
	for (i = 0; i < c->nwritable; i++) {
		fuzz_string(c, c->writable[i], CONFIG_NAME_MAX);
		if (c->writable[i][0] != '/' ||
		    c->writable[i][strlen(c->writable[i]) - 1] != '/')
			abort();
	}
	for (i = 0; i < c->ntypes; i++) {
		fuzz_terminated(c->types[i].ext, sizeof(c->types[i].ext));
		fuzz_terminated(c->types[i].type, sizeof(c->types[i].type));
		/* The type goes into a header: no CR, LF or other controls. */
		if (strpbrk(c->types[i].type, "\r\n\001\002\033") != NULL)
			abort();
	}
	for (i = 0; i < c->nerror_pages; i++) {
		fuzz_string(c, c->error_pages[i].path, CONFIG_NAME_MAX);
		if (c->error_pages[i].status < 400 ||
		    c->error_pages[i].status > 599 ||
		    config_error_page(c, c->error_pages[i].status) == NULL)
			abort();
	}
	if (c->header_timeout_ms == 0 || c->body_timeout_ms == 0 ||
	    c->idle_timeout_ms == 0 || c->max_requests == 0)
		abort();
	if (strchr(c->error, '\n') != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config	c;
	static int		fd = -1;
	static char		path[64];
	struct span		name;

	if (fd == -1) {
		if ((fd = memfd_create("stdhttpd.conf", 0)) == -1)
			abort();
		(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) == -1 ||
	    (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();

	config_defaults(&c);
	if (config_load(&c, path) == -1) {
		if (c.error[0] == '\0' || errno == 0)
			abort();
	} else if (c.error[0] != '\0')
		abort();
	fuzz_check(&c);

	/* What the handler does next with the result. */
	name = (struct span){ (const char *)data, size };
	(void)config_writable(&c, name);
	(void)mime_type(&c, name);
	return 0;
}
