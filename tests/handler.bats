#!/usr/bin/env bats
# The handler in pipe mode: requests on stdin, responses on stdout, no socket.

load helper

setup_file() {
	make_site "$BATS_FILE_TMPDIR/www"
}

setup() {
	ROOT=$BATS_FILE_TMPDIR/www
	STATS=$BATS_TEST_TMPDIR/stats.jsonl
}

# serve REQUEST-PRINTF-FORMAT: one pipe-mode run against the test site.
serve() {
	printf "$1" | pipe_request -r "$ROOT" -s "$STATS" "${@:2}"
}

# get TARGET [ARGS...]: one GET of a raw target (no printf escapes in it).
get() {
	printf 'GET %s HTTP/1.1\r\nHost: t\r\n\r\n' "$1" |
	    pipe_request -r "$ROOT" -s "$STATS" "${@:2}"
}

status_lines() {
	grep -a '^HTTP/1.1 ' | tr -d '\r'
}

@test "GET / serves the index file with its length, type and validators" {
	run serve 'GET / HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line $'Content-Type: text/html; charset=utf-8\r'
	assert_line "Content-Length: $(stat -c %s "$ROOT/index.html")"$'\r'
	assert_line --regexp '^Last-Modified: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT'
	assert_line --regexp '^ETag: "[0-9a-f-]+"'
	assert_line $'Server: stdhttpd\r'
	assert_line $'Date: X\r'
	assert_line '<p>home page</p>'
}

@test "the body is exactly the file" {
	printf 'GET /big.bin HTTP/1.0\r\n\r\n' |
	    timeout 10 "$STDHTTPD" -r "$ROOT" -s "$STATS" >"$BATS_TEST_TMPDIR/out"
	# Strip the head: everything up to the first empty line.
	sed '1,/^\r$/d' "$BATS_TEST_TMPDIR/out" >"$BATS_TEST_TMPDIR/body"
	cmp "$BATS_TEST_TMPDIR/body" "$ROOT/big.bin"
}

@test "HEAD sends the GET headers without a body" {
	run serve 'HEAD /hello.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line $'Content-Length: 6\r'
	refute_line 'hello'
}

@test "HTTP/1.0 without keep-alive gets Connection: close and one response" {
	run serve 'GET /hello.txt HTTP/1.0\r\n\r\nGET /hello.txt HTTP/1.0\r\n\r\n'
	assert_line $'Connection: close\r'
	[ "$(echo "$output" | status_lines | wc -l)" -eq 1 ]
}

@test "HTTP/1.0 with Connection: keep-alive keeps the connection" {
	run serve 'GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /hello.txt HTTP/1.0\r\n\r\n'
	assert_line $'Connection: keep-alive\r'
	[ "$(echo "$output" | status_lines | wc -l)" -eq 2 ]
}

@test "ten pipelined requests in one write get ten responses in order" {
	req=
	for i in $(seq 10); do
		case $((i % 3)) in
		0) req="${req}GET /hello.txt?$i HTTP/1.1\r\nHost: t\r\n\r\n" ;;
		1) req="${req}GET /nope$i HTTP/1.1\r\nHost: t\r\n\r\n" ;;
		2) req="${req}HEAD /style.css HTTP/1.1\r\nHost: t\r\n\r\n" ;;
		esac
	done
	run serve "$req"
	expected=$(for i in $(seq 10); do
		case $((i % 3)) in
		0) echo 'HTTP/1.1 200 OK' ;;
		1) echo 'HTTP/1.1 404 Not Found' ;;
		2) echo 'HTTP/1.1 200 OK' ;;
		esac
	done)
	assert_equal "$(echo "$output" | status_lines)" "$expected"
	assert_equal "$(grep -c '"event":"request"' "$STATS")" 10
}

@test "a request that arrives one byte at a time is served" {
	req=$'GET /hello.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'
	run bash -c 'for ((i = 0; i < ${#1}; i++)); do printf %s "${1:i:1}"; sleep 0.002; done |
	    timeout 10 "$2" -r "$3" -s "$4"' _ "$req" "$STDHTTPD" "$ROOT" "$STATS"
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line 'hello'
}

