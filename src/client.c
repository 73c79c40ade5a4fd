/*
 * client.c - webclient's main: the command line, the command file, the
 * request log, the summary and the exit status.
 *
 * Fetching is fetch.c's, parsing of commands cmdfile.c's and the cache
 * cache.c's; this file only decides what to run and reports how it went.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

/* Exit statuses, documented in webclient(1). */
#define WC_EXIT_OK		0	/* every answer 2xx or 3xx */
#define WC_EXIT_HTTP		1	/* some answer 4xx or 5xx */
#define WC_EXIT_USAGE		2	/* bad arguments, command lines, files */
#define WC_EXIT_NETWORK		3	/* refused, not found, timed out, cut */

#define WC_DEFAULT_DEPTH	16
#define WC_MAX_DEPTH		1024
#define WC_DEFAULT_TIMEOUT	30	/* seconds */
#define WC_MAX_TIMEOUT		86400
#define WC_MAX_COMMANDS		1000000
#define WC_MAX_STATUS		600
#define WC_LOG_LINE		(CACHE_MAX_URL + 128)
#define WC_COPY_BUF		65536	/* standard input to its spool */

struct wc {
	int		 cmdfile;	/* running a command file */
	int		 quiet;
	int		 log_fd;
	unsigned	 n, errors, hits;
	unsigned	 status[WC_MAX_STATUS];
	uint64_t	 bytes, received;
	double		 ms;
	int		 exit;
	char		 last_error[256];
};

static void
wc_usage(FILE *f)
{
	fprintf(f,
	    "usage: webclient [options] HOST PORT [METHOD] PATH\n"
	    "       webclient [options] [-X METHOD] http://HOST[:PORT]/PATH\n"
	    "       webclient [options] -f COMMANDS\n"
	    "METHOD is GET, HEAD, PUT, POST or DELETE.  A command file holds "
	    "lines\n\"METHOD path host [port]\"; # starts a comment.\n"
	    "  -X METHOD     the method for a URL (default GET)\n"
	    "  -d FILE       the body of a PUT or POST (- for standard input;"
	    "\n                default: the file named by the path's last "
	    "segment)\n"
	    "  -f FILE       run a command file (- for standard input)\n"
	    "  -o DIR        store fetched files under DIR by their path\n"
	    "  -i            print the response head to standard output too\n"
	    "  -p N          pipeline up to N requests (default %d; 1: off)\n"
	    "  -1            send HTTP/1.0, one request a connection\n"
	    "  -t SECONDS    timeout for connecting and each wait (default %d;"
	    " 0: none)\n"
	    "  -C DIR        cache directory (default $XDG_CACHE_HOME/"
	    "webclient)\n"
	    "  --no-cache    neither use nor fill the cache\n"
	    "  --log FILE    append one line per request to FILE\n"
	    "  -q            quiet: errors only\n"
	    "  -v            verbose: request and response heads\n"
	    "  -h            this help\n"
	    "Exit status: 0 all answers 2xx/3xx, 1 some 4xx/5xx, 2 usage, "
	    "3 network error.\n", WC_DEFAULT_DEPTH, WC_DEFAULT_TIMEOUT);
}

static int
wc_number(const char *s, uint64_t max, unsigned *ret)
{
	uint64_t v;

	if (util_parse_u64((struct span){ s, strlen(s) }, max, &v) == -1)
		return -1;
	*ret = (unsigned)v;
	return 0;
}

static void
wc_raise(struct wc *w, int code)
{
	if (code > w->exit)
		w->exit = code;
}

/* One line a request in the log: time method URL status bytes ms cache. */
static void
wc_log(struct wc *w, const struct command *c, const struct fetch_result *r)
{
	char		 line[WC_LOG_LINE], when[UTIL_RFC3339_LEN + 1];
	char		 url[CACHE_MAX_URL];
	struct timespec	 now;
	int		 n, v6 = strchr(c->host, ':') != NULL;

	(void)clock_gettime(CLOCK_REALTIME, &now);
	util_rfc3339(&now, when);
	(void)snprintf(url, sizeof(url), "http://%s%s%s:%s%s", v6 ? "[" : "",
	    c->host, v6 ? "]" : "", c->port, c->path);
	n = snprintf(line, sizeof(line), "%s %s %s %d %llu %.1f %s\n", when,
	    cmdfile_method_name(c->method), url, r->status,
	    (unsigned long long)r->bytes, r->ms, r->cache_hit ? "hit" : "miss");
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	/* One write on O_APPEND: concurrent clients' lines never mix. */
	if (write(w->log_fd, line, n) != n)
		fprintf(stderr, "webclient: log: %s\n", strerror(errno));
}

