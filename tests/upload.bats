#!/usr/bin/env bats
# Write methods beneath the writable prefix, request bodies, and the
# conditional and range requests, through systemd-socket-activate.

load helper

setup_file() {
	make_site "$BATS_FILE_TMPDIR/www"
	export ROOT=$BATS_FILE_TMPDIR/www STATS=$BATS_FILE_TMPDIR/stats.jsonl
	printf 'max_body 1M\nbody_timeout 2s\n' >"$BATS_FILE_TMPDIR/up.conf"
	export PORT=$(free_port)
	start_handler "$PORT" -c "$BATS_FILE_TMPDIR/up.conf" -r "$ROOT" \
	    -s "$STATS" -w /upload/
	export HANDLER_PID
}

teardown_file() {
	stop_pid "$HANDLER_PID"
}

url() {
	echo "http://127.0.0.1:$PORT$1"
}

# code ARGS...: curl's status code for a request.
code() {
	curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$@"
}

# No temporary or partial file may ever remain in the upload area.
no_leftovers() {
	run find "$ROOT/upload" -name '.stdhttpd-*'
	assert_output ''
}

@test "PUT of a new file is 201 with Location and GET returns the same bytes" {
	printf 'some text\n' >"$BATS_TEST_TMPDIR/a.txt"
	run curl -sS --max-time 10 -i -T "$BATS_TEST_TMPDIR/a.txt" "$(url /upload/a.txt)"
	assert_line $'HTTP/1.1 201 Created\r'
	assert_line $'Location: /upload/a.txt\r'
	cmp "$ROOT/upload/a.txt" "$BATS_TEST_TMPDIR/a.txt"
	run curl -sS --max-time 10 "$(url /upload/a.txt)"
	assert_output 'some text'
}

@test "a 1 MiB binary with NUL, CR and LF bytes round-trips exactly" {
	{ printf '\0\r\n\r\n\0'; head -c 1048000 /dev/urandom; printf '\r\n'; } >"$BATS_TEST_TMPDIR/bin"
	[ "$(code -T "$BATS_TEST_TMPDIR/bin" "$(url /upload/bin)")" = 201 ]
	curl -sS --max-time 10 -o "$BATS_TEST_TMPDIR/back" "$(url /upload/bin)"
	cmp "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/back"
}

@test "an empty PUT creates an empty file" {
	: >"$BATS_TEST_TMPDIR/empty"
	[ "$(code -T "$BATS_TEST_TMPDIR/empty" "$(url /upload/empty.txt)")" = 201 ]
	[ -f "$ROOT/upload/empty.txt" ] && [ ! -s "$ROOT/upload/empty.txt" ]
}

@test "a UTF-8 file name round-trips" {
	printf 'grüße\n' >"$BATS_TEST_TMPDIR/u"
	[ "$(code -T "$BATS_TEST_TMPDIR/u" "$(url /upload/gr%C3%BC%C3%9Fe.txt)")" = 201 ]
	[ -f "$ROOT/upload/grüße.txt" ]
	run curl -sS --max-time 10 "$(url /upload/gr%C3%BC%C3%9Fe.txt)"
	assert_output 'grüße'
}

@test "PUT over an existing file replaces it atomically with 204" {
	printf 'one\n' >"$BATS_TEST_TMPDIR/one"
	printf 'two\n' >"$BATS_TEST_TMPDIR/two"
	code -T "$BATS_TEST_TMPDIR/one" "$(url /upload/r.txt)"
	ino=$(stat -c %i "$ROOT/upload/r.txt")
	[ "$(code -T "$BATS_TEST_TMPDIR/two" "$(url /upload/r.txt)")" = 204 ]
	assert_equal "$(cat "$ROOT/upload/r.txt")" two
	# A new inode: the old file was renamed over, never rewritten.
	[ "$(stat -c %i "$ROOT/upload/r.txt")" != "$ino" ]
	no_leftovers
}

