#!/usr/bin/env bash
# admin-bench.sh - how fast stdhttpd-admin reads a large stats file.
#
# Generates RECORDS request records (default 1000000) in the handler's
# format, then reports side by side: stdhttpd-admin's time to read it all
# and answer "request stats" from scratch, the same aggregation by jq, the
# restart time with a checkpoint on a file of at least GB gigabytes
# (default 1), and the latency of "request stats" once loaded.
#   tests/bench/admin-bench.sh [RECORDS]     (from the top of the tree)
# Needs build/stdhttpd-admin, jq, systemd-socket-activate.  Not a test: it
# prints numbers and the targets beside them.
set -eu
cd "$(dirname "$0")/../.."

records=${1:-${RECORDS:-1000000}}
gb=${GB:-1}
admin=build/stdhttpd-admin
dir=$(mktemp -d)
pid=
export SYSTEMD_LOG_LEVEL=warning

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		(exec 2>/dev/null; : <"/dev/tcp/127.0.0.1/$p") || break
	done
	echo "$p"
}

# Connections of 1 to 8 requests: open, the requests, close; a realistic mix
# of methods, statuses and types.
generate() {
	awk -v n="$1" 'BEGIN {
		split("GET GET GET GET GET GET HEAD POST PUT DELETE OPTIONS BREW", m, " ")
		split("200 200 200 200 304 404 206 201 204 405 501 400", st, " ")
		split("text/html; charset=utf-8|image/png|text/css|application/javascript|image/jpeg|application/json", ty, "|")
		srand(42); seq = 0; conn = 0
		while (seq < n) {
			conn++; pid = 1000 + conn % 30000
			id = sprintf("%d-%08x", pid, conn)
			ts = sprintf("2026-11-21T%02d:%02d:%02d.%06dZ", int(conn / 3600000) % 24, int(conn / 60000) % 60, int(conn / 1000) % 60, conn % 1000 * 1000)
			printf "{\"ts\":\"%s\",\"event\":\"open\",\"pid\":%d,\"conn\":\"%s\",\"client\":\"127.0.0.1\"}\n", ts, pid, id
			k = 1 + int(rand() * 8)
			for (i = 1; i <= k && seq < n; i++) {
				seq++
				j = 1 + int(rand() * 12)
				t = (j <= 6 && st[j] != 304 && st[j] != 404) ? ty[1 + int(rand() * 6)] : ""
				printf "{\"ts\":\"%s\",\"event\":\"request\",\"pid\":%d,\"conn\":\"%s\",\"seq\":%d,\"client\":\"127.0.0.1\",\"method\":\"%s\",\"target\":\"/dir/file-%d.html?q=\\u00e9\",\"version\":\"HTTP/1.1\",\"status\":%d,\"bytes\":%d,\"bytes_in\":0,\"type\":\"%s\",\"dur_us\":%d}\n", ts, pid, id, i, m[j], seq % 977, st[j], int(rand() * 100000), t, 20 + int(rand() * rand() * 5000)
			}
			printf "{\"ts\":\"%s\",\"event\":\"close\",\"pid\":%d,\"conn\":\"%s\",\"requests\":%d,\"dur_us\":%d}\n", ts, pid, id, i - 1, 1000 + int(rand() * 9000)
		}
	}'
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# Starts the admin on a fresh port over $1; the first query execs it.
start_admin() {
	port=$(free_port)
	timeout 600 systemd-socket-activate -l "127.0.0.1:$port" \
	    "$admin" -s "$1" 3>&- 2>>"$dir/admin.log" &
	pid=$!
	for _ in $(seq 100); do
		(exec 2>/dev/null; : <"/dev/tcp/127.0.0.1/$port") && return
		sleep 0.05
	done
	echo "the admin did not start" >&2
	exit 1
}

stop_admin() {
	kill "$pid"
	wait "$pid" 2>/dev/null || :
	pid=
}

query() { printf '%s\r\n' "$1" | timeout 600 nc -N -w600 127.0.0.1 "$port"; }

[ -x "$admin" ] || { echo "build $admin first (make)" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is needed" >&2; exit 1; }

echo "generating $records request records..."
generate "$records" >"$dir/stats.jsonl"
size=$(stat -c %s "$dir/stats.jsonl")
lines=$(wc -l <"$dir/stats.jsonl")
echo "stats file: $lines lines, $((size / 1048576)) MiB"

start_admin "$dir/stats.jsonl"
t0=$(now)
query 'request stats' >"$dir/admin.out"
t_admin=$(since "$t0")
stop_admin

t0=$(now)
jq -s 'map(select(.event == "request")) | group_by(.method) |
    map({(.[0].method): length}) | add' "$dir/stats.jsonl" >"$dir/jq.out"
t_jq=$(since "$t0")

# The two must agree before their times mean anything; the admin counts
# methods beyond the nine known ones as OTHER.
jq -r 'to_entries[] | "\(.key) \(.value)"' "$dir/jq.out" | awk '
    $1 !~ /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|TRACE|CONNECT|PATCH)$/ {
	other += $2; next } { print } END { if (other) print "OTHER", other }' |
    sort >"$dir/a"
tr -d '\r' <"$dir/admin.out" | grep -v -e '^END$' -e '^total:' |
    sed 's/: / /' | sort >"$dir/b"
if ! cmp -s "$dir/a" "$dir/b"; then
	echo "MISMATCH between jq and stdhttpd-admin:" >&2
	diff "$dir/a" "$dir/b" >&2 || :
	exit 1
fi

# Grow the file to GB gigabytes by repeating it, read it once (that writes
# the checkpoint at exit), then time a restart that resumes from it.
big="$dir/big.jsonl"
: >"$big"
while [ "$(stat -c %s "$big")" -lt $((gb * 1024 * 1024 * 1024)) ]; do
	cat "$dir/stats.jsonl" >>"$big"
done
rm -f "$dir/stats.jsonl"
start_admin "$big"
t0=$(now)
query 'request stats' >/dev/null
t_big=$(since "$t0")
stop_admin
start_admin "$big"
t0=$(now)
query 'request stats' >/dev/null
t_restart=$(since "$t0")

# Latency once loaded: many queries on one connection, averaged.
n=500
exec 5<>"/dev/tcp/127.0.0.1/$port"
t0=$(now)
for _ in $(seq $n); do
	printf 'request stats\r\n' >&5
	while IFS= read -r line <&5; do
		[ "$line" = $'END\r' ] && break
	done
done
t_query=$(awk -v a="$t0" -v b="$(now)" -v n=$n \
    'BEGIN { printf "%.3f", (b - a) * 1000 / n }')
exec 5>&-
stop_admin

big_mb=$(($(stat -c %s "$big") / 1048576))
printf '\n%-44s %10s   %s\n' "measure" "result" "target"
printf '%-44s %9ss   %s\n' "stdhttpd-admin, $lines lines from scratch" \
    "$t_admin" "at least 3x faster than jq"
printf '%-44s %9ss\n' "jq -s group_by(.method), the same file" "$t_jq"
printf '%-44s %9sx\n' "speed-up over jq" \
    "$(awk -v a="$t_admin" -v j="$t_jq" 'BEGIN { printf "%.1f", j / a }')"
printf '%-44s %9ss\n' "stdhttpd-admin, $big_mb MiB from scratch" "$t_big"
printf '%-44s %9ss   %s\n' "restart with a checkpoint, $big_mb MiB" \
    "$t_restart" "under 1 s"
printf '%-44s %8sms   %s\n' "\"request stats\" once loaded (mean of $n)" \
    "$t_query" "under 5 ms"
