/*
 * unit.h - a very small TAP producer for the C unit tests.
 *
 * Each test is a function; CHECK records a failure with its line and goes on,
 * so one run reports every broken expectation.  unit_run() prints one TAP
 * line per test, which tests/run counts together with the bats suites.
 */
#ifndef STDHTTPD_UNIT_H
#define STDHTTPD_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed;		/* failures in the current test */
static int unit_count;		/* tests run so far */
static int unit_bad;		/* tests failed so far */

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("#   %s:%d: CHECK(%s) failed\n",			\
		    __FILE__, __LINE__, #cond);				\
		unit_failed++;						\
	}								\
} while (0)

#define CHECK_INT(got, want) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (g_ != w_) {							\
		printf("#   %s:%d: %s is %lld, want %lld\n",		\
		    __FILE__, __LINE__, #got, g_, w_);			\
		unit_failed++;						\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (g_ == NULL || strcmp(g_, w_) != 0) {			\
		printf("#   %s:%d: %s is \"%s\", want \"%s\"\n",	\
		    __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_);	\
		unit_failed++;						\
	}								\
} while (0)

/* A span compared with a C string. */
#define CHECK_SPAN(got, want) do {					\
	struct span s_ = (got);						\
	const char *w_ = (want);					\
	if (s_.len != strlen(w_) || memcmp(s_.p, w_, s_.len) != 0) {	\
		printf("#   %s:%d: %s is \"%.*s\", want \"%s\"\n",	\
		    __FILE__, __LINE__, #got, (int)s_.len,		\
		    s_.p ? s_.p : "", w_);				\
		unit_failed++;						\
	}								\
} while (0)

static inline void
unit_run(const char *name, void (*fn)(void))
{
	unit_failed = 0;
	fn();
	unit_count++;
	if (unit_failed)
		unit_bad++;
	printf("%s %d - %s\n", unit_failed ? "not ok" : "ok", unit_count,
	    name);
}

/* Prints the TAP plan; returns the exit status for main(). */
static inline int
unit_done(void)
{
	printf("1..%d\n", unit_count);
	return unit_bad ? 1 : 0;
}

#define RUN(fn)	unit_run(#fn, fn)

#endif /* STDHTTPD_UNIT_H */