@test "a missing file is 404 with a short HTML body" {
	run serve 'GET /missing.html HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 404 Not Found\r'
	assert_line --partial '<h1>404 Not Found</h1>'
}

@test "an error page never echoes the request" {
	run serve 'GET /<script>alert(1)</script> HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 404 Not Found\r'
	refute_output --partial 'script'
}

@test "a directory without its slash redirects to the slash form" {
	run serve 'GET /sub?x=1 HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 301 Moved Permanently\r'
	assert_line $'Location: /sub/?x=1\r'
}

@test "a directory with its slash serves its index file" {
	run serve 'GET /sub/ HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line 'in sub'
}

@test "a directory without an index file is refused, never listed" {
	run serve 'GET /empty/ HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 403 Forbidden\r'
}

@test "dotfiles and dot directories are not served" {
	run serve 'GET /.htpasswd HTTP/1.1\r\nHost: t\r\n\r\nGET /.git/config HTTP/1.1\r\nHost: t\r\n\r\nGET /%2egit/config HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_equal "$(echo "$output" | status_lines)" "$(printf 'HTTP/1.1 404 Not Found\n%.0s' 1 2 3)"
	refute_output --partial 'secret'
}

@test "traversal attempts never leave the root" {
	for t in '/../../../../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' \
	    '/..%2f..%2f..%2fetc/passwd' '/sub/../../etc/passwd' \
	    '/%2E%2E/etc/passwd' '/sub/%2e%2e/%2e%2e/etc/passwd'; do
		run get "$t"
		assert_line --index 0 $'HTTP/1.1 400 Bad Request\r'
		refute_output --partial 'root:'
	done
}

@test "dot segments that stay inside the root resolve normally" {
	run serve 'GET /sub/../hello.txt HTTP/1.1\r\nHost: t\r\n\r\nGET /./sub/./ HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_equal "$(echo "$output" | status_lines)" "$(printf 'HTTP/1.1 200 OK\nHTTP/1.1 200 OK')"
}

@test "a NUL byte or a malformed escape in the path is 400" {
	for t in '/hello.txt%00.html' '/hello%zz' '/hello%4'; do
		run get "$t"
		assert_line --index 0 $'HTTP/1.1 400 Bad Request\r'
	done
}

@test "a symlink that points outside the root is not followed" {
	ln -sfn /etc "$ROOT/etc-link"
	ln -sfn /etc/passwd "$ROOT/passwd-link"
	run serve 'GET /etc-link/passwd HTTP/1.1\r\nHost: t\r\n\r\nGET /passwd-link HTTP/1.1\r\nHost: t\r\n\r\n'
	rm -f "$ROOT/etc-link" "$ROOT/passwd-link"
	assert_equal "$(echo "$output" | status_lines)" "$(printf 'HTTP/1.1 404 Not Found\nHTTP/1.1 404 Not Found')"
	refute_output --partial 'root:'
}

@test "a symlink inside the root is served" {
	ln -sfn hello.txt "$ROOT/hello-link.txt"
	run serve 'GET /hello-link.txt HTTP/1.1\r\nHost: t\r\n\r\n'
	rm -f "$ROOT/hello-link.txt"
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line 'hello'
}

@test "a FIFO in the root is refused without blocking the handler" {
	mkfifo "$ROOT/fifo.txt"
	run serve 'GET /fifo.txt HTTP/1.1\r\nHost: t\r\n\r\n'
	rm -f "$ROOT/fifo.txt"
	assert_line --index 0 $'HTTP/1.1 403 Forbidden\r'
}

@test "an absolute-form target is served from its path" {
	run serve 'GET http://t/hello.txt HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line 'hello'
}

@test "a malformed request line is 400 and closes the connection" {
	run serve 'GET /hello.txt\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 400 Bad Request\r'
	assert_line $'Connection: close\r'
	[ "$(echo "$output" | status_lines | wc -l)" -eq 1 ]
}

