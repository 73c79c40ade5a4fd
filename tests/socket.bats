#!/usr/bin/env bats
# The handler under systemd-socket-activate --accept --inetd on loopback:
# one process per connection, the connection on fd 0/1.

load helper

setup_file() {
	make_site "$BATS_FILE_TMPDIR/www"
	export ROOT=$BATS_FILE_TMPDIR/www STATS=$BATS_FILE_TMPDIR/stats.jsonl
	cat >"$BATS_FILE_TMPDIR/fast.conf" <<-CONF
	header_timeout 1s
	idle_timeout 1s
	CONF
	export PORT=$(free_port)
	start_handler "$PORT" -c "$BATS_FILE_TMPDIR/fast.conf" -r "$ROOT" -s "$STATS"
	export HANDLER_PID
}

teardown_file() {
	stop_pid "$HANDLER_PID"
}

url() {
	echo "http://127.0.0.1:$PORT$1"
}

@test "curl gets a file through the activator" {
	run curl -sS --max-time 5 "$(url /hello.txt)"
	assert_success
	assert_output 'hello'
}

@test "curl reuses one kept-alive connection for several requests" {
	run curl -sS -v --max-time 5 "$(url /hello.txt)" "$(url /style.css)" "$(url /sub/)"
	assert_success
	assert_output --partial 'Re-using existing connection'
	[ "$(grep -c '^< HTTP/1.1 200 OK' <<<"$output")" -eq 3 ]
}

@test "ten pipelined requests in one segment are answered in order on one connection" {
	req=
	for i in $(seq 9); do
		req="${req}GET /hello.txt?n=$i HTTP/1.1\r\nHost: t\r\n\r\n"
	done
	req="${req}GET /style.css HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
	run bash -c "printf '$req' | timeout 5 nc -N -w 5 127.0.0.1 $PORT"
	[ "$(grep -c $'^HTTP/1.1 200 OK\r$' <<<"$output")" -eq 10 ]
	[ "$(grep -c '^hello$' <<<"$output")" -eq 9 ]
	# The last response is the stylesheet: the order held.
	assert_equal "$(tail -n 1 <<<"$output")" 'body { color: red }'
}