@test "a chunked PUT is stored decoded" {
	run bash -c "printf 'PUT /upload/chunked.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: y\r\n\r\n' | timeout 5 nc -N -w 5 127.0.0.1 $PORT"
	assert_line --index 0 $'HTTP/1.1 201 Created\r'
	assert_equal "$(cat "$ROOT/upload/chunked.txt")" 'hello, world'
}

@test "Expect: 100-continue is answered before the body is sent" {
	run bash -c '
		exec 3<>/dev/tcp/127.0.0.1/$1
		printf "PUT /upload/cont.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n" >&3
		IFS= read -r -t 3 line <&3 || exit 1
		printf "%s\n" "$line"
		IFS= read -r -t 3 blank <&3
		printf "body" >&3
		timeout 5 cat <&3' _ "$PORT"
	assert_line --index 0 $'HTTP/1.1 100 Continue\r'
	assert_line $'HTTP/1.1 201 Created\r'
	assert_equal "$(cat "$ROOT/upload/cont.txt")" body
}

@test "a body over max_body is 413 without being read and nothing is stored" {
	head -c 2000000 /dev/zero >"$BATS_TEST_TMPDIR/huge"
	[ "$(code -H 'Expect:' -T "$BATS_TEST_TMPDIR/huge" "$(url /upload/huge)")" = 413 ]
	[ ! -e "$ROOT/upload/huge" ]
	no_leftovers
}

@test "a chunked body growing over max_body is 413 and nothing is stored" {
	run bash -c "{ printf 'PUT /upload/hugec HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n'
	    for i in \$(seq 20); do printf '10000\r\n'; head -c 65536 /dev/zero; printf '\r\n'; done; printf '0\r\n\r\n'; } |
	    timeout 5 nc -N -w 5 127.0.0.1 $PORT"
	assert_line --index 0 $'HTTP/1.1 413 Content Too Large\r'
	[ ! -e "$ROOT/upload/hugec" ]
	no_leftovers
}

@test "a client that leaves mid-body leaves no file and no temporary file" {
	run bash -c "(printf 'PUT /upload/aborted HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n'; head -c 5000 /dev/zero) |
	    timeout 5 nc -N -w 1 127.0.0.1 $PORT"
	sleep 0.3
	[ ! -e "$ROOT/upload/aborted" ]
	no_leftovers
	run jq -e -s 'map(select(.target == "/upload/aborted")) | length == 1 and .[0].bytes_in == 5000' "$STATS"
	assert_success
}

@test "a body that stalls is 408 and nothing is stored" {
	run bash -c "(printf 'PUT /upload/stalled HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc'; sleep 4) |
	    timeout 6 nc -w 6 127.0.0.1 $PORT"
	assert_line --index 0 $'HTTP/1.1 408 Request Timeout\r'
	[ ! -e "$ROOT/upload/stalled" ]
	no_leftovers
}

@test "a bad chunk size is 400 and closes the connection" {
	run bash -c "printf 'PUT /upload/badchunk HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n' |
	    timeout 5 nc -N -w 5 127.0.0.1 $PORT"
	assert_line --index 0 $'HTTP/1.1 400 Bad Request\r'
	[ "$(grep -c '^HTTP/1.1' <<<"$output")" -eq 1 ]
	[ ! -e "$ROOT/upload/badchunk" ]
}

@test "POST to a directory stores the body under a fresh name" {
	run curl -sS --max-time 10 -i --data-binary 'posted one' "$(url /upload/)"
	assert_line --index 0 $'HTTP/1.1 201 Created\r'
	loc=$(grep -i '^Location:' <<<"$output" | tr -d '\r' | cut -d' ' -f2)
	[[ $loc == /upload/?* ]]
	run curl -sS --max-time 10 "$(url "$loc")"
	assert_output 'posted one'
	# A second POST gets another name.
	loc2=$(curl -sS --max-time 10 -i --data-binary 'posted two' "$(url /upload/)" | grep -i '^Location:' | tr -d '\r' | cut -d' ' -f2)
	[ "$loc2" != "$loc" ]
}

