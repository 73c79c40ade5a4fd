#!/usr/bin/env bats
# Faults, with nothing lost: load on the shared stats file, a handler killed
# mid-response, a full or read-only stats disk, rotation under load, upload
# faults and a hostile admin client.  The handler runs under
# systemd-socket-activate and stdhttpd-admin beside it, as deployed; the
# clients count what they sent and the tests compare that with the stats
# file and with the admin's answers.
#
# Disk-full and read-only cases mount a small tmpfs, so the suite runs as
# root, as CI does.

load hardening_helper

setup() {
	DIR=$BATS_TEST_TMPDIR
	ROOT=$DIR/www
	STATS=$DIR/stats.jsonl
	MOUNTS=()
	make_site "$ROOT"
	fast_conf "$DIR/fast.conf" 'max_body 1M'
	: >"$BATS_FILE_TMPDIR/activate.log"
}

teardown() {
	local m
	exec 5>&- 6>&- 2>/dev/null || :
	stop_pid "${ADMIN_PID:-}"
	stop_pid "${HANDLER_PID:-}"
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" || :
	done
}

# serve ARGS...: the handler on a free port with the fast configuration;
# sets PORT and HANDLER_PID.
serve() {
	PORT=$(free_port)
	start_handler "$PORT" -c "$DIR/fast.conf" -r "$ROOT" "$@"
}

# tmpfs DIR SIZE: a small file system at DIR, unmounted in teardown.
tmpfs() {
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2,mode=0755" tmpfs "$1"
	MOUNTS+=("$1")
}

# fill DIR: takes every free block of the file system holding DIR.
fill() {
	dd if=/dev/zero of="$1/filler" bs=4096 2>/dev/null || :
	dd if=/dev/zero of="$1/filler2" bs=1 2>/dev/null || :
	! printf x >>"$1/filler2" 2>/dev/null
}

# curl_config FILE PORT N PREFIX: a curl -K file of N requests.
curl_config() {
	local i
	for i in $(seq "$3"); do
		printf 'url = "http://127.0.0.1:%s/hello.txt?%s-%d"\n' \
		    "$2" "$4" "$i"
		printf 'output = "/dev/null"\n'
	done >"$1"
}

# logged_once_per_connection N: the activator's log names exactly N
# connections, each in exactly one stats-file line.
logged_once_per_connection() {
	local log=$BATS_FILE_TMPDIR/activate.log
	run bash -c "grep 'stats file' '$log' | awk '{ print \$2 }' | sort |
	    uniq -c | awk '{ print \$1 }' | sort -u"
	[ "$output" = 1 ] || { echo "per connection: $output"; cat "$log"; false; }
	[ "$(grep 'stats file' "$log" | awk '{ print $2 }' | sort -u |
	    wc -l)" -eq "$1" ] || { cat "$log"; false; }
}

