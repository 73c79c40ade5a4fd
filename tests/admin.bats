#!/usr/bin/env bats
# stdhttpd-admin end to end: the real handler under systemd-socket-activate
# (--accept --inetd) writes the stats file, the admin under
# systemd-socket-activate (Accept=no) answers over TCP, curl drives known
# traffic and nc asks.

load admin_helper

setup() {
	DIR=$BATS_TEST_TMPDIR
	make_site "$DIR/www"
	mkdir -p "$DIR/stats"
	STATS=$DIR/stats/stats.jsonl
	HTTP_PORT=$(free_port)
	start_handler "$HTTP_PORT" -r "$DIR/www" -s "$STATS" -w /upload/
	start_admin "$STATS"
}

teardown() {
	exec 5>&- 6>&- 7>&- 2>/dev/null || :
	stop_pid "${PROM_PID:-}"
	stop_pid "${ADMIN_PID:-}"
	stop_pid "${HANDLER_PID:-}"
}

@test "request stats counts requests by method, unknown ones as OTHER" {
	get / ; get / ; get /nope
	get / -I
	get / -X BREW
	get /upload/new.txt -T "$DIR/www/hello.txt"
	until_answer 'request stats' "$(printf '%s\n' 'GET: 3' 'HEAD: 1' \
	    'PUT: 1' 'OTHER: 1' 'total: 6' END)"
}

@test "response stats counts responses by status code" {
	get /
	get /nope
	get /big.bin -r 0-9
	get / -X BREW
	get /style.css ; get /style.css
	until_answer 'response stats' "$(printf '%s\n' '200: 3' '206: 1' \
	    '404: 1' '501: 1' 'total: 6' END)"
}

@test "file type stats counts only files sent by GET with 200 or 206" {
	get /
	get /style.css
	get /hello.txt -r 0-1
	get /style.css
	get / -I
	get /nope
	get /upload/x.txt -T "$DIR/www/hello.txt"
	until_answer 'file type stats' "$(printf '%s\n' 'text/html: 1' \
	    'text/css: 2' 'text/plain: 1' 'total: 4' END)"
}

@test "json before a command gives the answer as one JSON object" {
	get / ; get / -I
	until_answer 'json request stats' \
	    "$(printf '%s\n' '{"GET":1,"HEAD":1,"total":2}' END)"
	run ask 'JSON Number Of Connected Clients'
	assert_output "$(printf '%s\n' '{"connected_clients":0}' END)"
}

@test "number of connected clients follows connections opening and closing" {
	exec 5<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
	printf 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' >&5
	exec 6<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
	printf 'GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n' >&6
	until_answer 'number of connected clients' \
	    "$(printf '%s\n' 'connected_clients: 2' END)"
	exec 5>&-
	until_answer 'number of connected clients' \
	    "$(printf '%s\n' 'connected_clients: 1' END)"
	exec 6>&-
	until_answer 'gauges' "$(printf '%s\n' 'connected_clients: 0' END)"
}

@test "a handler killed with SIGKILL is no longer counted as connected" {
	exec 5<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
	printf 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' >&5
	until_answer 'number of connected clients' \
	    "$(printf '%s\n' 'connected_clients: 1' END)"
	# The handler whose connection has an open record and no close.
	for p in $(grep -o '"event":"open","pid":[0-9]*' "$STATS" |
	    cut -d: -f3); do
		grep -q "\"event\":\"close\",\"pid\":$p," "$STATS" || pid=$p
	done
	[ "$(cat "/proc/$pid/comm")" = stdhttpd ]
	kill -9 "$pid"
	until_answer 'number of connected clients' \
	    "$(printf '%s\n' 'connected_clients: 0' END)"
	run grep -c "\"event\":\"close\",\"pid\":$pid," "$STATS"
	assert_output 0
}

@test "rotation between requests loses no counts" {
	for i in 1 2 3 4 5; do get /; done
	until_answer 'request stats' "$(printf '%s\n' 'GET: 5' 'total: 5' END)"
	mv "$STATS" "$STATS.1"
	for i in 1 2 3; do get / -I; done
	until_answer 'request stats' \
	    "$(printf '%s\n' 'GET: 5' 'HEAD: 3' 'total: 8' END)"
	run ask stats
	assert_line 'bad_lines: 0'
}

@test "rotation in the middle of traffic loses no counts" {
	for i in $(seq 40); do get /hello.txt; done &
	traffic=$!
	stats_lines "$STATS" 20
	mv "$STATS" "$STATS.1"
	wait "$traffic"
	until_answer 'request stats' \
	    "$(printf '%s\n' 'GET: 40' 'total: 40' END)"
}

