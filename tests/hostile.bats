#!/usr/bin/env bats
# Hostile clients against the handler under systemd-socket-activate: clients
# that stall, oversized requests, request smuggling forms, path tricks and
# log injection.  Each test would fail if the protection it names were
# removed: a stalled client pinning a handler, a second interpretation of
# one byte stream, a file served from outside the root, a torn stats line.

load hardening_helper

setup() {
	DIR=$BATS_TEST_TMPDIR
	ROOT=$DIR/www
	STATS=$DIR/stats.jsonl
	make_site "$ROOT"
	printf 'TOPSECRET\n' >"$DIR/outside.txt"
	printf 'SMUGGLED\n' >"$ROOT/smuggled.txt"
	fast_conf "$DIR/fast.conf" 'max_body 4K'
	PORT=$(free_port)
	start_handler "$PORT" -c "$DIR/fast.conf" -r "$ROOT" -s "$STATS" \
	    -w /upload/
}

teardown() {
	local fd
	for fd in "${STALLED[@]}"; do
		exec {fd}>&-
	done
	STALLED=()
	stop_pid "${HANDLER_PID:-}"
	[ -z "${X:-}" ] || rm -rf "$X"
}

# send BYTES: the bytes, with printf %b's backslash escapes (\r, \n, \0,
# \001), to the server in one write; prints what it answers until it closes.
send() {
	printf '%b' "$1" | raw "$PORT"
}

# requests_logged N: waits until the stats file holds N request records,
# then checks that it is whole JSON Lines.
requests_logged() {
	until_lines "$STATS" '"event":"request"' "$1"
	stats_valid "$STATS"
	[ "$(grep -c '"event":"request"' "$STATS")" -eq "$1" ]
}

# ---- slow clients ----------------------------------------------------------

@test "200 stalled clients do not stop a new client from being served within 1 s" {
	stop_pid "$HANDLER_PID"
	fast_conf "$DIR/slow.conf" 'header_timeout 2s' 'body_timeout 2s'
	PORT=$(free_port)
	start_handler "$PORT" -c "$DIR/slow.conf" -r "$ROOT" -s "$STATS" \
	    -w /upload/
	STALLED=()
	# 150 stop inside the head, 50 inside a PUT body.
	for i in $(seq 200); do
		exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
		STALLED+=("$fd")
		if [ "$i" -le 150 ]; then
			printf 'GET /hello.txt HTTP/1.1\r\nHost: a\r\nUser-Ag' >&"$fd"
		else
			printf 'PUT /upload/s%d HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc' "$i" >&"$fd"
		fi
	done
	started=$SECONDS
	for i in $(seq 50); do
		[ "$(handlers "$HANDLER_PID" | wc -l)" -ge 200 ] && break
		sleep 0.1
	done
	[ "$(handlers "$HANDLER_PID" | wc -l)" -ge 200 ]
	run curl -sS --max-time 1 -o /dev/null -w '%{http_code}' \
	    "http://127.0.0.1:$PORT/hello.txt"
	assert_output 200
	# Each stalled handler ends by its deadline: the 2 s timeout plus
	# at most 2 s spent draining the client after the 408.
	until_handlers_gone "$HANDLER_PID"
	[ $((SECONDS - started)) -le 6 ]
	for fd in "${STALLED[@]}"; do
		IFS= read -r -t 1 line <&"$fd" || line=
		[ "$line" = $'HTTP/1.1 408 Request Timeout\r' ] ||
		    { echo "fd $fd got: $line"; false; }
	done
	[ "$(grep -c '"status":408' "$STATS")" -eq 200 ]
	run find "$ROOT/upload" -type f
	assert_output ''
}

@test "a kept-alive client that sends nothing more is dropped after the idle timeout" {
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
	STALLED=("$fd")
	printf 'GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n' >&"$fd"
	IFS= read -r -t 2 line <&"$fd"
	[ "$line" = $'HTTP/1.1 200 OK\r' ]
	until_handlers_gone "$HANDLER_PID"
	until_lines "$STATS" '"event":"close"' 2
}

