#!/usr/bin/env bats
# webclient against stdhttpd under systemd-socket-activate, against nginx on
# loopback with its own configuration, against a scripted server that closes
# mid-pipeline, and against nc capturing the exact bytes it sends.

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load
load webclient_helper

setup_file() {
	export T=$BATS_FILE_TMPDIR
	mkdir -p "$T/sd/www/upload" "$T/sd/www/dir" "$T/ng"
	printf 'hello from stdhttpd\n' > "$T/sd/www/hello.txt"
	printf 'in a directory\n' > "$T/sd/www/dir/file.txt"
	for i in $(seq 200); do
		printf 'file number %d\n' "$i" > "$T/sd/www/dir/f$i.txt"
	done
	"$BATS_TEST_DIRNAME/gen-testsite.sh" "$T/sd/www/testsite"
	wc_start_stdhttpd "$T/sd/www" "$T/sd/stats.jsonl"
	export SD_PORT SD_PID

	mkdir -p "$T/ng/www/chunked"
	printf 'hello from nginx\n' > "$T/ng/www/hello.txt"
	seq -f 'zebra line %g' 20000 > "$T/ng/www/chunked/zebra.txt"
	for i in $(seq 200); do
		printf 'nginx file %d\n' "$i" > "$T/ng/www/n$i.txt"
	done
	start_nginx "$T/ng"
	export NG_PORT NG_PID
}

teardown_file() {
	stop_pid "${SD_PID:-}"
	stop_pid "${NG_PID:-}"
}

setup() {
	W=$BATS_TEST_TMPDIR
	# Each test starts with an empty cache of its own.
	export XDG_CACHE_HOME=$W/cache
	cd "$W"
}

teardown() {
	stop_pid "${SC_PID:-}"
	stop_pid "${NC_PID:-}"
}

# --- invocation forms --------------------------------------------------------

@test "HOST PORT PATH prints the body to stdout and the head to stderr" {
	"$WC" 127.0.0.1 "$SD_PORT" /hello.txt > out 2> err
	[ "$(cat out)" = "hello from stdhttpd" ]
	run head -1 err
	assert_output --regexp '^HTTP/1.1 200 OK'
	grep -q '^Content-Length: 20' err
}

@test "-i prints the head and the body to stdout" {
	run "$WC" -i 127.0.0.1 "$SD_PORT" /hello.txt
	assert_success
	assert_line --index 0 --regexp '^HTTP/1.1 200 OK'
	assert_line 'hello from stdhttpd'
}

@test "a URL fetches with GET" {
	run "$WC" -q "http://127.0.0.1:$SD_PORT/dir/file.txt"
	assert_success
	assert_output 'in a directory'
}

@test "-X HEAD with a URL prints the head and no body" {
	"$WC" -X HEAD "http://127.0.0.1:$SD_PORT/hello.txt" > out 2> err
	[ ! -s out ]
	grep -q '^HTTP/1.1 200 OK' err
}

@test "HOST PORT METHOD PATH sends that method" {
	run "$WC" -q 127.0.0.1 "$SD_PORT" HEAD /hello.txt
	assert_success
	assert_output ''
}

@test "-o DIR stores a single GET under its path" {
	run "$WC" -q -o got 127.0.0.1 "$SD_PORT" /dir/file.txt
	assert_success
	assert_output ''
	cmp got/dir/file.txt "$T/sd/www/dir/file.txt"
}

@test "-h documents every invocation form" {
	run "$WC" -h
	assert_success
	assert_output --partial 'HOST PORT [METHOD] PATH'
	assert_output --partial 'http://HOST[:PORT]/PATH'
	assert_output --partial '-f COMMANDS'
}

@test "bad arguments and unknown methods exit 2" {
	run "$WC" 127.0.0.1
	assert_failure 2
	run "$WC" 127.0.0.1 "$SD_PORT" PATCH /x
	assert_failure 2
	assert_output --partial 'unknown method'
	run "$WC" https://example.org/
	assert_failure 2
	assert_output --partial 'https is not supported'
	run "$WC" -p 0 127.0.0.1 "$SD_PORT" /x
	assert_failure 2
}

# --- uploads -----------------------------------------------------------------

@test "PUT uploads the file named by the last segment and GET returns it" {
	printf 'uploaded %s\n' "$BATS_TEST_NUMBER" > put.txt
	run "$WC" -q 127.0.0.1 "$SD_PORT" PUT /upload/put.txt
	assert_success
	"$WC" -q --no-cache 127.0.0.1 "$SD_PORT" /upload/put.txt > back
	cmp put.txt back
}

@test "PUT -d - uploads standard input" {
	printf 'from stdin\n' | "$WC" -q -d - -X PUT \
	    "http://127.0.0.1:$SD_PORT/upload/stdin.txt"
	run "$WC" -q --no-cache "http://127.0.0.1:$SD_PORT/upload/stdin.txt"
	assert_output 'from stdin'
}

