# Helpers for admin.bats: stdhttpd-admin under systemd-socket-activate
# (Accept=no, as under systemd) next to the real handler, and a line client.
# Every server listens on 127.0.0.1, runs under timeout, is stopped by pid.

load helper

ADMIN=$TOP/build/stdhttpd-admin

# wait_listen PORT: until 127.0.0.1:PORT accepts, at most 30 s (a loaded
# machine can take seconds to start an activator).
wait_listen() {
	local i
	for i in $(seq 300); do
		(exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "port $1 never opened" >&2
	return 1
}

# start_http PORT ARGS...: the handler, one process per connection on
# fd 0/1, as start_handler does, with the longer wait.  Sets HANDLER_PID.
start_http() {
	local port=$1
	shift
	timeout 300 systemd-socket-activate -l "127.0.0.1:$port" --accept \
	    --inetd "$STDHTTPD" "$@" 3>&- 2>>"$BATS_FILE_TMPDIR/activate.log" &
	HANDLER_PID=$!
	wait_listen "$port"
}

# start_admin STATS [ARGS...]: the admin on a free port; it is exec'd on the
# first connection, which wait_listen makes.  Sets ADMIN_PORT and ADMIN_PID.
start_admin() {
	local stats=$1
	shift
	ADMIN_PORT=$(free_port)
	timeout 300 systemd-socket-activate -l "127.0.0.1:$ADMIN_PORT" \
	    "$ADMIN" -s "$stats" "$@" 3>&- 2>>"$BATS_FILE_TMPDIR/admin.log" &
	ADMIN_PID=$!
	wait_listen "$ADMIN_PORT"
}

# ask COMMAND...: each command on its own line to the admin; prints every
# answer without CRs, until the admin closes or 5 s pass.
ask() {
	{ printf '%s\r\n' "$@"; printf 'quit\r\n'; } |
	    timeout 5 nc -N -w 5 127.0.0.1 "$ADMIN_PORT" | tr -d '\r' |
	    sed '/^goodbye$/,$d'
}

# until_answer COMMAND EXPECTED: asks until the answer is EXPECTED (the
# handlers write their records a moment after the response), at most 5 s.
until_answer() {
	local i got
	for i in $(seq 50); do
		got=$(ask "$1")
		[ "$got" = "$2" ] && return 0
		sleep 0.1
	done
	printf 'asked: %s\nwanted:\n%s\ngot:\n%s\n' "$1" "$2" "$got" >&2
	return 1
}

# get PATH [CURL ARGS...]: one request to the handler, body discarded.
get() {
	local path=$1
	shift
	curl -s -o /dev/null --max-time 5 "$@" "http://127.0.0.1:$HTTP_PORT$path"
}

# stats_lines FILE N: waits (at most 5 s) until FILE has N lines.
stats_lines() {
	local i
	for i in $(seq 50); do
		[ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# gen_records N: N request records (GET 200 text/html) in the handler's
# format, as one open, the requests, one close.
gen_records() {
	awk -v n="$1" 'BEGIN {
		printf "{\"ts\":\"2026-11-21T22:23:02.123456Z\",\"event\":\"open\",\"pid\":1,\"conn\":\"1-g\",\"client\":\"-\"}\n"
		for (i = 1; i <= n; i++)
			printf "{\"ts\":\"2026-11-21T22:23:02.123501Z\",\"event\":\"request\",\"pid\":1,\"conn\":\"1-g\",\"seq\":%d,\"client\":\"-\",\"method\":\"GET\",\"target\":\"/\",\"version\":\"HTTP/1.1\",\"status\":200,\"bytes\":5,\"bytes_in\":0,\"type\":\"text/html\",\"dur_us\":50}\n", i
		printf "{\"ts\":\"2026-11-21T22:23:02.2Z\",\"event\":\"close\",\"pid\":1,\"conn\":\"1-g\",\"requests\":%d,\"dur_us\":9}\n", n
	}'
}