# ---- oversized everything --------------------------------------------------

@test "a request line over the limit is 414, closes, and the handler ends" {
	run bash -c "{ printf 'GET /'; head -c 100000 /dev/zero | tr '\0' a;
	    printf ' HTTP/1.1\r\nHost: a\r\n\r\nGET /smuggled.txt HTTP/1.1\r\nHost: a\r\n\r\n'; } |
	    timeout 5 nc -N -w 5 127.0.0.1 $PORT | grep -a '^HTTP/'"
	assert_output $'HTTP/1.1 414 URI Too Long\r'
	until_handlers_gone "$HANDLER_PID"
	requests_logged 1
}

@test "one header over the limit is 431 and closes" {
	run bash -c "{ printf 'GET /hello.txt HTTP/1.1\r\nHost: a\r\nX-Big: ';
	    head -c 100000 /dev/zero | tr '\0' a; printf '\r\n\r\n'; } |
	    timeout 5 nc -N -w 5 127.0.0.1 $PORT | grep -a '^HTTP/'"
	assert_output $'HTTP/1.1 431 Request Header Fields Too Large\r'
	requests_logged 1
}

@test "too many small headers are 431 and close" {
	run bash -c "{ printf 'GET /hello.txt HTTP/1.1\r\nHost: a\r\n';
	    for i in \$(seq 200); do printf 'X-%d: 1\r\n' \$i; done; printf '\r\n'; } |
	    timeout 5 nc -N -w 5 127.0.0.1 $PORT | grep -a '^HTTP/'"
	assert_output $'HTTP/1.1 431 Request Header Fields Too Large\r'
}

@test "a body over max_body is 413 and closes before the rest is read" {
	run bash -c "{ printf 'PUT /upload/big HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n';
	    head -c 100000 /dev/zero; printf 'GET /smuggled.txt HTTP/1.1\r\nHost: a\r\n\r\n'; } |
	    timeout 5 nc -N -w 5 127.0.0.1 $PORT | grep -a '^HTTP/'"
	assert_output $'HTTP/1.1 413 Content Too Large\r'
	[ ! -e "$ROOT/upload/big" ]
	requests_logged 1
}

@test "a chunk size of 2^64 is 400 and closes" {
	run send 'PUT /upload/c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\nabc\r\n0\r\n\r\nGET /smuggled.txt HTTP/1.1\r\nHost: a\r\n\r\n'
	assert_equal "$(status_of <<<"$output")" 400
	refute_output --partial SMUGGLED
	[ ! -e "$ROOT/upload/c" ]
}

@test "a chunked body growing past max_body is 413 however large its chunk size says" {
	run bash -c "{ printf 'PUT /upload/c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n';
	    head -c 100000 /dev/zero; } | timeout 5 nc -N -w 5 127.0.0.1 $PORT | grep -a '^HTTP/'"
	assert_output $'HTTP/1.1 413 Content Too Large\r'
	[ ! -e "$ROOT/upload/c" ]
}

@test "a Content-Length of 20 digits is 400 or 413, and closes" {
	run send 'PUT /upload/l HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\nGET /smuggled.txt HTTP/1.1\r\nHost: a\r\n\r\n'
	assert_equal "$(status_of <<<"$output")" 400
	run send 'PUT /upload/l HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551615\r\n\r\nGET /smuggled.txt HTTP/1.1\r\nHost: a\r\n\r\n'
	assert_equal "$(status_of <<<"$output")" 413
	refute_output --partial SMUGGLED
	[ ! -e "$ROOT/upload/l" ]
}