@test "a connection that spans a rotation keeps writing and is counted" {
	exec 5<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
	printf 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' >&5
	until_answer 'request stats' "$(printf '%s\n' 'GET: 1' 'total: 1' END)"
	mv "$STATS" "$STATS.1"
	get / -I
	until_answer 'request stats' \
	    "$(printf '%s\n' 'GET: 1' 'HEAD: 1' 'total: 2' END)"
	printf 'GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n' >&5
	until_answer 'request stats' \
	    "$(printf '%s\n' 'GET: 2' 'HEAD: 1' 'total: 3' END)"
	exec 5>&-
	until_answer 'number of connected clients' \
	    "$(printf '%s\n' 'connected_clients: 0' END)"
}

@test "truncation of the stats file keeps the counts read before it" {
	for i in 1 2 3 4 5; do get /; done
	until_answer 'request stats' "$(printf '%s\n' 'GET: 5' 'total: 5' END)"
	: >"$STATS"
	get / -I; get / -I
	until_answer 'request stats' \
	    "$(printf '%s\n' 'GET: 5' 'HEAD: 2' 'total: 7' END)"
}

@test "a torn line in the stats file is counted bad and skipped" {
	get /
	until_answer 'request stats' "$(printf '%s\n' 'GET: 1' 'total: 1' END)"
	printf '{"ts":"2026-11-21T22:23:02.1' >>"$STATS"
	get / -I
	until_answer 'request stats' \
	    "$(printf '%s\n' 'GET: 1' 'HEAD: 1' 'total: 2' END)"
	run ask stats
	assert_line 'bad_lines: 1'
}

@test "an unknown command gets ERROR and a hint, then END" {
	run ask 'make coffee'
	assert_output "$(printf '%s\n' \
	    'ERROR unknown command, type help for the list of commands' END)"
}

@test "help, stats, timers and health answer, each ending in END" {
	get /
	until_answer 'request stats' "$(printf '%s\n' 'GET: 1' 'total: 1' END)"
	run ask help
	assert_line --index 0 --partial 'number of connected clients: '
	assert_line 'END'
	run ask health
	assert_output "$(printf '%s\n' 'health: up' END)"
	run ask stats
	assert_line 'requests: 1'
	assert_line "stats_file: $STATS"
	assert_line --regexp '^uptime: [0-9]+$'
	run ask timers
	assert_line --regexp '^all: count=1 p50_us=[0-9]+ p90_us=[0-9]+ p99_us=[0-9]+ max_us=[0-9]+$'
	assert_line --regexp '^GET: count=1 '
}

@test "disconnect says goodbye and closes the connection" {
	run bash -c "printf 'disconnect\r\nhealth\r\n' |
	    timeout 5 nc -w 5 127.0.0.1 $ADMIN_PORT | tr -d '\r'"
	assert_success
	assert_output "$(printf '%s\n' goodbye END)"
}

@test "telnet negotiation and CR NUL line ends are ignored" {
	run bash -c "printf '\377\375\003\377\373\030health\r\0quit\r\0' |
	    timeout 5 nc -w 5 127.0.0.1 $ADMIN_PORT | tr -d '\r'"
	assert_output "$(printf '%s\n' 'health: up' END goodbye END)"
}

@test "binary junk and an overlong line get errors, and the daemon lives on" {
	sum=$(md5sum <"$STATS" 2>/dev/null || :)
	head -c 20000 /dev/urandom | timeout 5 nc -N -w 5 127.0.0.1 \
	    "$ADMIN_PORT" >"$DIR/junk.out" || :
	grep -a -q 'ERROR' "$DIR/junk.out"
	run bash -c "head -c 5000 /dev/zero | tr '\0' a |
	    timeout 5 nc -N -w 5 127.0.0.1 $ADMIN_PORT | tr -d '\r'"
	assert_output "$(printf '%s\n' 'ERROR line too long' END)"
	run ask health
	assert_output "$(printf '%s\n' 'health: up' END)"
	[ "$(md5sum <"$STATS" 2>/dev/null || :)" = "$sum" ]
}

@test "a client that never reads does not stall the others" {
	exec 7<>"/dev/tcp/127.0.0.1/$ADMIN_PORT"
	( for i in $(seq 20000); do printf 'help\r\n'; done >&7 ) 2>/dev/null &
	writer=$!
	sleep 0.5
	run ask health
	assert_output "$(printf '%s\n' 'health: up' END)"
	kill "$writer" 2>/dev/null || :
}

@test "100 concurrent clients all get the right answer" {
	get /; get /style.css
	until_answer 'request stats' "$(printf '%s\n' 'GET: 2' 'total: 2' END)"
	ask_many 100 "$(printf '%s\n' 'GET: 2' 'total: 2' END 'health: up' END)" \
	    'request stats' health
}