static void
wc_done(const struct command *c, const struct fetch_result *r, void *arg)
{
	struct wc	*w = arg;

	w->n++;
	w->bytes += r->bytes;
	w->received += r->received;
	w->ms += r->ms;
	if (r->cache_hit)
		w->hits++;
	if (w->log_fd >= 0)
		wc_log(w, c, r);
	if (r->error != FETCH_OK) {
		w->errors++;
		wc_raise(w, r->error == FETCH_NETWORK ? WC_EXIT_NETWORK :
		    WC_EXIT_USAGE);
		/* A dead server fails every command: say so once. */
		if (strcmp(r->message, w->last_error) != 0)
			fprintf(stderr, "webclient: %s\n", r->message);
		(void)snprintf(w->last_error, sizeof(w->last_error), "%s",
		    r->message);
		return;
	}
	if (r->status > 0 && r->status < WC_MAX_STATUS)
		w->status[r->status]++;
	if (r->status >= 400)
		wc_raise(w, WC_EXIT_HTTP);
	if (w->cmdfile && !w->quiet)
		fprintf(stderr, "%d %s %s:%s%s %llu bytes %.1f ms%s%s\n",
		    r->status, cmdfile_method_name(c->method), c->host, c->port,
		    c->path, (unsigned long long)r->bytes, r->ms,
		    r->cache_hit ? " (cache hit)" : "",
		    r->retried ? " (retried)" : "");
}

static void
wc_summary(const struct wc *w, double wall_ms)
{
	int	 i;

	fprintf(stderr, "requests     %u\n", w->n);
	for (i = 0; i < WC_MAX_STATUS; i++)
		if (w->status[i] != 0)
			fprintf(stderr, "status %d   %u\n", i, w->status[i]);
	fprintf(stderr, "errors       %u\n"
	    "bytes        %llu (%llu from the network)\n"
	    "cache hits   %u\n"
	    "time         %.3f s total, %.1f ms mean\n", w->errors,
	    (unsigned long long)w->bytes, (unsigned long long)w->received,
	    w->hits, wall_ms / 1e3, w->n ? w->ms / w->n : 0.0);
}

/* Reads a command file into *ret (malloc'd; the caller frees it). */
static int
wc_read_commands(const char *file, struct wc *w, struct command **ret,
    size_t *ret_n)
{
	struct command	*cmds = NULL, *grown, c;
	size_t		 n = 0, cap = 0, size = 0;
	char		*line = NULL;
	const char	*err;
	ssize_t		 len;
	unsigned	 lineno = 0;
	FILE		*f;

	f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	if (f == NULL) {
		fprintf(stderr, "webclient: %s: %s\n", file, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &size, f)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		c.line = lineno;
		switch (cmdfile_parse_line(line, (size_t)len, &c, &err)) {
		case 0:
			continue;
		case -1:
			fprintf(stderr, "webclient: %s:%u: %s\n", file, lineno,
			    err);
			wc_raise(w, WC_EXIT_USAGE);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if (cap > WC_MAX_COMMANDS ||
			    (grown = reallocarray(cmds, cap, sizeof(*cmds))) ==
			    NULL) {
				fprintf(stderr, "webclient: %s: too many "
				    "commands\n", file);
				free(cmds);
				free(line);
				if (f != stdin)
					(void)fclose(f);
				return -1;
			}
			cmds = grown;
		}
		cmds[n++] = c;
	}
	free(line);
	if (f != stdin)
		(void)fclose(f);
	*ret = cmds;
	*ret_n = n;
	return 0;
}

/* mkdir -p, for the cache directory. */
static int
wc_mkdirs(const char *dir)
{
	char	 path[PATH_MAX], *p;

	if ((size_t)snprintf(path, sizeof(path), "%s", dir) >= sizeof(path))
		return -1;
	for (p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0700) == -1 && errno != EEXIST ? -1 : 0;
}

static const char *
wc_cache_dir(const char *opt, char *buf, size_t size)
{
	const char *base;
	int	 n;

	if (opt != NULL)
		n = snprintf(buf, size, "%s", opt);
	else if ((base = getenv("XDG_CACHE_HOME")) != NULL && *base == '/')
		n = snprintf(buf, size, "%s/webclient", base);
	else if ((base = getenv("HOME")) != NULL && *base != '\0')
		n = snprintf(buf, size, "%s/.cache/webclient", base);
	else
		return NULL;
	if (n < 0 || (size_t)n >= size || wc_mkdirs(buf) == -1) {
		fprintf(stderr, "webclient: cache %s: %s; not caching\n", buf,
		    strerror(errno ? errno : ENAMETOOLONG));
		return NULL;
	}
	return buf;
}

/* Copies standard input to an unlinked file, so it can be sent again. */
static int
wc_spool_stdin(void)
{
	char	 buf[WC_COPY_BUF];
	FILE	*f;
	ssize_t	 n;

	if ((f = tmpfile()) == NULL)
		return -1;
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, f) != (size_t)n)
			break;
	if (n != 0 || fflush(f) == EOF) {
		(void)fclose(f);
		return -1;
	}
	/* The stream stays open for the life of the process: its
	 * descriptor is the body, read again for every request. */
	return fileno(f);
}