@test "oversized input does not grow the handler's memory" {
	base=$(printf 'GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n' |
	    max_rss_kb -r "$ROOT" -s "$STATS")
	[ "$base" -gt 0 ]
	for kind in line header headers chunks; do
		case $kind in
		line)	big() { printf 'GET /'; head -c 20000000 /dev/zero | tr '\0' a; } ;;
		header)	big() { printf 'GET / HTTP/1.1\r\nHost: a\r\nX: '; head -c 20000000 /dev/zero | tr '\0' a; } ;;
		headers) big() { printf 'GET / HTTP/1.1\r\nHost: a\r\n'; yes 'X: 1' | head -n 1000000; } ;;
		chunks)	big() { printf 'PUT /upload/m HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n'; yes '1;e=1' | head -n 1000000; } ;;
		esac
		rss=$(big | max_rss_kb -r "$ROOT" -s "$STATS" -w /upload/)
		echo "$kind: $rss KiB, baseline $base KiB"
		[ "$rss" -le $((base + 1024)) ]
	done
}

# ---- request smuggling -------------------------------------------------------

# smuggle FORMAT: sends a request whose framing is ambiguous, followed by
# GET /smuggled.txt.  The handler must refuse it with one 400 (or 501) and
# close: a second response would be a second interpretation.
smuggle() {
	run send "$1"'GET /smuggled.txt HTTP/1.1\r\nHost: a\r\n\r\n'
	statuses=$(status_of <<<"$output")
	case $statuses in
	400|501) ;;
	*) echo "got statuses: $statuses"; return 1 ;;
	esac
	refute_output --partial SMUGGLED
	assert_output --partial $'Connection: close\r'
}

@test "Content-Length with Transfer-Encoding is refused and closes" {
	smuggle 'POST /upload/p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'
	smuggle 'POST /upload/p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n'
}

@test "two different Content-Lengths, or a list of them, are refused" {
	smuggle 'POST /upload/p HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello'
	smuggle 'POST /upload/p HTTP/1.1\r\nHost: a\r\nContent-Length: 0, 5\r\n\r\nhello'
}

@test "a Content-Length that is not plain digits is refused" {
	for cl in '+5' '-5' '0x5' '5 5' '5.0' ''; do
		smuggle "POST /upload/p HTTP/1.1\r\nHost: a\r\nContent-Length: $cl\r\n\r\nhello"
	done
}

@test "Transfer-Encoding other than a final chunked is refused" {
	for te in 'gzip, chunked' 'chunked, gzip' 'chunked, chunked' \
	    'xchunked' 'identity' 'chunked;q=1' '"chunked"'; do
		smuggle "POST /upload/p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: $te\r\n\r\n0\r\n\r\n"
	done
	smuggle 'POST /upload/p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'
	smuggle 'POST /upload/p HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'
}

@test "obs-fold, a space before the colon, a bare CR or a NUL in a header is 400" {
	smuggle 'POST /upload/p HTTP/1.1\r\nHost: a\r\nX: y\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n'
	smuggle 'POST /upload/p HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\t5\r\n\r\nhello'
	smuggle 'POST /upload/p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n'
	smuggle 'POST /upload/p HTTP/1.1\r\nHost: a\r\nX: a\rContent-Length: 5\r\n\r\nhello'
	smuggle 'POST /upload/p HTTP/1.1\r\nHost: a\r\nX: a\0b\r\nContent-Length: 5\r\n\r\nhello'
	smuggle 'POST /upload/p HTTP/1.1\r\nHost: a\r\nContent-Length\0: 5\r\n\r\nhello'
}

@test "a chunk with a bare CR or LF where CRLF belongs is 400" {
	smuggle 'PUT /upload/p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\rhello\r\n0\r\n\r\n'
	smuggle 'PUT /upload/p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n'
	smuggle 'PUT /upload/p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n'
	[ ! -e "$ROOT/upload/p" ]
}

@test "two Host fields are 400" {
	smuggle 'GET /hello.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'
}