@test "GET /metrics answers the Prometheus text format" {
	get /; get /nope
	until_answer 'request stats' "$(printf '%s\n' 'GET: 2' 'total: 2' END)"
	run curl -s --max-time 5 "http://127.0.0.1:$ADMIN_PORT/metrics"
	assert_success
	assert_line 'stdhttpd_requests_total{method="GET"} 2'
	assert_line 'stdhttpd_responses_total{code="404"} 1'
	assert_line 'stdhttpd_files_sent_total{type="text/html"} 1'
	assert_line 'stdhttpd_connected_clients 0'
	assert_line 'stdhttpd_request_duration_seconds_count 2'
	assert_line '# TYPE stdhttpd_request_duration_seconds histogram'
}

@test "Prometheus scrapes /metrics and sees the request counts" {
	command -v prometheus >/dev/null || skip "prometheus is not installed"
	for i in 1 2 3; do get /; done
	get /nope
	until_answer 'request stats' "$(printf '%s\n' 'GET: 4' 'total: 4' END)"
	prom_port=$(free_port)
	mkdir -p "$DIR/prom"
	cat >"$DIR/prom/prometheus.yml" <<-EOF
	global:
	  scrape_interval: 1s
	  evaluation_interval: 1s
	scrape_configs:
	  - job_name: stdhttpd
	    static_configs:
	      - targets: ['127.0.0.1:$ADMIN_PORT']
	EOF
	timeout 120 prometheus --config.file="$DIR/prom/prometheus.yml" \
	    --storage.tsdb.path="$DIR/prom/data" \
	    --web.listen-address="127.0.0.1:$prom_port" 3>&- \
	    >"$DIR/prom/log" 2>&1 &
	PROM_PID=$!
	q='stdhttpd_requests_total{method="GET"}'
	for i in $(seq 300); do
		got=$(curl -s --max-time 2 -G \
		    "http://127.0.0.1:$prom_port/api/v1/query" \
		    --data-urlencode "query=$q" |
		    jq -r '.data.result[0].value[1] // empty' 2>/dev/null || :)
		[ -n "$got" ] && break
		sleep 0.2
	done
	[ "$got" = 4 ]
	got=$(curl -s --max-time 2 -G "http://127.0.0.1:$prom_port/api/v1/query" \
	    --data-urlencode 'query=stdhttpd_responses_total{code="404"}' |
	    jq -r '.data.result[0].value[1]')
	[ "$got" = 1 ]
	got=$(curl -s --max-time 2 -G "http://127.0.0.1:$prom_port/api/v1/query" \
	    --data-urlencode 'query=up{job="stdhttpd"}' |
	    jq -r '.data.result[0].value[1]')
	[ "$got" = 1 ]
}

@test "a restart resumes from the checkpoint and reads only what is new" {
	stop_pid "$ADMIN_PID"
	gen_records 1000 >>"$STATS"
	start_admin "$STATS"
	until_answer 'request stats' \
	    "$(printf '%s\n' 'GET: 1000' 'total: 1000' END)"
	stop_pid "$ADMIN_PID"
	[ -s "$DIR/stats/.stats.jsonl.admin-checkpoint" ]
	gen_records 5 >>"$STATS"
	: >"$BATS_FILE_TMPDIR/admin.log"
	start_admin "$STATS"
	until_answer 'request stats' \
	    "$(printf '%s\n' 'GET: 1005' 'total: 1005' END)"
	grep -q "resumed $STATS at offset" "$BATS_FILE_TMPDIR/admin.log"
}

@test "a checkpoint of another file is not used" {
	stop_pid "$ADMIN_PID"
	gen_records 10 >"$STATS"
	start_admin "$STATS"
	until_answer 'request stats' "$(printf '%s\n' 'GET: 10' 'total: 10' END)"
	stop_pid "$ADMIN_PID"
	rm "$STATS"
	gen_records 3 >"$STATS"
	start_admin "$STATS"
	until_answer 'request stats' "$(printf '%s\n' 'GET: 3' 'total: 3' END)"
}

@test "with the listening socket on standard input, as from xinetd, it serves" {
	port=$(free_port)
	timeout 60 systemd-socket-activate -l "127.0.0.1:$port" --inetd \
	    "$ADMIN" -s "$STATS" 3>&- 2>>"$BATS_FILE_TMPDIR/admin.log" &
	pid=$!
	wait_port "$port"
	run bash -c "printf 'health\r\nquit\r\n' |
	    timeout 5 nc -N -w 5 127.0.0.1 $port | tr -d '\r'"
	stop_pid "$pid"
	assert_output "$(printf '%s\n' 'health: up' END goodbye END)"
}

@test "without a listening socket it says so and exits 111" {
	run timeout 5 "$ADMIN" -s "$STATS" </dev/null
	assert_failure 111
	assert_output --partial 'no listening socket'
}