@test "HTTP/1.1 without Host is 400" {
	run serve 'GET /hello.txt HTTP/1.1\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 400 Bad Request\r'
}

@test "two different Content-Lengths are 400" {
	run serve 'POST /upload/x HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'
	assert_line --index 0 $'HTTP/1.1 400 Bad Request\r'
}

@test "Content-Length with Transfer-Encoding is 400 and closes" {
	run serve 'POST /upload/x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 400 Bad Request\r'
	[ "$(echo "$output" | status_lines | wc -l)" -eq 1 ]
}

@test "a major version other than 1 is 505" {
	run serve 'GET / HTTP/2.0\r\nHost: t\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 505 HTTP Version Not Supported\r'
}

@test "a later HTTP/1 minor version is answered as HTTP/1.1" {
	run serve 'GET /hello.txt HTTP/1.2\r\nHost: t\r\n\r\nGET /style.css HTTP/1.9\r\nHost: t\r\n\r\n'
	assert_equal "$(echo "$output" | status_lines)" "$(printf 'HTTP/1.1 200 OK\nHTTP/1.1 200 OK')"
	refute_line $'Connection: close\r'
}

@test "a fragment in the target is 400, not cut off" {
	run serve 'GET /hello.txt#top HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 400 Bad Request\r'
}

@test "an unknown method is 501" {
	run serve 'BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 501 Not Implemented\r'
}

@test "TRACE is 501 and never echoes the request" {
	run serve 'TRACE / HTTP/1.1\r\nHost: t\r\nX-Secret: cookie123\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 501 Not Implemented\r'
	refute_output --partial 'cookie123'
}

@test "a write method outside the writable prefixes is 405 with Allow" {
	run serve 'DELETE /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 405 Method Not Allowed\r'
	assert_line $'Allow: GET, HEAD, OPTIONS\r'
	[ -f "$ROOT/hello.txt" ]
}

@test "a request line longer than the limit is 414" {
	long=$(head -c 9000 /dev/zero | tr '\0' a)
	run serve "GET /$long HTTP/1.1\r\nHost: t\r\n\r\n"
	assert_line --index 0 $'HTTP/1.1 414 URI Too Long\r'
}

@test "a header block larger than the limit is 431" {
	big=$(head -c 7000 /dev/zero | tr '\0' b)
	run serve "GET / HTTP/1.1\r\nHost: t\r\nA: $big\r\nB: $big\r\nC: $big\r\n\r\n"
	assert_line --index 0 $'HTTP/1.1 431 Request Header Fields Too Large\r'
}

@test "more header fields than the limit is 431" {
	many=$(for i in $(seq 70); do printf 'X-%d: y\\r\\n' "$i"; done)
	run serve "GET / HTTP/1.1\r\nHost: t\r\n$many\r\n"
	assert_line --index 0 $'HTTP/1.1 431 Request Header Fields Too Large\r'
}

@test "a body on GET is read and skipped so the next request is served" {
	run serve 'GET /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nabcdeGET /style.css HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_equal "$(echo "$output" | status_lines)" "$(printf 'HTTP/1.1 200 OK\nHTTP/1.1 200 OK')"
	assert_line 'body { color: red }'
}

@test "a GET declaring a body over max_body is 413 without waiting for it" {
	run bash -c "{ printf 'GET /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000000\r\n\r\n'; sleep 4; } |
	    timeout 3 '$STDHTTPD' -r '$ROOT' -s '$STATS'"
	assert_line --index 0 $'HTTP/1.1 413 Content Too Large\r'
}

@test "OPTIONS lists the methods allowed on the target" {
	run serve 'OPTIONS /hello.txt HTTP/1.1\r\nHost: t\r\n\r\nOPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_line --index 0 $'HTTP/1.1 204 No Content\r'
	assert_line $'Allow: GET, HEAD, OPTIONS\r'
	assert_line $'Allow: GET, HEAD, POST, PUT, DELETE, OPTIONS\r'
}

@test "a file of unknown type is application/octet-stream" {
	run serve 'GET /data.unknownext HTTP/1.1\r\nHost: t\r\n\r\n'
	assert_line $'Content-Type: application/octet-stream\r'
}