@test "identical duplicate Content-Lengths frame the body once, as one length" {
	run send 'PUT /upload/d HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhelloGET /smuggled.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'
	statuses=$(status_of <<<"$output" | tr '\n' ' ')
	# Refused outright, or one PUT of exactly five bytes then the GET.
	if [ "$statuses" != '400 ' ]; then
		assert_equal "$statuses" '201 200 '
		assert_equal "$(cat "$ROOT/upload/d")" hello
	fi
}

# ---- path tricks ---------------------------------------------------------------

@test "no encoding of a traversal reaches a file outside the root" {
	for t in '/../outside.txt' '/%2e%2e/outside.txt' '/%2E%2E/outside.txt' \
	    '/.%2e/outside.txt' '/%2e./outside.txt' '/..%2foutside.txt' \
	    '/%2e%2e%2foutside.txt' '/%252e%252e/outside.txt' \
	    '/..%5coutside.txt' '/..\outside.txt' '/%c0%ae%c0%ae/outside.txt' \
	    '/%u002e%u002e/outside.txt' '/./../outside.txt' \
	    '/sub/../../outside.txt' '/sub/%2e%2e/%2e%2e/outside.txt' \
	    "//$DIR/outside.txt" "/$DIR/outside.txt" \
	    'http://a/../outside.txt' 'http://a/%2e%2e/outside.txt' \
	    '../outside.txt' 'outside.txt' '/..;/outside.txt' \
	    '/hello.txt/../../outside.txt' '/%2e%2e%00/outside.txt'; do
		run send "GET $t HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
		case $(status_of <<<"$output") in
		400|403|404) ;;
		*) echo "$t: $output"; false ;;
		esac
		refute_output --partial TOPSECRET
	done
}

@test "symlinks inside the root that lead out are not followed" {
	ln -s ../outside.txt "$ROOT/rel-out"
	ln -s "$DIR/outside.txt" "$ROOT/abs-out"
	ln -s "$DIR" "$ROOT/dir-out"
	mkdir "$ROOT/in"
	ln -s ../rel-out "$ROOT/in/chain"
	ln -s ../../.. "$ROOT/sub/up"
	for t in /rel-out /abs-out /dir-out/outside.txt /in/chain \
	    /sub/up/outside.txt "/sub/up$DIR/outside.txt"; do
		run send "GET $t HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
		case $(status_of <<<"$output") in
		403|404) ;;
		*) echo "$t: $output"; false ;;
		esac
		refute_output --partial TOPSECRET
	done
}

@test "device files, FIFOs and sockets are refused at once and never read" {
	local i
	mknod "$ROOT/zero" c 1 5
	mknod "$ROOT/loop" b 7 0
	mkfifo "$ROOT/fifo"
	ln -s /dev/zero "$ROOT/devlink"
	# A socket file that outlives its listener.
	timeout 10 socat UNIX-LISTEN:"$ROOT/sock",unlink-close=0 /dev/null &
	for i in $(seq 50); do
		[ -S "$ROOT/sock" ] && break
		sleep 0.1
	done
	stop_pid $!
	for t in /zero /loop /fifo /devlink /sock; do
		SECONDS=0
		run send "GET $t HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
		case $(status_of <<<"$output") in
		403|404) ;;
		*) echo "$t: $output"; false ;;
		esac
		[ "$SECONDS" -le 2 ]
	done
	until_handlers_gone "$HANDLER_PID"
}