@test "POST to a new name stores it there; to an existing file it is 409" {
	[ "$(code --data-binary x "$(url /upload/posted.txt)")" = 201 ]
	assert_equal "$(cat "$ROOT/upload/posted.txt")" x
	[ "$(code --data-binary y "$(url /upload/posted.txt)")" = 409 ]
	assert_equal "$(cat "$ROOT/upload/posted.txt")" x
}

@test "DELETE removes a file with 204, a missing one is 404, a directory 405" {
	printf 'bye\n' >"$ROOT/upload/del.txt"
	mkdir -p "$ROOT/upload/dir"
	[ "$(code -X DELETE "$(url /upload/del.txt)")" = 204 ]
	[ ! -e "$ROOT/upload/del.txt" ]
	[ "$(code -X DELETE "$(url /upload/del.txt)")" = 404 ]
	[ "$(code -X DELETE "$(url /upload/dir)")" = 405 ]
	[ "$(code -X DELETE "$(url /upload/dir/)")" = 405 ]
	[ -d "$ROOT/upload/dir" ]
}

@test "PUT to a directory is 405; to a missing parent directory 409" {
	mkdir -p "$ROOT/upload/adir"
	[ "$(code -T /dev/null "$(url /upload/adir)")" = 405 ]
	[ "$(code -T /dev/null "$(url /upload/no/such/dir/f)")" = 409 ]
	[ ! -e "$ROOT/upload/no" ]
}

@test "a PUT of part of a file (Content-Range) is 400 and the file is untouched" {
	printf 'whole file\n' >"$ROOT/upload/part.txt"
	[ "$(code -T - -H 'Content-Range: bytes 0-3/11' "$(url /upload/part.txt)" <<<'WHO')" = 400 ]
	assert_equal "$(cat "$ROOT/upload/part.txt")" 'whole file'
	no_leftovers
}

@test "create_dirs on makes the missing parent directories" {
	port=$(free_port)
	printf 'create_dirs on\n' >"$BATS_TEST_TMPDIR/cd.conf"
	start_handler "$port" -c "$BATS_TEST_TMPDIR/cd.conf" -r "$ROOT" -s "$STATS" -w /upload/
	pid=$HANDLER_PID
	printf 'deep\n' >"$BATS_TEST_TMPDIR/deep"
	run code -T "$BATS_TEST_TMPDIR/deep" "http://127.0.0.1:$port/upload/x/y/z.txt"
	stop_pid "$pid"
	assert_output 201
	assert_equal "$(cat "$ROOT/upload/x/y/z.txt")" deep
}

@test "writes outside the writable prefixes are 405 and touch nothing" {
	before=$(sha256sum "$ROOT/index.html")
	run curl -sS --max-time 10 -i -T /dev/null "$(url /index.html)"
	assert_line --index 0 $'HTTP/1.1 405 Method Not Allowed\r'
	assert_line $'Allow: GET, HEAD, OPTIONS\r'
	[ "$(code -X DELETE "$(url /index.html)")" = 405 ]
	[ "$(code --data-binary x "$(url /new.txt)")" = 405 ]
	[ "$(code -T /dev/null "$(url /uploads)")" = 405 ]
	assert_equal "$(sha256sum "$ROOT/index.html")" "$before"
	[ ! -e "$ROOT/new.txt" ]
}

@test "traversal with PUT and DELETE never touches a file outside the writable area" {
	printf 'keep\n' >"$BATS_FILE_TMPDIR/outside.txt"
	for t in /upload/../index.html /upload/%2e%2e/index.html \
	    /upload/..%2findex.html /upload/../../outside.txt \
	    /upload/%2e%2e/%2e%2e/outside.txt; do
		c=$(printf 'PUT %s HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbad' "$t" |
		    timeout 5 nc -N -w 5 127.0.0.1 "$PORT" | head -n 1)
		[[ $c == 'HTTP/1.1 4'* ]]
		c=$(printf 'DELETE %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' "$t" |
		    timeout 5 nc -N -w 5 127.0.0.1 "$PORT" | head -n 1)
		[[ $c == 'HTTP/1.1 4'* ]]
	done
	grep -q 'home page' "$ROOT/index.html"
	assert_equal "$(cat "$BATS_FILE_TMPDIR/outside.txt")" keep
}