# page_of_records FILE: one connection's records, exactly one 4 KiB page of
# them, so that on a full file system not one more byte fits.
page_of_records() {
	local open close req pad
	open='{"ts":"2026-11-21T22:23:02.1Z","event":"open","pid":1,"conn":"1-p","client":"-"}'
	close='{"ts":"2026-11-21T22:23:02.2Z","event":"close","pid":1,"conn":"1-p","requests":1,"dur_us":9}'
	req='{"ts":"2026-11-21T22:23:02.1Z","event":"request","pid":1,"conn":"1-p","seq":1,"client":"-","method":"GET","target":"/%s","version":"HTTP/1.1","status":200,"bytes":5,"bytes_in":0,"type":"text/plain","dur_us":50}'
	pad=$((4096 - ${#open} - ${#close} - ${#req} + 2 - 3))
	{
		printf '%s\n' "$open"
		printf "$req\n" "$(head -c "$pad" /dev/zero | tr '\0' a)"
		printf '%s\n' "$close"
	} >"$1"
	[ "$(stat -c %s "$1")" -eq 4096 ]
}

# ---- concurrency ------------------------------------------------------------

@test "64 kept-alive clients x 2,000 requests and 2,000 short connections lose no record" {
	clients=${STDHTTPD_LOAD_CLIENTS:-64} each=${STDHTTPD_LOAD_REQUESTS:-2000}
	short=${STDHTTPD_LOAD_SHORT:-2000}
	serve -s "$STATS"
	start_admin "$STATS"
	for c in $(seq "$clients"); do
		curl_config "$DIR/k$c.cfg" "$PORT" "$each" "k$c"
	done
	curl_config "$DIR/short.cfg" "$PORT" "$short" s
	pids=()
	for c in $(seq "$clients"); do
		curl -sS --max-time 150 -K "$DIR/k$c.cfg" \
		    -w '%{http_code} %{num_connects}\n' >"$DIR/k$c.out" 2>&1 &
		pids+=($!)
	done
	curl -sS --max-time 150 -H 'Connection: close' -K "$DIR/short.cfg" \
	    -w '%{http_code} %{num_connects}\n' >"$DIR/short.out" 2>&1 &
	pids+=($!)
	wait "${pids[@]}"
	total=$((clients * each + short))
	# Client side: every request answered 200; the connections made.
	[ "$(cat "$DIR"/k*.out "$DIR/short.out" | grep -c '^200 ')" -eq "$total" ]
	conns=$(cat "$DIR"/k*.out "$DIR/short.out" | awk '{ n += $2 } END { print n }')
	[ "$(awk '{ n += $2 } END { print n }' "$DIR/short.out")" -eq "$short" ]
	until_handlers_gone "$HANDLER_PID"
	stats_valid "$STATS"
	# One record per request, one open/close pair per connection (the
	# readiness probe's connection served no request).
	run jq -e -n --argjson total "$total" --argjson conns "$conns" '
	    [inputs] as $r |
	    ($r | map(select(.event == "request"))) as $req |
	    ($r | map(select(.event == "close" and .requests > 0))) as $cl |
	    ($req | length) == $total and
	    ($req | map(.target) | unique | length) == $total and
	    ($req | all(.status == 200)) and
	    ($cl | length) == $conns and
	    ($cl | map(.requests) | add) == $total and
	    ($r | map(select(.event == "open") | .conn) | sort) ==
	        ($r | map(select(.event == "close") | .conn) | sort) and
	    ($req | group_by(.conn) | map(length)) ==
	        ($req | group_by(.conn) | map(.[0].conn) | map(. as $c |
	            $cl | map(select(.conn == $c)) | .[0].requests))' "$STATS"
	assert_success
	until_answer 'request stats' "$(printf '%s\n' "GET: $total" "total: $total" END)"
	until_answer 'number of connected clients' \
	    "$(printf '%s\n' 'connected_clients: 0' END)"
}

# ---- a handler killed mid-response -------------------------------------------

@test "a handler killed with SIGKILL mid-response hurts no other client, the file or the counts" {
	head -c 50000000 /dev/zero >"$ROOT/huge.bin"
	# A stalled write fails after the idle timeout: make it long enough
	# for the kill to find the handler blocked.
	fast_conf "$DIR/fast.conf" 'idle_timeout 30s'
	serve -s "$STATS"
	start_admin "$STATS"
	# A client that asks for 50 MB and never reads: its handler blocks
	# in the middle of its first response, and is counted meanwhile.
	exec 5<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /huge.bin HTTP/1.1\r\nHost: a\r\n\r\n' >&5
	until_answer 'number of connected clients' \
	    "$(printf '%s\n' 'connected_clients: 1' END)"
	victim=$(handlers "$HANDLER_PID")
	[ "$(echo "$victim" | wc -w)" -eq 1 ]
	curl_config "$DIR/others.cfg" "$PORT" 200 o
	pids=()
	for c in 1 2 3 4; do
		curl -sS --max-time 30 -K "$DIR/others.cfg" -w '%{http_code}\n' \
		    >"$DIR/o$c.out" 2>&1 &
		pids+=($!)
	done
	sleep 0.2
	grep -q "^State:.*(sleeping)" "/proc/$victim/status"
	kill -9 "$victim"
	wait "${pids[@]}"
	exec 5>&-
	[ "$(cat "$DIR"/o*.out | grep -c '^200$')" -eq 800 ]
	until_handlers_gone "$HANDLER_PID"
	stats_valid "$STATS"
	run grep -c "\"event\":\"close\",\"pid\":$victim," "$STATS"
	assert_output 0
	until_answer 'number of connected clients' \
	    "$(printf '%s\n' 'connected_clients: 0' END)"
	# The killed request never got its record: only the others count.
	until_answer 'request stats' "$(printf '%s\n' 'GET: 800' 'total: 800' END)"
}

# ---- the stats disk ------------------------------------------------------------

@test "with the stats disk full pages are served, each connection logs once, the admin answers" {
	tmpfs "$DIR/st" 64k
	STATS=$DIR/st/stats.jsonl
	page_of_records "$STATS"
	fill "$DIR/st"
	serve -s "$STATS"
	start_admin "$STATS"
	until_answer 'request stats' "$(printf '%s\n' 'GET: 1' 'total: 1' END)"
	: >"$BATS_FILE_TMPDIR/activate.log"
	curl_config "$DIR/three.cfg" "$PORT" 3 full
	for c in 1 2 3; do
		run curl -sS --max-time 5 -K "$DIR/three.cfg" -w '%{http_code}\n'
		assert_output "$(printf '200\n200\n200')"
	done
	until_handlers_gone "$HANDLER_PID"
	logged_once_per_connection 3
	stats_valid "$STATS"
	run ask health 'request stats'
	assert_output "$(printf '%s\n' 'health: up' END 'GET: 1' 'total: 1' END)"
}

@test "a burst that only partly fits on a full disk is cut back to whole records" {
	tmpfs "$DIR/st" 64k
	STATS=$DIR/st/stats.jsonl
	serve -s "$STATS"
	curl -sS -o /dev/null --max-time 5 "http://127.0.0.1:$PORT/hello.txt"
	until_handlers_gone "$HANDLER_PID"
	# The records share their page with free space; the rest is full, so
	# a burst of 30 records is written only in part.
	fill "$DIR/st"
	before=$(wc -l <"$STATS")
	run bash -c "for i in \$(seq 30); do printf 'GET /hello.txt?%d HTTP/1.1\r\nHost: a\r\n\r\n' \$i; done |
	    timeout 5 nc -N -w 5 127.0.0.1 $PORT | grep -a -c '^HTTP/1.1 200 '"
	assert_output 30
	until_handlers_gone "$HANDLER_PID"
	stats_valid "$STATS"
	[ "$(wc -l <"$STATS")" -ge "$before" ]
	logged_once_per_connection 1
}

@test "with the stats file unwritable pages are served, each connection logs once, the admin answers" {
	tmpfs "$DIR/st" 64k
	STATS=$DIR/st/stats.jsonl
	serve -s "$STATS"
	start_admin "$STATS"
	curl -sS -o /dev/null --max-time 5 "http://127.0.0.1:$PORT/hello.txt"
	until_answer 'request stats' "$(printf '%s\n' 'GET: 1' 'total: 1' END)"
	until_handlers_gone "$HANDLER_PID"
	# Read-only even for root: open(2) fails with EROFS.
	mount -o remount,ro "$DIR/st"
	: >"$BATS_FILE_TMPDIR/activate.log"
	curl_config "$DIR/three.cfg" "$PORT" 3 ro
	for c in 1 2; do
		run curl -sS --max-time 5 -K "$DIR/three.cfg" -w '%{http_code}\n'
		assert_output "$(printf '200\n200\n200')"
	done
	until_handlers_gone "$HANDLER_PID"
	logged_once_per_connection 2
	run ask health 'request stats'
	assert_output "$(printf '%s\n' 'health: up' END 'GET: 1' 'total: 1' END)"
}

# ---- rotation under load ---------------------------------------------------------

@test "rotation under load by 16 clients loses no record and no count" {
	clients=16 each=1000
	# Connections end every 50 requests, so new handlers open the new
	# file while older ones still write to the renamed one.
	fast_conf "$DIR/fast.conf" 'max_requests 50'
	serve -s "$STATS"
	start_admin "$STATS"
	pids=()
	for c in $(seq "$clients"); do
		curl_config "$DIR/r$c.cfg" "$PORT" "$each" "r$c"
	done
	for c in $(seq "$clients"); do
		curl -sS --max-time 60 -K "$DIR/r$c.cfg" -w '%{http_code}\n' \
		    >"$DIR/r$c.out" 2>&1 &
		pids+=($!)
	done
	# Rotate twice while they run, as logrotate does: rename, and the
	# next handler to open the path creates a new file.
	until_lines "$STATS" '"event":"request"' 2000
	mv "$STATS" "$STATS.1"
	until_lines "$STATS" '"event":"request"' 2000
	mv "$STATS.1" "$STATS.2"
	mv "$STATS" "$STATS.1"
	wait "${pids[@]}"
	total=$((clients * each))
	[ "$(cat "$DIR"/r*.out | grep -c '^200$')" -eq "$total" ]
	until_handlers_gone "$HANDLER_PID"
	for f in "$STATS.2" "$STATS.1" "$STATS"; do
		[ ! -e "$f" ] || stats_valid "$f"
	done
	[ "$(cat "$STATS.2" "$STATS.1" "$STATS" 2>/dev/null |
	    grep -c '"event":"request"')" -eq "$total" ]
	until_answer 'request stats' "$(printf '%s\n' "GET: $total" "total: $total" END)"
	until_answer 'number of connected clients' \
	    "$(printf '%s\n' 'connected_clients: 0' END)"
}

# ---- upload faults ----------------------------------------------------------------

# only_files DIR NAME...: DIR holds exactly these files, no temporary one.
only_files() {
	local dir=$1
	shift
	run bash -c "cd '$dir' && find . -mindepth 1 | sed 's|^\./||' | sort"
	assert_output "$(printf '%s\n' "$@" | sed '/^$/d' | sort)"
}

@test "a client that leaves mid-PUT leaves the old file whole and no temporary file" {
	serve -s "$STATS" -w /upload/
	printf 'old\n' >"$ROOT/upload/keep.txt"
	for n in 1 1000 70000; do
		{ printf 'PUT /upload/keep.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n'
		  head -c "$n" /dev/zero; } | timeout 5 nc -N -w 1 127.0.0.1 "$PORT" || :
		{ printf 'PUT /upload/new.txt HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n186a0\r\n'
		  head -c "$n" /dev/zero; } | timeout 5 nc -N -w 1 127.0.0.1 "$PORT" || :
	done
	until_handlers_gone "$HANDLER_PID"
	[ "$(cat "$ROOT/upload/keep.txt")" = old ]
	only_files "$ROOT/upload" keep.txt
}

@test "a full disk during PUT is 507, the old file stays whole, no temporary file" {
	tmpfs "$ROOT/upload" 64k
	printf 'old\n' >"$ROOT/upload/keep.txt"
	serve -s "$STATS" -w /upload/
	head -c 200000 /dev/urandom >"$DIR/big"
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -T "$DIR/big" \
	    "http://127.0.0.1:$PORT/upload/keep.txt"
	assert_output 507
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -T "$DIR/big" \
	    "http://127.0.0.1:$PORT/upload/new.txt"
	assert_output 507
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' \
	    -H 'Transfer-Encoding: chunked' -T "$DIR/big" \
	    "http://127.0.0.1:$PORT/upload/chunked.txt"
	assert_output 507
	until_handlers_gone "$HANDLER_PID"
	[ "$(cat "$ROOT/upload/keep.txt")" = old ]
	only_files "$ROOT/upload" keep.txt
	# The space came back: a small PUT still works.
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' \
	    --data-binary @"$ROOT/hello.txt" -X PUT \
	    "http://127.0.0.1:$PORT/upload/keep.txt"
	assert_output 204
	cmp "$ROOT/upload/keep.txt" "$ROOT/hello.txt"
}

@test "a PUT that finds the disk full is logged as 507 with the reason" {
	tmpfs "$ROOT/upload" 64k
	serve -s "$STATS" -w /upload/
	head -c 200000 /dev/urandom >"$DIR/big"
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -T "$DIR/big" \
	    "http://127.0.0.1:$PORT/upload/new.txt"
	assert_output 507
	until_handlers_gone "$HANDLER_PID"
	run grep -c ': request 1: 507 Insufficient Storage: No space left on device$' \
	    "$BATS_FILE_TMPDIR/activate.log"
	assert_output 1
}

@test "a PUT onto a read-only file system is 500 and the log says why" {
	tmpfs "$ROOT/upload" 64k
	mount -o remount,ro "$ROOT/upload"
	serve -s "$STATS" -w /upload/
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' \
	    --data-binary @"$ROOT/hello.txt" -X PUT \
	    "http://127.0.0.1:$PORT/upload/new.txt"
	assert_output 500
	until_handlers_gone "$HANDLER_PID"
	run grep -c ': request 1: 500 Internal Server Error: Read-only file system$' \
	    "$BATS_FILE_TMPDIR/activate.log"
	assert_output 1
}

@test "a file that shrinks while it is sent ends the connection, and the log says so" {
	local pid rc=0
	head -c 20000000 /dev/zero >"$ROOT/shrinks.bin"
	serve -s "$STATS"
	curl -sS --max-time 20 --limit-rate 1M -o /dev/null \
	    "http://127.0.0.1:$PORT/shrinks.bin" 2>/dev/null &
	pid=$!
	sleep 1
	: >"$ROOT/shrinks.bin"
	wait "$pid" || rc=$?
	# curl: "transfer closed with outstanding read data remaining".
	assert_equal "$rc" 18
	until_handlers_gone "$HANDLER_PID"
	run grep -cE ': request 1: the file ended [0-9]+ bytes short of its size$' \
	    "$BATS_FILE_TMPDIR/activate.log"
	assert_output 1
}

# eio_shim: builds $DIR/eio.so, which makes every read of a file's
# contents fail, as on a failing disk.
eio_shim() {
	cat >"$DIR/eio.c" <<-'EOF'
	#include <errno.h>
	#include <sys/types.h>
	ssize_t pread(int fd, void *buf, size_t n, off_t off)
	{
		(void)fd; (void)buf; (void)n; (void)off;
		errno = EIO;
		return -1;
	}
	ssize_t sendfile(int out, int in, off_t *off, size_t n)
	{
		(void)out; (void)in; (void)off; (void)n;
		errno = EIO;
		return -1;
	}
	EOF
	cc -shared -fPIC -o "$DIR/eio.so" "$DIR/eio.c"
}

# get_twice_eio FILE: asks for FILE twice on one connection, every read
# failing; the answers go to $DIR/out, the log to $DIR/err.
get_twice_eio() {
	printf 'GET /%s HTTP/1.1\r\nHost: t\r\n\r\nGET /%s HTTP/1.1\r\nHost: t\r\n\r\n' "$1" "$1" |
	    LD_PRELOAD=$DIR/eio.so timeout 10 "$STDHTTPD" -r "$ROOT" \
	    -s "$STATS" >"$DIR/out" 2>"$DIR/err"
}

@test "a small file that cannot be read is a 500 in place of its 200, and the log says so" {
	[ -z "${STDHTTPD_BUILD:-}" ] ||
	    skip "the sanitizers' runtime must come before any preloaded library"
	eio_shim
	# hello.txt is copied into the response: nothing has left yet.
	get_twice_eio hello.txt
	run grep -a '^HTTP/1.1 ' "$DIR/out"
	assert_output $'HTTP/1.1 500 Internal Server Error\r\nHTTP/1.1 500 Internal Server Error\r'
	run grep -c ': request [12]: reading the file: Input/output error$' "$DIR/err"
	assert_output 2
	run jq -r 'select(.event == "request") | .status' "$STATS"
	assert_output $'500\n500'
}

@test "a large file that cannot be read ends the connection, and the log says so" {
	[ -z "${STDHTTPD_BUILD:-}" ] ||
	    skip "the sanitizers' runtime must come before any preloaded library"
	eio_shim
	# big.bin goes by sendfile, behind its head, which has left.
	get_twice_eio big.bin
	# The second request is not answered: the connection closed.
	run grep -a '^HTTP/1.1 ' "$DIR/out"
	assert_output $'HTTP/1.1 200 OK\r'
	run grep -c ': request 1: reading the file: Input/output error$' "$DIR/err"
	assert_output 1
}

@test "two PUTs to one name at once leave one of them whole, never a mix" {
	serve -s "$STATS" -w /upload/
	head -c 60000 /dev/zero | tr '\0' A >"$DIR/a"
	head -c 60000 /dev/zero | tr '\0' B >"$DIR/b"
	# Both heads and half of both bodies, then the rest of B, then of A.
	exec 5<>"/dev/tcp/127.0.0.1/$PORT" 6<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'PUT /upload/same HTTP/1.1\r\nHost: a\r\nContent-Length: 60000\r\nConnection: close\r\n\r\n' >&5
	printf 'PUT /upload/same HTTP/1.1\r\nHost: a\r\nContent-Length: 60000\r\nConnection: close\r\n\r\n' >&6
	head -c 30000 "$DIR/a" >&5
	head -c 30000 "$DIR/b" >&6
	sleep 0.2
	tail -c 30000 "$DIR/b" >&6
	IFS= read -r -t 5 line6 <&6
	tail -c 30000 "$DIR/a" >&5
	IFS= read -r -t 5 line5 <&5
	[ "$line6" = $'HTTP/1.1 201 Created\r' ] ||
	    [ "$line6" = $'HTTP/1.1 204 No Content\r' ]
	[ "$line5" = $'HTTP/1.1 201 Created\r' ] ||
	    [ "$line5" = $'HTTP/1.1 204 No Content\r' ]
	cmp "$ROOT/upload/same" "$DIR/a"
	only_files "$ROOT/upload" same
}

@test "concurrent PUTs and GETs of one name only ever see a whole file" {
	serve -s "$STATS" -w /upload/
	for ch in A B C D E F G H; do
		head -c 40000 /dev/zero | tr '\0' "$ch" >"$DIR/$ch"
	done
	cp "$DIR/A" "$ROOT/upload/same"
	pids=()
	for ch in A B C D E F G H; do
		for i in $(seq 10); do
			curl -sS --max-time 10 -o /dev/null -w '%{http_code}\n' \
			    -T "$DIR/$ch" "http://127.0.0.1:$PORT/upload/same"
		done >"$DIR/put$ch.out" 2>&1 &
		pids+=($!)
	done
	for r in 1 2 3 4; do
		for i in $(seq 20); do
			curl -sS --max-time 10 "http://127.0.0.1:$PORT/upload/same" |
			    fold -w 10000 | sort -u | tr -d '\n'
			echo
		done >"$DIR/get$r.out" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	[ "$(cat "$DIR"/put*.out | grep -c '^204$')" -eq 80 ]
	# Each GET saw 40000 bytes of one letter: four identical lines of it.
	run bash -c "cat '$DIR'/get*.out | sort -u | awk '{ print length(\$0) }' | sort -u"
	assert_output 10000
	only_files "$ROOT/upload" same
}

@test "a file replaced while a kept-alive connection is open is served anew on it" {
	serve -s "$STATS" -w /upload/
	printf 'first\n' >"$ROOT/upload/f.txt"
	printf 'moved\n' >"$DIR/moved.txt"
	exec 5<>"/dev/tcp/127.0.0.1/$PORT"
	get5() {
		printf 'GET /upload/f.txt HTTP/1.1\r\nHost: a\r\n\r\n' >&5
		local line len=0
		while IFS= read -r -t 5 line <&5 && [ "$line" != $'\r' ]; do
			case $line in
			Content-Length:*) len=${line#*: }; len=${len%$'\r'} ;;
			esac
		done
		head -c "$len" <&5
	}
	assert_equal "$(get5)" first
	# Replaced by a PUT on another connection.
	run curl -sS --max-time 5 -o /dev/null -w '%{http_code}' \
	    --data-binary 'second, longer' -X PUT \
	    "http://127.0.0.1:$PORT/upload/f.txt"
	assert_output 204
	assert_equal "$(get5)" 'second, longer'
	# Renamed over, as a deploy does, with a shorter file.
	mv "$DIR/moved.txt" "$ROOT/upload/f.txt"
	assert_equal "$(get5)" moved
	# Rewritten in place, same length, a clock tick later (file times
	# advance in ticks of up to 10 ms).
	sleep 0.02
	printf 'MOVED\n' >"$ROOT/upload/f.txt"
	assert_equal "$(get5)" MOVED
	rm "$ROOT/upload/f.txt"
	printf 'GET /upload/f.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' >&5
	IFS= read -r -t 5 line <&5
	assert_equal "$line" $'HTTP/1.1 404 Not Found\r'
}

# ---- a hostile admin client ---------------------------------------------------------

@test "the admin answers 100 clients while others send junk, a 1 MiB line and never read" {
	serve -s "$STATS"
	start_admin "$STATS"
	curl -sS -o /dev/null --max-time 5 "http://127.0.0.1:$PORT/hello.txt"
	until_answer 'request stats' "$(printf '%s\n' 'GET: 1' 'total: 1' END)"
	exec 5<>"/dev/tcp/127.0.0.1/$ADMIN_PORT"
	( for i in $(seq 50000); do printf 'request stats\r\n'; done >&5 ) 2>/dev/null &
	reader_less=$!
	head -c 1048576 /dev/zero | tr '\0' x |
	    timeout 10 nc -N -w 10 127.0.0.1 "$ADMIN_PORT" >"$DIR/long.out" 2>&1 &
	long=$!
	head -c 100000 /dev/urandom |
	    timeout 10 nc -N -w 10 127.0.0.1 "$ADMIN_PORT" >/dev/null 2>&1 &
	ask_many 100 "$(printf '%s\n' 'GET: 1' 'total: 1' END 'health: up' END)" \
	    'request stats' health
	wait "$long" || :
	grep -a -q '^ERROR' "$DIR/long.out"
	kill "$reader_less" 2>/dev/null || :
	run ask health
	assert_output "$(printf '%s\n' 'health: up' END)"
}