@test "names with CR, LF and quotes are served without breaking headers or the log" {
	printf 'lf\n' >"$ROOT/a"$'\n'"b.txt"
	printf 'cr\n' >"$ROOT/a"$'\r'"b.txt"
	printf 'quote\n' >"$ROOT/a\"b.txt"
	mkdir "$ROOT/d"$'\r\n'"X-Injected: 1"
	run send 'GET /a%0Ab.txt HTTP/1.1\r\nHost: a\r\n\r\nGET /a%0Db.txt HTTP/1.1\r\nHost: a\r\n\r\nGET /a%22b.txt HTTP/1.1\r\nHost: a\r\n\r\nGET /d%0D%0AX-Injected:%201 HTTP/1.1\r\nHost: a\r\n\r\nPUT /upload/n%0D%0AX-Injected:%201 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi'
	assert_equal "$(status_of <<<"$output" | tr '\n' ' ')" '200 200 200 301 201 '
	refute_line --regexp '^X-Injected'
	assert_line $'Location: /d%0D%0AX-Injected:%201/\r'
	requests_logged 5
	run jq -r 'select(.event == "request") | .target' "$STATS"
	assert_line --index 3 '/d%0D%0AX-Injected:%201'
}

# ---- log injection ---------------------------------------------------------------

@test "CR, LF, quotes and control bytes in the target keep one record per line" {
	run send 'GET /a"b\\c%0d%0a{"event":"x"} HTTP/1.1\r\nHost: a\r\n\r\nGET /\001\033[31m\177 HTTP/1.1\r\nHost: a\r\n\r\n'
	requests_logged 2
	run jq -r 'select(.event == "request") | .target' "$STATS"
	assert_line --index 0 '/a"b\c%0d%0a{"event":"x"}'
	run jq -c 'select(.event == "x")' "$STATS"
	assert_output ''
}

@test "CR, LF, quotes and control bytes in the method keep one record per line" {
	for m in 'G"T' 'GE\rT' 'G\nET' 'G\001T' 'G\\T' 'G\377T' 'X{}'; do
		send "$m /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n" >/dev/null
	done
	requests_logged 7
	run jq -e -s '[.[] | select(.event == "request")] | length == 7 and
	    all(.status == 400 or .status == 501)' "$STATS"
	assert_success
}

@test "CR, LF, quotes and control bytes in headers keep one record per line" {
	run send 'GET /hello.txt HTTP/1.1\r\nHost: a"\\\001\r\nUser-Agent: x"}\n{"event":"x\r\nReferer: \033[2J\377\376\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: "quoted"\r\nUser-Agent: \t"\\"\t\r\n\r\n'
	requests_logged "$(status_of <<<"$output" | wc -l)"
	run jq -c 'select(.event != "open" and .event != "request" and .event != "close")' "$STATS"
	assert_output ''
}

# ---- privileges ------------------------------------------------------------------

@test "started as root with -u nobody it drops to nobody before reading a request" {
	stop_pid "$HANDLER_PID"
	nobody=$(id -u nobody) nogroup=$(id -g nobody)
	printf 'root only\n' >"$ROOT/private.txt"
	chmod 0600 "$ROOT/private.txt"
	chmod 0700 "$DIR"	# only root reaches the stats file
	PORT=$(free_port)
	start_handler "$PORT" -c "$DIR/fast.conf" -r "$ROOT" -s "$STATS" \
	    -w /upload/ -u nobody
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
	STALLED=("$fd")
	# Nothing sent yet, and the handler already runs as nobody.
	for i in $(seq 50); do
		pid=$(handlers "$HANDLER_PID" | tail -n 1)
		[ -n "$pid" ] && grep -q "^Uid:[[:space:]]*$nobody[[:space:]]*$nobody[[:space:]]*$nobody[[:space:]]*$nobody\$" \
		    "/proc/$pid/status" 2>/dev/null && break
		sleep 0.1
	done
	run grep -E '^(Uid|Gid|Groups):' "/proc/$pid/status"
	assert_line --regexp "^Uid:\s+$nobody\s+$nobody\s+$nobody\s+$nobody\$"
	assert_line --regexp "^Gid:\s+$nogroup\s+$nogroup\s+$nogroup\s+$nogroup\$"
	assert_line --regexp "^Groups:\s*$nogroup\s*\$"
	printf 'GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\nGET /private.txt HTTP/1.1\r\nHost: a\r\n\r\nPUT /upload/x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx' >&"$fd"
	run timeout 5 cat <&"$fd"
	assert_equal "$(status_of <<<"$output" | tr '\n' ' ')" '200 403 403 '
	refute_output --partial 'root only'
	[ ! -e "$ROOT/upload/x" ]
	# The stats file, opened before the drop, still gets the records.
	requests_logged 3
	[ "$(stat -c %U "$STATS")" = root ]
}