@test "max_requests closes the connection after that many requests" {
	printf 'max_requests 2\n' >"$BATS_TEST_TMPDIR/c.conf"
	run serve 'GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n' -c "$BATS_TEST_TMPDIR/c.conf"
	[ "$(echo "$output" | status_lines | wc -l)" -eq 2 ]
	assert_line $'Connection: close\r'
}

@test "every request appends one valid JSON record with all fields" {
	run serve 'GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\nHEAD /nope HTTP/1.1\r\nHost: t\r\n\r\n'
	run jq -e -s 'length == 4 and
	    .[0].event == "open" and .[3].event == "close" and
	    .[3].requests == 2 and
	    ([.[1], .[2]] | all(.event == "request")) and
	    .[1].method == "GET" and .[1].target == "/hello.txt" and
	    .[1].version == "HTTP/1.1" and .[1].status == 200 and
	    .[1].bytes == 6 and .[1].type == "text/plain; charset=utf-8" and
	    .[1].seq == 1 and .[2].seq == 2 and .[2].status == 404 and
	    .[2].bytes == 0 and
	    (.[1].ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}Z$")) and
	    ([.[] | .pid] | unique | length == 1) and
	    ([.[] | .conn] | unique | length == 1) and
	    (.[1].dur_us | type == "number") and .[1].client == "-"' "$STATS"
	assert_success
}

@test "a connection kept across seconds dates each response and record anew" {
	local out=$BATS_TEST_TMPDIR/out dates ts
	{ printf 'GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n'; sleep 1.1
	  printf 'GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n'; } |
	    timeout 10 "$STDHTTPD" -r "$ROOT" -s "$STATS" >"$out"
	# Each Date, as the second of its record's time.
	dates=$(sed -n 's/^Date: \(.*\)\r$/\1/p' "$out" |
	    while read -r d; do date -u -d "$d" +%Y-%m-%dT%H:%M:%S; done)
	ts=$(jq -r 'select(.event == "request") | .ts[0:19]' "$STATS")
	[ "$(echo "$dates" | wc -l)" -eq 2 ]
	[ "$dates" = "$ts" ]
	[ "$(echo "$ts" | sort -u | wc -l)" -eq 2 ]
}

@test "control bytes and bad UTF-8 in the target keep the record one valid line" {
	run get $'/a"b\\c\xff\xfe%0d%0a'
	assert_line --index 0 $'HTTP/1.1 404 Not Found\r'
	[ "$(wc -l <"$STATS")" -eq 3 ]
	run jq -e -s '.[1].status == 404 and .[1].target == "/a\"b\\c??%0d%0a"' "$STATS"
	assert_success
}

@test "a control byte in the request line is 400, logged without method or target" {
	run get $'/a\x01b'
	assert_line --index 0 $'HTTP/1.1 400 Bad Request\r'
	run jq -e -s '.[1].status == 400 and .[1].method == "" and .[1].target == ""' "$STATS"
	assert_success
}

@test "an unwritable stats file does not stop the response and is logged" {
	run bash -c 'printf "GET /hello.txt HTTP/1.0\r\n\r\n" | timeout 10 "$1" -r "$2" -s /nonexistent/dir/stats.jsonl 2>&1 >/dev/null' _ "$STDHTTPD" "$ROOT"
	assert_output --partial 'stats file /nonexistent/dir/stats.jsonl'
	run bash -c 'printf "GET /hello.txt HTTP/1.0\r\n\r\n" | timeout 10 "$1" -r "$2" -s /nonexistent/dir/stats.jsonl 2>/dev/null' _ "$STDHTTPD" "$ROOT"
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
}