@test "a request sent one byte at a time over TCP is served" {
	req=$'GET /hello.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'
	run bash -c '
		exec 3<>/dev/tcp/127.0.0.1/$1
		for ((i = 0; i < ${#2}; i++)); do
			printf %s "${2:i:1}" >&3
			sleep 0.005
		done
		timeout 5 cat <&3' _ "$PORT" "$req"
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line 'hello'
}

@test "a request that stalls mid-head gets 408 and the connection closes" {
	run bash -c "(printf 'GET /hello.txt HTTP/1.1\r\nHost: t\r\n'; sleep 3) |
	    timeout 5 nc -w 5 127.0.0.1 $PORT"
	assert_line --index 0 $'HTTP/1.1 408 Request Timeout\r'
	assert_line $'Connection: close\r'
}

@test "an idle kept-alive connection is closed after the idle timeout" {
	# The socket stays open on the client's side; cat ends when the
	# server closes, long before its own timeout.
	start=$(date +%s%N)
	run bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1
		printf "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n" >&3
		timeout 6 cat <&3' _ "$PORT"
	elapsed_ms=$((($(date +%s%N) - start) / 1000000))
	assert_success
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	refute_line --partial '408'
	[ "$elapsed_ms" -lt 4000 ]
}

# start_idle DURATION: another handler, with idle_timeout DURATION; sets
# port and pid.
start_idle() {
	printf 'idle_timeout %s\n' "$1" >"$BATS_TEST_TMPDIR/idle.conf"
	port=$(free_port)
	start_handler "$port" -c "$BATS_TEST_TMPDIR/idle.conf" -r "$ROOT" \
	    -s "$BATS_TEST_TMPDIR/stats.jsonl"
	pid=$HANDLER_PID
}

@test "an idle timeout over a second still ends a kept-alive connection on time" {
	start_idle 2500ms
	start=$(date +%s%N)
	run bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1
		printf "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n" >&3
		timeout 8 cat <&3' _ "$port"
	elapsed_ms=$((($(date +%s%N) - start) / 1000000))
	stop_pid "$pid"
	assert_success
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	# Not at the first second, when the handler gives its buffers back.
	[ "$elapsed_ms" -ge 2400 ] && [ "$elapsed_ms" -lt 6000 ]
}

# busy_and_idle MEASURE: runs MEASURE PID on the handler of the connection
# on fd, now and after it has been idle for a second and a half; sets busy
# and idle.
busy_and_idle() {
	local handler
	handler=$(pgrep -P "$(pgrep -P "$pid")")
	busy=$("$1" "$handler")
	sleep 1.5
	idle=$("$1" "$handler")
	echo "$1: $busy busy, $idle idle" >&2
}

# last_request PATH: asks for PATH on fd with Connection: close, reads
# the response into output and stops the handler.
last_request() {
	printf 'GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' \
	    "$1" >&"$fd"
	run timeout 5 cat <&"$fd"
	exec {fd}>&-
	stop_pid "$pid"
}

# private_kib PID: the private memory of a process in KiB.
private_kib() {
	awk '/^Private_(Clean|Dirty):/ { k += $2 } END { print k }' \
	    "/proc/$1/smaps_rollup"
}

@test "a kept-alive connection idle for a second gives its buffers' pages back" {
	start_idle 20s
	exec {fd}<>"/dev/tcp/127.0.0.1/$port"
	# Twenty pipelined requests fill pages of the input, output and
	# stats buffers.
	for i in $(seq 20); do
		printf 'GET /hello.txt?n=%02d HTTP/1.1\r\nHost: t\r\n\r\n' "$i"
	done >&"$fd"
	for i in $(seq 20); do
		until IFS= read -r -t 5 line <&"$fd" && [ "$line" = 'hello' ]; do :; done
	done
	busy_and_idle private_kib
	# Back in use, the buffers serve as before.
	last_request /style.css
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line 'body { color: red }'
	[ $((busy - idle)) -ge 12 ]
}

# root_files PID: how many of the process's descriptors name a file of
# the document root.
root_files() {
	find "/proc/$1/fd" -lname "$ROOT/*" | wc -l
}

@test "a kept-alive connection idle for a second holds no file of the root open" {
	start_idle 20s
	exec {fd}<>"/dev/tcp/127.0.0.1/$port"
	printf 'GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n' >&"$fd"
	until IFS= read -r -t 5 line <&"$fd" && [ "$line" = 'hello' ]; do :; done
	busy_and_idle root_files
	# The file is opened again for the next request.
	last_request /hello.txt
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line 'hello'
	[ "$busy" -eq 1 ] && [ "$idle" -eq 0 ]
}

@test "a connection that never sends anything is closed by the header timeout" {
	start=$(date +%s%N)
	run bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1; timeout 6 cat <&3' _ "$PORT"
	elapsed_ms=$((($(date +%s%N) - start) / 1000000))
	assert_success
	assert_output ''
	[ "$elapsed_ms" -lt 4000 ]
}

@test "the client address is taken from the socket" {
	: >"$BATS_TEST_TMPDIR/empty"
	curl -sS --max-time 5 "$(url /hello.txt?addr)" >/dev/null
	run jq -r 'select(.target == "/hello.txt?addr") | .client' "$STATS"
	assert_output '127.0.0.1'
}

@test "a large file arrives whole by sendfile" {
	curl -sS --max-time 10 -o "$BATS_TEST_TMPDIR/big" "$(url /big.bin)"
	cmp "$BATS_TEST_TMPDIR/big" "$ROOT/big.bin"
}

@test "a range of a large file arrives whole" {
	run curl -sS --max-time 10 -r 50000-50099 -o "$BATS_TEST_TMPDIR/part" -w '%{http_code}' "$(url /big.bin)"
	assert_output 206
	cmp "$BATS_TEST_TMPDIR/part" <(tail -c +50001 "$ROOT/big.bin" | head -c 100)
}

@test "concurrent clients leave exactly one whole JSON line per request" {
	stats=$BATS_TEST_TMPDIR/conc.jsonl
	port=$(free_port)
	start_handler "$port" -r "$ROOT" -s "$stats"
	pid=$HANDLER_PID
	pids=()
	for c in $(seq 8); do
		(for i in $(seq 25); do echo "url = \"http://127.0.0.1:$port/hello.txt?c=$c&i=$i\""; echo "output = /dev/null"; done |
		    curl -sS --max-time 20 -K -) &
		pids+=($!)
	done
	# Not a bare wait: the activator is a child of this shell too.
	wait "${pids[@]}"
	# Each handler writes its close record after its client left.
	for i in $(seq 100); do
		[ "$(grep -c '"event":"close"' "$stats")" -ge 8 ] && break
		sleep 0.05
	done
	stop_pid "$pid"
	# jq -s fails on any torn or interleaved line.  Connections: the 8
	# clients' plus wait_port's probe, which sent nothing.
	run jq -e -s '
	    length == 200 + 2 * ([.[] | select(.event == "open")] | length) and
	    ([.[] | select(.event == "request" and .status == 200)] | length == 200) and
	    ([.[] | select(.event == "request") | .target] | unique | length == 200) and
	    ([.[] | select(.event == "open") | .conn] | sort) ==
	        ([.[] | select(.event == "close") | .conn] | sort) and
	    ([.[] | select(.event == "request") | .conn] | unique | length == 8)' "$stats"
	assert_success
}