# ---- per-source limits -------------------------------------------------------------

@test "under xinetd with the shipped limits 200 stalled clients of one address leave others served" {
	[ "$(id -u)" -eq 0 ] || skip "xinetd needs root to start services as nobody"
	stop_pid "$HANDLER_PID"
	# Beneath /tmp, not the test's directory: nobody must reach it.
	X=$(mktemp -d /tmp/stdhttpd-hostile.XXXXXX)
	chmod 0755 "$X"
	cp -r "$ROOT" "$X/www"
	mkdir "$X/stats"
	chown nobody "$X/stats"
	fast_conf "$X/slow.conf" 'header_timeout 3s' "root $X/www" \
	    "stats $X/stats/stats.jsonl"
	chmod -R a+rX "$X"
	PORT=$(free_port)
	mkdir "$X/xinetd.d"
	# The shipped service, on a test port and loopback, as nobody; the
	# address-space limit goes because the sanitizer build reserves
	# terabytes of it.
	sed -e "s|= 80\$|= $PORT|" \
	    -e 's|disable\([[:space:]]*\)= yes|disable\1= no|' \
	    -e 's|\(user[[:space:]]*=\) stdhttpd$|\1 nobody|' \
	    -e 's|\(group[[:space:]]*=\) stdhttpd$|\1 nogroup|' \
	    -e "s|/usr/local/sbin/stdhttpd|$STDHTTPD|" \
	    -e "s|/etc/stdhttpd/stdhttpd.conf|$X/slow.conf|" \
	    -e '/rlimit_as/d' \
	    -e 's|^\([[:space:]]*\)wait\([[:space:]]*\)= no|&\n\1bind\2= 127.0.0.1|' \
	    "$TOP/xinetd/stdhttpd" >"$X/xinetd.d/stdhttpd"
	per_source=$(sed -n 's/^[[:space:]]*per_source[[:space:]]*=[[:space:]]*//p' \
	    "$X/xinetd.d/stdhttpd")
	[ "$per_source" -gt 0 ] && [ "$per_source" -lt 200 ]
	printf 'defaults\n{\n}\nincludedir %s\n' "$X/xinetd.d" >"$X/xinetd.conf"
	timeout 120 xinetd -f "$X/xinetd.conf" -dontfork \
	    -pidfile "$X/xinetd.pid" -filelog "$X/xinetd.log" 3>&- &
	HANDLER_PID=$!
	for i in $(seq 100); do
		grep -q 'Started working: 1 available' "$X/xinetd.log" \
		    2>/dev/null && break
		sleep 0.05
	done
	grep -q 'Started working: 1 available' "$X/xinetd.log" ||
	    { cat "$X/xinetd.log"; false; }
	STALLED=()
	for i in $(seq 200); do
		exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
		STALLED+=("$fd")
		# Past per_source xinetd closes at once: a write may meet
		# SIGPIPE, which only the subshell takes.
		(printf 'GET /hello.txt HTTP/1.1\r\nHost: a\r\nUser-Ag' >&"$fd") \
		    2>/dev/null || :
	done
	sleep 0.5
	running=$(pgrep -P "$(pgrep -P "$HANDLER_PID")" | wc -l)
	echo "handlers running: $running"
	[ "$running" -le "$per_source" ]
	[ "$running" -ge $((per_source / 2)) ]
	# Another address is served at once.
	run curl -sS --max-time 1 --interface 127.0.0.2 -o /dev/null \
	    -w '%{http_code}' "http://127.0.0.1:$PORT/hello.txt"
	assert_output 200
}