@test "DELETE removes an uploaded file and a GET then fails with exit 1" {
	printf 'doomed\n' > doomed.txt
	"$WC" -q 127.0.0.1 "$SD_PORT" PUT /upload/doomed.txt
	run "$WC" -q 127.0.0.1 "$SD_PORT" DELETE /upload/doomed.txt
	assert_success
	run "$WC" -q --no-cache 127.0.0.1 "$SD_PORT" /upload/doomed.txt
	assert_failure 1
}

@test "POST -d FILE stores the body where Location says" {
	printf 'posted body\n' > post.txt
	"$WC" -d post.txt 127.0.0.1 "$SD_PORT" POST /upload/ > out 2> err
	grep -q '^HTTP/1.1 201' err
	loc=$(sed -n 's/^Location: \(.*\)\r$/\1/p' err)
	[ -n "$loc" ]
	run "$WC" -q --no-cache 127.0.0.1 "$SD_PORT" "$loc"
	assert_output 'posted body'
}

@test "PUT of a missing local file is refused before anything is sent" {
	run "$WC" -q 127.0.0.1 "$SD_PORT" PUT /upload/absent.txt
	assert_failure 2
	assert_output --partial 'absent.txt: No such file or directory'
}

# --- command files, pipelining -----------------------------------------------

@test "a command file of 200 pipelined requests is answered in order on one connection" {
	for i in $(seq 200); do
		echo "GET /dir/f$i.txt 127.0.0.1 $SD_PORT"
	done > cmds
	before=$(wc -l < "$T/sd/stats.jsonl")
	run "$WC" --no-cache -p 32 -f cmds -o got --log log
	assert_success
	assert_output --partial 'requests     200'
	assert_output --partial 'status 200   200'
	for i in $(seq 200); do
		[ "$(cat "got/dir/f$i.txt")" = "file number $i" ]
	done
	# The log lists them in the order of the command file.
	awk '{ print $3 }' log | sed 's|.*/f||; s|\.txt||' > order
	seq 200 | cmp - order
	# stdhttpd saw all 200 on a single connection.
	n=$(tail -n +"$((before + 1))" "$T/sd/stats.jsonl" |
	    jq -r 'select(.event == "request") | .conn' | sort -u | wc -l)
	[ "$n" -eq 1 ]
}

@test "comments and blank lines are skipped; malformed lines are reported by number and skipped" {
	cat > cmds <<-EOF
	# a comment

	GET /hello.txt 127.0.0.1 $SD_PORT
	FETCH /hello.txt 127.0.0.1 $SD_PORT
	GET hello.txt 127.0.0.1 $SD_PORT
	GET /dir/file.txt 127.0.0.1 $SD_PORT extra
	GET /dir/file.txt
	GET /dir/file.txt 127.0.0.1 $SD_PORT
	EOF
	run "$WC" --no-cache -f cmds -o got
	assert_failure 2
	assert_line 'webclient: cmds:4: unknown method: expected GET, HEAD, POST, PUT or DELETE'
	assert_line --partial 'cmds:5: bad path'
	assert_line --partial 'cmds:6: too many fields'
	assert_line --partial 'cmds:7: missing fields'
	assert_output --partial 'requests     2'
	cmp got/hello.txt "$T/sd/www/hello.txt"
	cmp got/dir/file.txt "$T/sd/www/dir/file.txt"
}

@test "-p 1 sends the next request only after the previous answer" {
	for i in 1 2 3; do echo "GET /dir/f$i.txt 127.0.0.1 $SD_PORT"; done > cmds
	run "$WC" --no-cache -p 1 -f cmds -o got
	assert_success
	assert_output --partial 'status 200   3'
}

@test "a command file with PUT, GET and DELETE round-trips a file" {
	printf 'round trip\n' > rt.txt
	cat > cmds <<-EOF
	PUT /upload/rt.txt 127.0.0.1 $SD_PORT
	GET /upload/rt.txt 127.0.0.1 $SD_PORT
	DELETE /upload/rt.txt 127.0.0.1 $SD_PORT
	GET /upload/rt.txt 127.0.0.1 $SD_PORT
	EOF
	run "$WC" --no-cache -f cmds -o got
	assert_failure 1
	assert_line --index 0 --regexp '^20[01] PUT '
	assert_line --index 1 --regexp '^200 GET '
	assert_line --index 2 --regexp '^20[04] DELETE '
	assert_line --index 3 --regexp '^404 GET '
	cmp rt.txt got/upload/rt.txt
}

# --- the cache ---------------------------------------------------------------