@test "a symlink in the upload area pointing outside is replaced, not written through" {
	printf 'keep\n' >"$BATS_FILE_TMPDIR/target.txt"
	ln -sfn "$BATS_FILE_TMPDIR/target.txt" "$ROOT/upload/link.txt"
	printf 'new\n' >"$BATS_TEST_TMPDIR/new"
	code -T "$BATS_TEST_TMPDIR/new" "$(url /upload/link.txt)"
	assert_equal "$(cat "$BATS_FILE_TMPDIR/target.txt")" keep
}

@test "write requests are logged with the bytes received" {
	printf '12345678' >"$BATS_TEST_TMPDIR/eight"
	code -T "$BATS_TEST_TMPDIR/eight" "$(url /upload/eight)"
	run jq -e -s 'map(select(.target == "/upload/eight")) | .[-1] |
	    .method == "PUT" and .bytes_in == 8 and (.status == 201 or .status == 204)' "$STATS"
	assert_success
}

@test "a pipeline mixing uploads and GETs is answered in order" {
	run bash -c "printf 'PUT /upload/p1 HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\none\nPOST /upload/p2 HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\ntwo\nGET /upload/p1 HTTP/1.1\r\nHost: t\r\n\r\nDELETE /upload/p1 HTTP/1.1\r\nHost: t\r\n\r\nGET /upload/p2 HTTP/1.1\r\nHost: t\r\n\r\nGET /upload/p1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' |
	    timeout 5 nc -N -w 5 127.0.0.1 $PORT"
	assert_equal "$(grep '^HTTP/1.1' <<<"$output" | tr -d '\r')" "$(printf '%s\n' \
	    'HTTP/1.1 201 Created' 'HTTP/1.1 201 Created' 'HTTP/1.1 200 OK' \
	    'HTTP/1.1 204 No Content' 'HTTP/1.1 200 OK' 'HTTP/1.1 404 Not Found')"
	assert_line 'one'
	assert_line 'two'
}

@test "a GET, a PUT and a GET of one file in one write see the old, then the new contents" {
	printf 'old\n' >"$ROOT/upload/same.txt"
	run bash -c "printf 'GET /upload/same.txt HTTP/1.1\r\nHost: t\r\n\r\nPUT /upload/same.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nnew\nGET /upload/same.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' |
	    timeout 5 nc -N -w 5 127.0.0.1 $PORT"
	assert_equal "$(grep -x -e old -e new <<<"$output")" "$(printf 'old\nnew')"
}

# Conditional and range requests on a file of known content.

etag_of() {
	curl -sS --max-time 5 -I "$(url "$1")" | tr -d '\r' | sed -n 's/^ETag: //p'
}

@test "If-None-Match with the current ETag is 304 without a body" {
	tag=$(etag_of /hello.txt)
	run curl -sS --max-time 5 -i -H "If-None-Match: $tag" "$(url /hello.txt)"
	assert_line --index 0 $'HTTP/1.1 304 Not Modified\r'
	assert_line "ETag: $tag"$'\r'
	refute_line 'hello'
	[ "$(code -H 'If-None-Match: "other", W/'"$tag" "$(url /hello.txt)")" = 304 ]
	[ "$(code -H 'If-None-Match: "other"' "$(url /hello.txt)")" = 200 ]
}

@test "If-Modified-Since at or after Last-Modified is 304, earlier is 200" {
	lm=$(curl -sS --max-time 5 -I "$(url /hello.txt)" | tr -d '\r' | sed -n 's/^Last-Modified: //p')
	[ "$(code -H "If-Modified-Since: $lm" "$(url /hello.txt)")" = 304 ]
	[ "$(code -H 'If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT' "$(url /hello.txt)")" = 200 ]
	# If-None-Match takes precedence over If-Modified-Since.
	[ "$(code -H 'If-None-Match: "other"' -H "If-Modified-Since: $lm" "$(url /hello.txt)")" = 200 ]
}