@test "a pipelined burst's responses leave in one write and its records in one locked append" {
	req=
	for i in $(seq 10); do req="${req}GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n"; done
	printf "$req" >"$BATS_TEST_TMPDIR/req"
	# (LeakSanitizer cannot run under ptrace: off for a sanitizer build.)
	ASAN_OPTIONS=detect_leaks=0 \
	    strace -f -e trace=write,flock -o "$BATS_TEST_TMPDIR/trace" \
	    "$STDHTTPD" -r "$ROOT" -s "$STATS" <"$BATS_TEST_TMPDIR/req" >/dev/null
	# The open record and ten request records together; the close
	# record after the client's end of input.
	[ "$(grep -c 'LOCK_EX' "$BATS_TEST_TMPDIR/trace")" -eq 2 ]
	[ "$(grep -c '^[0-9]* *write(1,' "$BATS_TEST_TMPDIR/trace")" -eq 1 ]
	[ "$(grep -c '"event":"request"' "$STATS")" -eq 10 ]
}

# trace_burst FILE SYSCALLS: strace's lines for ten pipelined GETs of FILE.
trace_burst() {
	local req= i
	for i in $(seq 10); do req="${req}GET /$1 HTTP/1.1\r\nHost: t\r\n\r\n"; done
	printf "$req" >"$BATS_TEST_TMPDIR/req"
	ASAN_OPTIONS=detect_leaks=0 \
	    strace -e trace="$2" -o "$BATS_TEST_TMPDIR/trace" \
	    "$STDHTTPD" -r "$ROOT" -s "$STATS" <"$BATS_TEST_TMPDIR/req" >/dev/null
	cat "$BATS_TEST_TMPDIR/trace"
}

@test "ten pipelined GETs of an unchanged small file open and check it once and read it twice" {
	printf 'steady\n' >"$ROOT/steady.txt"
	sleep 2.1	# older than the change-time guard below
	run trace_burst steady.txt openat2,newfstatat,pread64
	[ "$(grep -c 'openat2(.*"steady.txt"' <<<"$output")" -eq 1 ]
	[ "$(grep -c 'newfstatat(.*"steady.txt"' <<<"$output")" -eq 0 ]
	# Once for the first answer, once into memory for the rest.
	[ "$(grep -c 'pread64(.*"steady' <<<"$output")" -eq 2 ]
}

@test "a file changed within the last second is read again for every request" {
	printf 'fresh\n' >"$ROOT/fresh.txt"
	run trace_burst fresh.txt pread64
	[ "$(grep -c 'pread64(.*"fresh' <<<"$output")" -eq 10 ]
}

@test "a file replaced, rewritten or removed between requests on one connection is served anew" {
	f=$ROOT/changing.txt
	printf 'one\n' >"$f"
	req='GET /changing.txt HTTP/1.1\r\nHost: t\r\n\r\n'
	change_between_requests() {
		printf "$req"; sleep 0.3
		printf 'two\n' >"$f.new"; mv "$f.new" "$f"
		printf "$req"; sleep 0.3
		printf 'six\n' >"$f"	# in place, the same size
		printf "$req"; sleep 0.3
		rm "$f"
		printf "$req"
	}
	run pipe_request -r "$ROOT" -s "$STATS" < <(change_between_requests)
	run bash -c 'grep -a -E "^(HTTP/1.1|one|two|six)" <<<"$1" | tr -d "\r"' _ "$output"
	assert_output "$(printf '%s\n' 'HTTP/1.1 200 OK' one 'HTTP/1.1 200 OK' two \
	    'HTTP/1.1 200 OK' six 'HTTP/1.1 404 Not Found')"
}

@test "make STATIC=1 builds a static handler that answers byte for byte like the dynamic one" {
	b=$BATS_TEST_TMPDIR/static
	make -s -C "$TOP" B="$b" STATIC=1 "$b/stdhttpd" 2>/dev/null
	run file "$b/stdhttpd"
	assert_output --partial 'static-pie linked'
	req='GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\nHEAD / HTTP/1.1\r\nHost: t\r\n\r\nGET /nope HTTP/1.0\r\n\r\n'
	dynamic=$(serve "$req")
	static=$(STDHTTPD=$b/stdhttpd serve "$req")
	assert_equal "$static" "$dynamic"
	[ "$(grep -c '^HTTP/1.1 ' <<<"$static")" -eq 3 ]
}
