#!/usr/bin/env bats
# The configuration as the handler sees it: -t, options over the file, and
# what a broken configuration does to requests.

load helper

setup_file() {
	make_site "$BATS_FILE_TMPDIR/www"
}

setup() {
	ROOT=$BATS_FILE_TMPDIR/www
	STATS=$BATS_TEST_TMPDIR/stats.jsonl
	CONF=$BATS_TEST_TMPDIR/stdhttpd.conf
}

@test "-t accepts the shipped example configuration" {
	run "$STDHTTPD" -t -c "$TOP/stdhttpd.conf"
	assert_success
}

@test "-t names the file and line of a bad directive and exits 102" {
	printf 'root %s\n# fine\nheader_timeout soon\n' "$ROOT" >"$CONF"
	run "$STDHTTPD" -t -c "$CONF"
	[ "$status" -eq 102 ]
	assert_output --regexp "^$CONF:3: "
}

@test "-t reports a missing document root" {
	printf 'root /nonexistent/www\n' >"$CONF"
	run "$STDHTTPD" -t -c "$CONF"
	[ "$status" -eq 102 ]
	assert_output --partial '/nonexistent/www'
}

@test "an unknown option is a usage error, exit 100" {
	run "$STDHTTPD" -Z
	[ "$status" -eq 100 ]
	assert_output --partial 'usage:'
}

@test "a broken configuration answers every request with 500 and logs why" {
	printf 'rooot %s\n' "$ROOT" >"$CONF"
	run bash -c 'printf "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n" |
	    timeout 5 "$1" -c "$2" -s "$3" 2>"$4"' _ "$STDHTTPD" "$CONF" "$STATS" "$BATS_TEST_TMPDIR/err"
	[ "$(grep -c $'^HTTP/1.1 500 Internal Server Error\r$' <<<"$output")" -eq 2 ]
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --partial "$CONF:1: "
}

@test "command-line options override the file" {
	printf 'root /nonexistent\nstats /nonexistent/stats.jsonl\n' >"$CONF"
	run bash -c 'printf "GET /hello.txt HTTP/1.0\r\n\r\n" | timeout 5 "$1" -c "$2" -r "$3" -s "$4"' \
	    _ "$STDHTTPD" "$CONF" "$ROOT" "$STATS"
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	[ "$(grep -c '"event":"request"' "$STATS")" -eq 1 ]
}

@test "relative paths in a file are taken from the file's directory" {
	mkdir -p "$BATS_TEST_TMPDIR/site/www" "$BATS_TEST_TMPDIR/site/stats"
	printf 'relative\n' >"$BATS_TEST_TMPDIR/site/www/index.html"
	printf 'root www\nstats stats/s.jsonl\n' >"$BATS_TEST_TMPDIR/site/my.conf"
	cd /
	run bash -c 'printf "GET / HTTP/1.0\r\n\r\n" | timeout 5 "$1" -c "$2"' _ "$STDHTTPD" "$BATS_TEST_TMPDIR/site/my.conf"
	assert_line 'relative'
	[ -s "$BATS_TEST_TMPDIR/site/stats/s.jsonl" ]
}

@test "strict_types refuses a file of unknown type with 403" {
	printf 'strict_types on\n' >"$CONF"
	run bash -c 'printf "GET /data.unknownext HTTP/1.1\r\nHost: t\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n" |
	    timeout 5 "$1" -c "$2" -r "$3" -s "$4"' _ "$STDHTTPD" "$CONF" "$ROOT" "$STATS"
	assert_equal "$(grep '^HTTP/1.1' <<<"$output" | tr -d '\r')" "$(printf 'HTTP/1.1 403 Forbidden\nHTTP/1.1 200 OK')"
}

@test "a configured type wins over the built-in table" {
	printf 'type txt text/x-custom\n' >"$CONF"
	run bash -c 'printf "GET /hello.txt HTTP/1.0\r\n\r\n" | timeout 5 "$1" -c "$2" -r "$3" -s "$4"' \
	    _ "$STDHTTPD" "$CONF" "$ROOT" "$STATS"
	assert_line $'Content-Type: text/x-custom\r'
}

@test "a configured error page is the body of a 404" {
	printf '<p>custom not found</p>\n' >"$ROOT/missing.html"
	printf 'error_page 404 /missing.html\n' >"$CONF"
	run bash -c 'printf "GET /nope HTTP/1.0\r\n\r\n" | timeout 5 "$1" -c "$2" -r "$3" -s "$4"' \
	    _ "$STDHTTPD" "$CONF" "$ROOT" "$STATS"
	assert_line --index 0 $'HTTP/1.1 404 Not Found\r'
	assert_line '<p>custom not found</p>'
}

@test "a configured error page that is missing falls back to the built-in one" {
	printf 'error_page 404 /no-such-page.html\n' >"$CONF"
	run bash -c 'printf "GET /nope HTTP/1.0\r\n\r\n" | timeout 5 "$1" -c "$2" -r "$3" -s "$4"' \
	    _ "$STDHTTPD" "$CONF" "$ROOT" "$STATS"
	assert_line --index 0 $'HTTP/1.1 404 Not Found\r'
	assert_output --partial '<h1>404 Not Found</h1>'
}

@test "error_log receives the diagnostics" {
	printf 'error_log %s/err.log\n' "$BATS_TEST_TMPDIR" >"$CONF"
	printf 'GET / HTTP/1.0\r\n\r\n' | timeout 5 "$STDHTTPD" -c "$CONF" -r "$ROOT" -s /nonexistent/s.jsonl >/dev/null 2>"$BATS_TEST_TMPDIR/stderr"
	grep -q 'stats file /nonexistent/s.jsonl' "$BATS_TEST_TMPDIR/err.log"
	[ ! -s "$BATS_TEST_TMPDIR/stderr" ]
}

@test "a diagnostic never reaches the client when stderr is the connection" {
	port=$(free_port)
	# --inetd gives the connection as fd 0 and 1; make fd 2 the same socket,
	# as xinetd does.
	timeout 60 systemd-socket-activate -l "127.0.0.1:$port" --accept --inetd \
	    sh -c 'exec "$0" "$@" 2>&1' "$STDHTTPD" -r "$ROOT" -s /nonexistent/s.jsonl 3>&- 2>/dev/null &
	pid=$!
	wait_port "$port"
	run curl -sS --max-time 5 -i "http://127.0.0.1:$port/hello.txt"
	stop_pid "$pid"
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	refute_output --partial 'stdhttpd['
}

@test "-u drops root to the named user before serving" {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	id nobody >/dev/null
	chmod 755 "$BATS_TEST_TMPDIR"
	printf 'PUT /upload/f HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nx' |
	    timeout 5 "$STDHTTPD" -r "$ROOT" -s "$STATS" -u nobody -w /upload/ >"$BATS_TEST_TMPDIR/out"
	# The upload directory belongs to root: nobody may not write there.
	run head -n 1 "$BATS_TEST_TMPDIR/out"
	assert_output $'HTTP/1.1 403 Forbidden\r'
	# The stats file was opened before the drop, so the record is there.
	[ "$(grep -c '"event":"request"' "$STATS")" -eq 1 ]
}