@test "a repeated GET is answered 304 and served from the cache" {
	"$WC" -q 127.0.0.1 "$SD_PORT" /hello.txt > first
	"$WC" -v 127.0.0.1 "$SD_PORT" /hello.txt > second 2> err
	cmp first second
	grep -q '^> If-None-Match: ' err
	grep -q '^< HTTP/1.1 304' err
	echo "GET /hello.txt 127.0.0.1 $SD_PORT" > cmds
	run "$WC" -f cmds -o got
	assert_success
	assert_output --partial '(cache hit)'
	assert_output --partial 'cache hits   1'
	cmp got/hello.txt "$T/sd/www/hello.txt"
}

@test "-C DIR puts the cache there and --no-cache neither reads nor fills it" {
	"$WC" -q -C mycache 127.0.0.1 "$SD_PORT" /hello.txt > /dev/null
	[ "$(ls mycache | wc -l)" -eq 1 ]
	"$WC" -v --no-cache 127.0.0.1 "$SD_PORT" /dir/file.txt > /dev/null 2> err
	run grep -c 'If-None-Match' err
	assert_output 0
	[ ! -e cache ]
}

@test "a corrupt cache entry is discarded and fetched again, not served" {
	"$WC" -q 127.0.0.1 "$SD_PORT" /hello.txt > /dev/null
	entry=$(ls cache/webclient/*)
	sed -i 's/hello from/HACKED from/' "$entry"
	"$WC" -v 127.0.0.1 "$SD_PORT" /hello.txt > out 2> err
	[ "$(cat out)" = "hello from stdhttpd" ]
	run grep -c 'If-None-Match' err
	assert_output 0
	grep -q '^< HTTP/1.1 200' err
}

@test "the testsite workload runs 100 fetches then 100 cache hits" {
	sed "s/ 8080\$/ $SD_PORT/" "$BATS_TEST_DIRNAME/testsite.cmd" > cmds
	run "$WC" -f cmds -o got
	assert_success
	assert_output --partial 'requests     200'
	assert_output --partial 'status 200   100'
	assert_output --partial 'status 304   100'
	assert_output --partial 'cache hits   100'
	diff -r got/testsite "$T/sd/www/testsite"
}

@test "--log appends one line per request with time, method, URL, status, bytes, ms and cache" {
	"$WC" -q --log log 127.0.0.1 "$SD_PORT" /hello.txt > /dev/null
	"$WC" -q --log log 127.0.0.1 "$SD_PORT" /hello.txt > /dev/null
	run cat log
	assert_line --index 0 --regexp "^20[0-9-]+T[0-9:.]+Z GET http://127.0.0.1:$SD_PORT/hello.txt 200 20 [0-9.]+ miss\$"
	assert_line --index 1 --regexp " 304 20 [0-9.]+ hit\$"
}

# --- network errors ----------------------------------------------------------

@test "connection refused is one clear line and exit 3" {
	port=$(free_port)
	run "$WC" -q 127.0.0.1 "$port" /x
	assert_failure 3
	assert_output "webclient: 127.0.0.1:$port: connection refused"
}

@test "an unknown host is one clear line and exit 3" {
	run timeout 30 "$WC" -q no-such-host.invalid 80 /x
	assert_failure 3
	assert_output 'webclient: no-such-host.invalid: host not found'
}

@test "a server that never answers times out after -t seconds with exit 3" {
	port=$(free_port)
	# A listener that accepts and reads but never answers.
	timeout 10 nc -d -l 127.0.0.1 "$port" > /dev/null 3>&- &
	NC_PID=$!
	wait_listen "$port"
	SECONDS=0
	run "$WC" -q -t 1 127.0.0.1 "$port" /x
	assert_failure 3
	assert_output "webclient: 127.0.0.1:$port: timed out after 1 s"
	[ "$SECONDS" -lt 5 ]
}

@test "a server that closes mid-pipeline gets the unanswered GETs again on a new connection" {
	wc_start_script "$W" 3
	for i in $(seq 10); do echo "GET /r$i 127.0.0.1 $SC_PORT"; done > cmds
	run "$WC" --no-cache -p 8 -f cmds -o got
	assert_success
	assert_output --partial 'status 200   10'
	assert_output --partial '(retried)'
	for i in $(seq 10); do
		[ "$(cat "got/r$i")" = "answer to /r$i" ]
	done
	# Three answered on the first connection, the rest on the second.
	run cat requests
	assert_output "$(printf '1 /r%d\n' 1 2 3; printf '2 /r%d\n' 4 5 6 7 8 9 10)"
}

@test "a POST left unanswered by a closing server is not retried" {
	wc_start_script "$W" 0
	printf 'once\n' > once.txt
	run "$WC" -q -d once.txt 127.0.0.1 "$SC_PORT" POST /upload/
	assert_failure 3
	assert_output --partial 'POST not retried'
	run cat requests
	assert_output '1 /upload/'
}

@test "an unanswered GET is retried once, then reported" {
	wc_start_script "$W" 0
	# Later connections answer; this server's first one never does.
	run "$WC" --no-cache -q 127.0.0.1 "$SC_PORT" /again
	assert_success
	assert_output 'answer to /again'
	run cat requests
	assert_output $'1 /again\n2 /again'
}

@test "a body delimited by the server's close is read to the end" {
	port=$(free_port)
	printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close\n' > resp
	# -N: nc closes its side once the response is sent.
	wc_capture "$port" cap resp -N
	run timeout 10 "$WC" -q -t 5 127.0.0.1 "$port" /x
	assert_success
	assert_output 'until close'
}

@test "folded header lines are joined before they are read" {
	port=$(free_port)
	printf 'HTTP/1.1 200 OK\r\nX-Note: a\r\n b\r\nContent-Length:\r\n\t5\r\n\r\nhello' > resp
	wc_capture "$port" cap resp -N
	run timeout 10 "$WC" --no-cache -q -t 5 127.0.0.1 "$port" /x
	assert_success
	assert_output 'hello'
}

@test "a body under a transfer coding other than chunked is refused, not stored coded" {
	port=$(free_port)
	printf 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n' > resp
	wc_capture "$port" cap resp -N
	run timeout 10 "$WC" --no-cache -t 5 -o got 127.0.0.1 "$port" /x.txt
	assert_failure 3
	assert_output --partial 'a transfer coding other than chunked'
	[ ! -e got/x.txt ]
}

# --- the exact bytes ---------------------------------------------------------

@test "a GET sends exactly these bytes" {
	port=$(free_port)
	printf 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' > resp
	wc_capture "$port" cap resp
	run "$WC" --no-cache -q 127.0.0.1 "$port" /a/b.html?q=1
	assert_success
	wait "$NC_PID" || true
	printf 'GET /a/b.html?q=1 HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUser-Agent: webclient/1.0\r\nAccept: */*\r\nConnection: close\r\n\r\n' "$port" > want
	cmp want cap
}

@test "a PUT sends exactly these bytes" {
	port=$(free_port)
	printf 'HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n' > resp
	printf 'twelve bytes' > up.bin
	wc_capture "$port" cap resp
	run "$WC" -q 127.0.0.1 "$port" PUT /upload/up.bin
	assert_success
	wait "$NC_PID" || true
	printf 'PUT /upload/up.bin HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUser-Agent: webclient/1.0\r\nAccept: */*\r\nContent-Length: 12\r\nConnection: close\r\n\r\ntwelve bytes' "$port" > want
	cmp want cap
}

@test "-1 sends HTTP/1.0 without a Connection header" {
	port=$(free_port)
	printf 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok' > resp
	wc_capture "$port" cap resp
	run "$WC" --no-cache -q -1 "http://127.0.0.1:$port/"
	assert_success
	wait "$NC_PID" || true
	printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nUser-Agent: webclient/1.0\r\nAccept: */*\r\n\r\n' "$port" > want
	cmp want cap
}

# --- nginx -------------------------------------------------------------------

@test "nginx: GET prints the body" {
	run "$WC" -q "http://127.0.0.1:$NG_PORT/hello.txt"
	assert_success
	assert_output 'hello from nginx'
}

@test "nginx: a chunked response is decoded" {
	"$WC" --no-cache -v "http://127.0.0.1:$NG_PORT/chunked/zebra.txt" > out 2> err
	grep -qi '^< Transfer-Encoding: chunked' err
	sed 's/zebra/ZEBRA/' "$T/ng/www/chunked/zebra.txt" | cmp - out
}

@test "nginx: PUT, GET and DELETE round-trip a file" {
	seq 5000 > big.txt
	run "$WC" -q 127.0.0.1 "$NG_PORT" PUT /upload/big.txt
	assert_success
	cmp big.txt "$T/ng/www/upload/big.txt"
	"$WC" -q --no-cache 127.0.0.1 "$NG_PORT" /upload/big.txt > back
	cmp big.txt back
	run "$WC" -q 127.0.0.1 "$NG_PORT" DELETE /upload/big.txt
	assert_success
	[ ! -e "$T/ng/www/upload/big.txt" ]
}

@test "nginx: 200 pipelined requests are answered in order and a repeat hits the cache" {
	for i in $(seq 200); do
		echo "GET /n$i.txt 127.0.0.1 $NG_PORT"
	done > cmds
	run "$WC" -f cmds -o got
	assert_success
	assert_output --partial 'status 200   200'
	for i in $(seq 200); do
		[ "$(cat "got/n$i.txt")" = "nginx file $i" ]
	done
	run "$WC" -f cmds -o got
	assert_success
	assert_output --partial 'cache hits   200'
}