@test "If-Match and If-Unmodified-Since that fail are 412 on GET, PUT and DELETE" {
	printf 'v1\n' >"$ROOT/upload/cond.txt"
	[ "$(code -H 'If-Match: "nope"' "$(url /upload/cond.txt)")" = 412 ]
	[ "$(code -H 'If-Unmodified-Since: Sat, 01 Jan 2000 00:00:00 GMT' "$(url /upload/cond.txt)")" = 412 ]
	printf 'v2\n' >"$BATS_TEST_TMPDIR/v2"
	[ "$(code -H 'If-Match: "nope"' -T "$BATS_TEST_TMPDIR/v2" "$(url /upload/cond.txt)")" = 412 ]
	[ "$(code -H 'If-Match: "nope"' -X DELETE "$(url /upload/cond.txt)")" = 412 ]
	assert_equal "$(cat "$ROOT/upload/cond.txt")" v1
	tag=$(etag_of /upload/cond.txt)
	[ "$(code -H "If-Match: $tag" -T "$BATS_TEST_TMPDIR/v2" "$(url /upload/cond.txt)")" = 204 ]
	assert_equal "$(cat "$ROOT/upload/cond.txt")" v2
}

@test "If-None-Match: * makes PUT create-only" {
	printf 'x\n' >"$BATS_TEST_TMPDIR/x"
	[ "$(code -H 'If-None-Match: *' -T "$BATS_TEST_TMPDIR/x" "$(url /upload/once.txt)")" = 201 ]
	[ "$(code -H 'If-None-Match: *' -T "$BATS_TEST_TMPDIR/x" "$(url /upload/once.txt)")" = 412 ]
}

@test "a byte range is 206 with Content-Range and just those bytes" {
	run curl -sS --max-time 5 -i -r 1-3 "$(url /hello.txt)"
	assert_line --index 0 $'HTTP/1.1 206 Partial Content\r'
	assert_line $'Content-Range: bytes 1-3/6\r'
	assert_line $'Content-Length: 3\r'
	assert_equal "${output##*$'\r\n\r\n'}" 'ell'
	run curl -sS --max-time 5 -r -2 "$(url /hello.txt)"
	assert_output 'o'
	run curl -sS --max-time 5 -r 4- "$(url /hello.txt)"
	assert_output 'o'
}

@test "an unsatisfiable range is 416 with the size" {
	run curl -sS --max-time 5 -i -r 100-200 "$(url /hello.txt)"
	assert_line --index 0 $'HTTP/1.1 416 Range Not Satisfiable\r'
	assert_line $'Content-Range: bytes */6\r'
}

@test "several ranges, or an If-Range that no longer matches, get the whole file" {
	run curl -sS --max-time 5 -r 0-1,3-4 "$(url /hello.txt)"
	assert_output 'hello'
	run curl -sS --max-time 5 -r 1-2 -H 'If-Range: "stale"' "$(url /hello.txt)"
	assert_output 'hello'
	tag=$(etag_of /hello.txt)
	run curl -sS --max-time 5 -r 1-2 -H "If-Range: $tag" "$(url /hello.txt)"
	assert_output 'el'
}

@test "files advertise Accept-Ranges: bytes" {
	run curl -sS --max-time 5 -I "$(url /hello.txt)"
	assert_line $'Accept-Ranges: bytes\r'
}

@test "a PUT behind a long pipeline of GETs stores its whole body" {
	head -c 100000 /dev/urandom >"$BATS_TEST_TMPDIR/body"
	{
		for i in $(seq 300); do
			printf 'GET /hello.txt?%d HTTP/1.1\r\nHost: t\r\n\r\n' "$i"
		done
		printf 'PUT /upload/behind HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n'
		cat "$BATS_TEST_TMPDIR/body"
	} >"$BATS_TEST_TMPDIR/req"
	run bash -c "timeout 10 nc -N -w 5 127.0.0.1 $PORT <'$BATS_TEST_TMPDIR/req' | grep -a -c '^HTTP/1.1 2'"
	assert_output 301
	cmp "$ROOT/upload/behind" "$BATS_TEST_TMPDIR/body"
}
