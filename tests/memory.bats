#!/usr/bin/env bats
# The handler under valgrind in pipe mode: a short suite of requests that
# walks every method, the error paths and the configuration, with no leak
# of any kind and no invalid access allowed.  make check-asan covers the
# same ground with the sanitizers; valgrind cannot run their build, so this
# suite always runs the ordinary one.

load hardening_helper

# Valgrind 3.19 (Debian 12) does not know openat2(2), the call that keeps
# every open beneath the root, and fails it with ENOSYS.  The stand-in
# below, preloaded, answers it with openat(2), refusing what
# RESOLVE_BENEATH would refuse here (absolute paths, "..", symbolic links).
# Containment itself is tested against the real call in hostile.bats.
OPENAT2_C='
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

long	syscall(long, ...);

long
syscall(long nr, ...)
{
	long	(*next)(long, ...);
	const struct open_how *how;
	va_list	ap;
	long	a[6];
	int	i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr != SYS_openat2) {
		next = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
		return next(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	how = (const struct open_how *)a[2];
	if (((const char *)a[1])[0] == 0x2f ||
	    strstr((const char *)a[1], "..") != NULL) {
		errno = EXDEV;
		return -1;
	}
	return openat((int)a[0], (const char *)a[1],
	    (int)how->flags | O_NOFOLLOW, (mode_t)how->mode);
}
'

# Under make check-asan (STDHTTPD_BUILD set) the sanitizers check memory.
setup_file() {
	[ -z "${STDHTTPD_BUILD:-}" ] || return 0
	printf '%s' "$OPENAT2_C" >"$BATS_FILE_TMPDIR/openat2.c"
	cc -shared -fPIC -O1 -o "$BATS_FILE_TMPDIR/openat2.so" \
	    "$BATS_FILE_TMPDIR/openat2.c" -ldl
}

setup() {
	[ -z "${STDHTTPD_BUILD:-}" ] ||
	    skip "the sanitizer build checks memory itself"
	DIR=$BATS_TEST_TMPDIR
	ROOT=$DIR/www
	STATS=$DIR/stats.jsonl
	make_site "$ROOT"
	printf 'not found\n' >"$ROOT/404.html"
	printf 'max_body 64K\nerror_page 404 /404.html\ncreate_dirs on\n' \
	    >"$DIR/m.conf"
}

# grind ARGS... < requests: the ordinary handler under valgrind; prints the
# status codes it answered, one a line.  Fails on any invalid access or any
# byte still allocated at exit.
grind() {
	local rc=0
	LD_PRELOAD=$BATS_FILE_TMPDIR/openat2.so timeout 120 valgrind -q \
	    --vgdb=no --error-exitcode=99 --leak-check=full \
	    --show-leak-kinds=all --errors-for-leak-kinds=all \
	    --track-fds=no --log-file="$DIR/valgrind.log" \
	    "$TOP/build/stdhttpd" "$@" >"$DIR/out" 2>"$DIR/err" || rc=$?
	if [ "$rc" -eq 99 ] || [ "$rc" -ge 124 ] || [ -s "$DIR/valgrind.log" ]; then
		echo "exit $rc" >&2
		cat "$DIR/valgrind.log" >&2
		return 1
	fi
	grep -a -o 'HTTP/1\.1 [0-9][0-9][0-9] ' "$DIR/out" | cut -d' ' -f2
}

@test "every method and header handled in one connection leaks nothing under valgrind" {
	etag=$(printf 'HEAD /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n' |
	    "$TOP/build/stdhttpd" -r "$ROOT" -s "$STATS" |
	    tr -d '\r' | sed -n 's/^ETag: //p')
	run grind -c "$DIR/m.conf" -r "$ROOT" -s "$STATS" -w /upload/ < <(
	    printf 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'
	    printf 'HEAD /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'
	    printf 'GET /hello.txt HTTP/1.1\r\nHost: a\r\nIf-None-Match: %s\r\n\r\n' "$etag"
	    printf 'GET /big.bin HTTP/1.1\r\nHost: a\r\nRange: bytes=10-19\r\n\r\n'
	    printf 'GET /big.bin HTTP/1.1\r\nHost: a\r\nRange: bytes=0-1,5-9\r\nIf-Range: "x"\r\n\r\n'
	    printf 'GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n'
	    printf 'GET /sub HTTP/1.1\r\nHost: a\r\n\r\n'
	    printf 'GET /nope?x=1 HTTP/1.1\r\nHost: a\r\n\r\n'
	    printf 'GET /.htpasswd HTTP/1.1\r\nHost: a\r\n\r\n'
	    printf 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n'
	    printf 'PUT /upload/new/a.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello'
	    printf 'PUT /upload/c.txt HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n5;x=1\r\nhello\r\n0\r\nT: 1\r\n\r\n'
	    printf 'POST /upload/ HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc'
	    printf 'DELETE /upload/c.txt HTTP/1.1\r\nHost: a\r\nIf-Match: *\r\n\r\n'
	    printf 'PUT /hello.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx'
	    printf 'BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n'
	    printf 'GET /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
	assert_success
	assert_equal "$(echo "$output" | tr '\n' ' ')" \
	    '200 200 304 206 200 200 301 404 404 204 201 201 201 204 405 501 200 '
	stats_valid "$STATS"
}

@test "each refusal that ends the connection leaks nothing under valgrind" {
	long=$(head -c 9000 /dev/zero | tr '\0' a)
	for req in "GET /$long HTTP/1.1\r\n\r\n" \
	    "GET / HTTP/1.1\r\nHost: a\r\nX: $long$long\r\n\r\n" \
	    'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n' \
	    'GET / HTTP/2.0\r\nHost: a\r\n\r\n' \
	    'PUT /upload/x HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999\r\n\r\n' \
	    'PUT /upload/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n' \
	    'PUT /upload/x HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc' \
	    'GET /hel' '' '\0\377\r\n\r\n'; do
		run grind -c "$DIR/m.conf" -r "$ROOT" -s "$STATS" -w /upload/ \
		    < <(printf '%b' "$req")
		assert_success
	done
	stats_valid "$STATS"
	[ ! -e "$ROOT/upload/x" ]
}

@test "a broken configuration and an unwritable stats file leak nothing under valgrind" {
	printf 'root %s\nno_such_key 1\n' "$ROOT" >"$DIR/bad.conf"
	run grind -c "$DIR/bad.conf" < <(printf 'GET / HTTP/1.1\r\nHost: a\r\n\r\n')
	assert_success
	assert_output 500
	run grind -r "$ROOT" -s "$DIR/no/such/dir/stats" \
	    < <(printf 'GET / HTTP/1.1\r\nHost: a\r\n\r\n')
	assert_success
	assert_output 200
	run grind -t -c "$TOP/stdhttpd.conf"
	assert_success
}