int
main(int argc, char *argv[])
{
	enum { OPT_NO_CACHE = 256, OPT_LOG };
	static const struct option longopts[] = {
		{ "help",	no_argument,		NULL, 'h' },
		{ "no-cache",	no_argument,		NULL, OPT_NO_CACHE },
		{ "log",	required_argument,	NULL, OPT_LOG },
		{ NULL, 0, NULL, 0 },
	};
	struct fetch_opts o;
	struct wc	 w;
	struct command	 one, *cmds = NULL;
	struct fetch_result *res = NULL;
	struct timespec	 t0;
	const char	*file = NULL, *cache_opt = NULL, *log = NULL, *err;
	const char	*method = NULL;
	char		 cache[PATH_MAX];
	size_t		 n = 0;
	unsigned	 depth = WC_DEFAULT_DEPTH, timeout = WC_DEFAULT_TIMEOUT;
	int		 ch, no_cache = 0, verbose = 0;

	memset(&o, 0, sizeof(o));
	memset(&w, 0, sizeof(w));
	o.data_fd = w.log_fd = -1;
	while ((ch = getopt_long(argc, argv, "1C:d:f:hio:p:qt:vX:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case '1': o.http10 = 1; break;
		case 'C': cache_opt = optarg; break;
		case 'd': o.data = optarg; break;
		case 'f': file = optarg; break;
		case 'h': wc_usage(stdout); return WC_EXIT_OK;
		case 'i': o.include = 1; break;
		case 'o': o.out_dir = optarg; break;
		case 'q': verbose = -1; break;
		case 'v': verbose = 1; break;
		case 'X': method = optarg; break;
		case OPT_NO_CACHE: no_cache = 1; break;
		case OPT_LOG: log = optarg; break;
		case 'p':
			if (wc_number(optarg, WC_MAX_DEPTH, &depth) == -1 ||
			    depth == 0)
				goto usage;
			break;
		case 't':
			if (wc_number(optarg, WC_MAX_TIMEOUT, &timeout) == -1)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;

	memset(&one, 0, sizeof(one));
	if (file != NULL) {
		if (argc != 0 || method != NULL)
			goto usage;
		w.cmdfile = 1;
		if (o.out_dir == NULL)
			o.out_dir = ".";
		if (wc_read_commands(file, &w, &cmds, &n) == -1)
			return WC_EXIT_USAGE;
	} else {
		if (argc == 1)
			ch = cmdfile_parse_url(argv[0], &one, &err);
		else if (argc == 3 || argc == 4)
			ch = cmdfile_check(argv[0], argv[1], argv[argc - 1],
			    &one, &err);
		else
			goto usage;
		if (ch == -1) {
			fprintf(stderr, "webclient: %s\n", err);
			return WC_EXIT_USAGE;
		}
		if (argc == 4)
			method = argv[2];
		one.method = method == NULL ? METHOD_GET :
		    cmdfile_method(method, strlen(method));
		if (one.method == METHOD_UNKNOWN) {
			fprintf(stderr, "webclient: unknown method %s: expected"
			    " GET, HEAD, PUT, POST or DELETE\n", method);
			return WC_EXIT_USAGE;
		}
		o.head_stderr = 1;
		cmds = &one;
		n = 1;
	}
	if (o.data != NULL && strcmp(o.data, "-") == 0 &&
	    (o.data_fd = wc_spool_stdin()) == -1) {
		fprintf(stderr, "webclient: standard input: %s\n",
		    strerror(errno));
		return WC_EXIT_USAGE;
	}
	if (log != NULL && (w.log_fd = open(log, O_WRONLY | O_APPEND |
	    O_CREAT | O_CLOEXEC, 0644)) == -1) {
		fprintf(stderr, "webclient: %s: %s\n", log, strerror(errno));
		return WC_EXIT_USAGE;
	}
	/* A reader that goes away is reported by write(), not a signal. */
	(void)signal(SIGPIPE, SIG_IGN);

	w.quiet = verbose < 0;
	o.verbose = verbose;
	o.depth = depth;
	o.timeout_ms = timeout * 1000;
	o.cache_dir = no_cache ? NULL : wc_cache_dir(cache_opt, cache,
	    sizeof(cache));
	o.done = wc_done;
	o.arg = &w;
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((res = calloc(n ? n : 1, sizeof(*res))) == NULL ||
	    fetch_run(&o, cmds, res, n) == -1) {
		fprintf(stderr, "webclient: %s\n", strerror(errno));
		return WC_EXIT_NETWORK;
	}
	if (w.cmdfile && !w.quiet) {
		struct timespec t1;

		(void)clock_gettime(CLOCK_MONOTONIC, &t1);
		wc_summary(&w, (t1.tv_sec - t0.tv_sec) * 1e3 +
		    (t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
	free(res);
	if (cmds != &one)
		free(cmds);
	return w.exit;
usage:
	wc_usage(stderr);
	return WC_EXIT_USAGE;
}
