#!/usr/bin/env bash
# bench.sh - stdhttpd side by side with the reference handler and its peers.
#
# Serves one 612-byte file with each server in turn, the server pinned to
# CPU 0 and wrk to CPU 1 over loopback, and measures requests per second
# for keep-alive with 1, 32 and 256 connections, Connection: close with 32
# and pipelined depth 16 with 32; p99 latency at 32 and 256; the private
# memory per handler with 100 idle connections; and the p99 at 256 with the
# handlers at a lower priority than the activator.  Prints markdown tables
# of the medians, the ratios and the targets, and writes them to
# OUT/results.md (and OUT/results.png when gnuplot is there).
#   tests/bench/bench.sh                (from the top of the tree, as root)
# Environment: DURATION (5 s a run), RUNS (3), SERVERS (names, see below),
# OUT (build/bench), ADMIN_BENCH (1: run tests/bench/admin-bench.sh too),
# KEEP (set: keep the scratch directory with the logs and wrk outputs).
# Not a test: it prints numbers and the targets beside them.
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)

duration=${DURATION:-5}
runs=${RUNS:-3}
out=${OUT:-build/bench}
all_servers="ref ref-stats ref-record ref-static stdhttpd stdhttpd-static \
stdhttpd-nostats stdhttpd-xinetd nginx lighttpd busybox micro_httpd"
servers=${SERVERS:-$all_servers}
workloads="ka1 ka32 ka256 close32 pipe16"
# The static builds only show what start-up costs: short connections.
static_workloads="ka1 close32"
file_len=612
idle_conns=100
nice_levels="0 5 10 19"
# Each wait for a server to come up or go away is bounded by this.
wait_tries=100
wait_step=0.05
# The longest a server runs: the latency runs at one nice level.
server_timeout=$((runs * duration + 120))

export SYSTEMD_LOG_LEVEL=warning
pids=
dir=

cleanup() {
	local p
	for p in $pids; do
		kill "$p" 2>/dev/null || :
	done
	for p in $pids; do
		wait "$p" 2>/dev/null || :
	done
	[ -n "$dir" ] && [ -z "${KEEP:-}" ] && rm -rf "$dir"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "bench: $*" >&2
	exit 1
}

# A free port below the ephemeral range (32768 up): the close workloads
# leave thousands of client ports in TIME-WAIT, and a listener cannot bind
# one of those.
free_port() {
	local p i
	for i in $(seq 50); do
		p=$((20000 + RANDOM % 12000))
		if [ -z "$(ss -Htan "( sport = :$p )")" ]; then
			echo "$p"
			return 0
		fi
	done
	die "no free port"
}

wait_port() {
	local i
	for i in $(seq $wait_tries); do
		(exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep $wait_step
	done
	die "nothing listens on port $1 (see $dir/*.log)"
}

# Waits until pid has no children left: the handlers of the last run.
wait_children() {
	local i
	for i in $(seq $wait_tries); do
		pgrep -P "$1" >/dev/null || return 0
		sleep $wait_step
	done
	return 0
}

# The process whose children are the handlers, and whether it starts one
# per connection.
spawner=
per_conn=

# start NAME PORT [NICE]: starts server NAME on CPU 0, sets $server_pid.
start() {
	local name=$1 port=$2 nice=${3:-} ssa wrap=
	ssa="systemd-socket-activate -l 127.0.0.1:$port --accept --inetd"
	# The wrapper costs one exec per connection; the control run with
	# "nice -n 0" pays it too.
	[ -n "$nice" ] && wrap="nice -n $nice"
	case $name in
	ref)	set -- $ssa $wrap "$dir/refhandler" ;;
	ref-stats)
		set -- $ssa $wrap "$dir/refhandler" -s "$dir/ref.jsonl" ;;
	ref-record)
		set -- $ssa $wrap "$dir/refhandler" -f -s "$dir/ref.jsonl" ;;
	ref-static)
		set -- $ssa $wrap "$dir/refhandler-static" ;;
	stdhttpd)
		set -- $ssa $wrap "$dir/stdhttpd" -r "$dir/www" \
		    -s "$dir/stats.jsonl" ;;
	stdhttpd-static)
		set -- $ssa $wrap "$dir/stdhttpd-static" -r "$dir/www" \
		    -s "$dir/stats.jsonl" ;;
	stdhttpd-nostats)
		# flock and write on /dev/null are real system calls that
		# cost what they cost on a file; only the page cache and the
		# file's growth are left out.
		set -- $ssa $wrap "$dir/stdhttpd" -r "$dir/www" \
		    -s /dev/null ;;
	stdhttpd-xinetd)
		xinetd_conf "$port"
		set -- xinetd -f "$dir/xinetd.conf" -dontfork \
		    -pidfile "$dir/xinetd.pid" -filelog "$dir/xinetd.log" ;;
	nginx)	nginx_conf "$port"
		set -- nginx -c "$dir/nginx.conf" -p "$dir/" ;;
	lighttpd)
		lighttpd_conf "$port"
		set -- lighttpd -D -f "$dir/lighttpd.conf" ;;
	busybox)
		set -- $ssa busybox httpd -i -h "$dir/www" ;;
	micro_httpd)
		set -- $ssa micro-httpd "$dir/www" ;;
	*)	die "unknown server $name" ;;
	esac
	timeout "$server_timeout" taskset -c 0 "$@" 3>&- </dev/null \
	    >>"$dir/$name.log" 2>&1 &
	server_pid=$!
	pids="$pids $server_pid"
	wait_port "$port"
	# timeout's child is the activator (taskset execs it).
	spawner=$(pgrep -P "$server_pid" | head -n 1)
	case $name in
	nginx|lighttpd) per_conn= ;;
	*) per_conn=1 ;;
	esac
}

stop() {
	kill "$server_pid" 2>/dev/null || :
	wait "$server_pid" 2>/dev/null || :
	pids=${pids/ $server_pid/}
	# nginx and lighttpd leave workers for a moment; ports must be free.
	sleep 0.2
}

xinetd_conf() {
	cat >"$dir/xinetd.conf" <<-CONF
	defaults
	{
		log_type	= FILE $dir/xinetd-services.log
	}
	service stdhttpd-bench
	{
		type		= UNLISTED
		port		= $1
		bind		= 127.0.0.1
		protocol	= tcp
		socket_type	= stream
		wait		= no
		user		= root
		server		= $dir/stdhttpd
		server_args	= -r $dir/www -s $dir/stats-xinetd.jsonl
		instances	= UNLIMITED
		per_source	= UNLIMITED
		cps		= 100000 1
		log_on_success	=
		log_on_failure	=
	}
	CONF
}

# Stock settings but for one worker and no access log.
nginx_conf() {
	mkdir -p "$dir/nginx-tmp"
	cat >"$dir/nginx.conf" <<-CONF
	daemon off;
	worker_processes 1;
	pid $dir/nginx.pid;
	error_log $dir/nginx-error.log;
	events { worker_connections 1024; }
	http {
		types { text/html html; }
		access_log off;
		sendfile on;
		tcp_nopush on;
		client_body_temp_path $dir/nginx-tmp;
		proxy_temp_path $dir/nginx-tmp;
		fastcgi_temp_path $dir/nginx-tmp;
		uwsgi_temp_path $dir/nginx-tmp;
		scgi_temp_path $dir/nginx-tmp;
		server {
			listen 127.0.0.1:$1;
			root $dir/www;
		}
	}
	CONF
}

lighttpd_conf() {
	cat >"$dir/lighttpd.conf" <<-CONF
	server.document-root = "$dir/www"
	server.bind = "127.0.0.1"
	server.port = $1
	server.errorlog = "$dir/lighttpd-error.log"
	mimetype.assign = (".html" => "text/html")
	CONF
}

# The number after "99%" in wrk's latency distribution, in milliseconds.
wrk_p99() {
	awk '$1 == "99%" {
		v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000
		else if (u == "m") v *= 60000
		printf "%.2f", v }' "$1"
}

# measure NAME WORKLOAD PORT RUN: one wrk run, appended to raw.tsv.
measure() {
	local name=$1 w=$2 port=$3 run=$4 log rps p99 max err
	local url="http://127.0.0.1:$port/index.html" args extra=()
	case $w in
	ka1)	args=(-c1) ;;
	ka32)	args=(-c32) ;;
	ka256)	args=(-c256) ;;
	# wrk drops a header without a space after the colon.
	close32) args=(-c32 -H "Connection: close") ;;
	pipe16)	args=(-c32 -s tests/bench/pipeline.lua); extra=(-- 16) ;;
	esac
	log="$dir/wrk-$name-$w-$run.txt"
	# The stats files must not grow without end over a whole bench.
	: >"$dir/stats.jsonl"
	: >"$dir/ref.jsonl"
	: >"$dir/stats-xinetd.jsonl"
	# wrk waits that long for a response before calling it a timeout.
	taskset -c 1 wrk -t1 "${args[@]}" -d"$duration" --timeout 5s \
	    --latency "$url" "${extra[@]}" >"$log" 2>&1 ||
	    die "wrk failed: $(cat "$log")"
	rps=$(awk '$1 == "Requests/sec:" { printf "%d", $2 }' "$log")
	p99=$(wrk_p99 "$log")
	max=$(awk '$1 == "Latency" && NF >= 4 { print to_ms($4) }
	    function to_ms(v,  u) { u = v; sub(/[0-9.]+/, "", u)
		sub(/[a-z]+$/, "", v)
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000
		else if (u == "m") v *= 60000
		return sprintf("%.1f", v) }' "$log")
	err=$(awk '/Socket errors/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
	    /Non-2xx/ { n += $5 } END { print n + 0 }' "$log")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$w" "$run" \
	    "${rps:-0}" "${p99:-0}" "${err:-0}" "${max:-0}" >>"$dir/raw.tsv"
	# Keep-alive handlers exit when wrk closes; the next run starts
	# without them.
	[ -z "$per_conn" ] || wait_children "$spawner"
}

# median NAME WORKLOAD COLUMN: the median over the runs (4: req/s, 5: p99
# in ms, 6: wrk's errors, 7: the maximum latency in ms).
median() {
	awk -F'\t' -v s="$1" -v w="$2" -v c="$3" \
	    '$1 == s && $2 == w { print $c }' "$dir/raw.tsv" | sort -g |
	    awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# private_median: the median private memory (KiB) of the spawner's
# children, and how many there are.
private_median() {
	local pid
	for pid in $(pgrep -P "$spawner"); do
		awk '/^Private_(Clean|Dirty):/ { k += $2 } END { print k }' \
		    "/proc/$pid/smaps_rollup" 2>/dev/null
	done | sort -n | awk '{ v[NR] = $1 } END {
		if (NR) printf "%d %d", v[int((NR + 1) / 2)], NR }'
}

# Median private memory (KiB) of the handlers with idle_conns idle
# keep-alive connections, each after one request: half a second after it,
# and two seconds after it (stdhttpd gives its buffers back after one).
memory() {
	local name=$1 port fds= fd i answered idle
	port=$(free_port)
	start "$name" "$port"
	for i in $(seq $idle_conns); do
		exec {fd}<>"/dev/tcp/127.0.0.1/$port"
		printf 'GET /index.html HTTP/1.1\r\nHost: bench\r\n\r\n' >&"$fd"
		fds="$fds $fd"
	done
	for i in $(seq $wait_tries); do
		[ "$(pgrep -P "$spawner" -c)" -ge $idle_conns ] && break
		sleep $wait_step
	done
	sleep 0.5
	answered=$(private_median)
	sleep 1.5
	idle=$(private_median)
	for fd in $fds; do
		exec {fd}>&-
	done
	printf '%s\t%s\t%s\n' "$name" "$answered" "$idle" >>"$dir/memory.tsv"
	stop
}

# pratio NAME OTHER WORKLOAD: the median over the rounds of NAME's requests
# per second divided by OTHER's in the same round.  A round measures the
# two seconds apart, so the ratio pairs runs that met the same machine;
# a ratio of the medians could pair a quiet minute with a busy one.
pratio() {
	awk -F'\t' -v a="$1" -v b="$2" -v w="$3" '
	    $2 == w && $1 == a { x[$3] = $4 }
	    $2 == w && $1 == b { y[$3] = $4 }
	    END { for (r in x) if ((r in y) && y[r] > 0) print x[r] / y[r] }' \
	    "$dir/raw.tsv" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR) printf "%.2f", v[int((NR + 1) / 2)]; else print "-" }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "" || b == "" || b == 0) print "-"
		else printf "%.2f", a / b }'
}

# A number with thousands separators, or "-" for none.
fmt() {
	[ -n "$1" ] || { echo -; return; }
	echo "${1%.*}" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'
}

cell() {
	echo "${1:--}"
}

# Prints the results as markdown, from raw.tsv and memory.tsv.
report() {
	local s w line r m kib n
	local -A label=(
	    [ref]="reference handler"
	    [ref-stats]="reference + flock'd JSON line"
	    [ref-record]="reference + a line like stdhttpd's record"
	    [ref-static]="reference, static"
	    [stdhttpd]="stdhttpd, stats on"
	    [stdhttpd-static]="stdhttpd static (STATIC=1), stats on"
	    [stdhttpd-nostats]="stdhttpd, stats to /dev/null"
	    [stdhttpd-xinetd]="stdhttpd under xinetd, stats on"
	    [nginx]="nginx $(nginx -v 2>&1 | sed 's|.*/||'), 1 worker"
	    [lighttpd]="lighttpd $(lighttpd -v 2>/dev/null | sed -n 's|^lighttpd/\([^ ]*\).*|\1|p')"
	    [busybox]="busybox httpd -i"
	    [micro_httpd]="micro_httpd")
	echo "Requests per second, medians of $runs runs of $duration s;" \
	    "p99 latency in ms.  $(nproc) CPUs, $(uname -r)," \
	    "server on CPU 0, wrk on CPU 1, a $file_len-byte file," \
	    "activator systemd-socket-activate unless named."
	echo
	echo "| server | keep-alive 1 | keep-alive 32 | keep-alive 256 |" \
	    "close 32 | pipelined ×16, 32 | p99 at 32 | p99 at 256 |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	for s in $servers; do
		line="| ${label[$s]:-$s} |"
		for w in $workloads; do
			line="$line $(fmt "$(median "$s" "$w" 4)") |"
		done
		line="$line $(cell "$(median "$s" ka32 5)") |"
		line="$line $(cell "$(median "$s" ka256 5)") |"
		echo "$line"
	done
	echo
	errors
	echo "Ratios: the median over the rounds of stdhttpd's requests per" \
	    "second (stats on, unless named) divided by the other's in the" \
	    "same round:"
	echo
	echo "| against | keep-alive 1 | keep-alive 32 | keep-alive 256 |" \
	    "close 32 | pipelined ×16, 32 |"
	echo "|---|---:|---:|---:|---:|---:|"
	for r in ref ref-stats ref-record nginx lighttpd; do
		line="| ${label[$r]} |"
		for w in $workloads; do
			line="$line $(pratio stdhttpd "$r" "$w") |"
		done
		echo "$line"
	done
	line="| stdhttpd stats off ÷ reference |"
	for w in $workloads; do
		line="$line $(pratio stdhttpd-nostats ref "$w") |"
	done
	echo "$line"
	echo
	if [ -s "$dir/memory.tsv" ]; then
		echo "Private memory per handler (Private_Clean + Private_Dirty" \
		    "of /proc/PID/smaps_rollup), median of $idle_conns" \
		    "keep-alive connections, each after one request:"
		echo
		echo "| handler | KiB after 0.5 s | KiB after 2 s | processes |"
		echo "|---|---:|---:|---:|"
		while IFS=$'\t' read -r s a i; do
			set -- $a
			line="| ${label[$s]:-$s} | ${1:--} |"
			set -- $i
			echo "$line ${1:--} | ${2:--} |"
		done <"$dir/memory.tsv"
		echo
	fi
	if grep -q '^nice' "$dir/raw.tsv"; then
		echo "Keep-alive 256, stdhttpd started through \`nice -n N\`" \
		    "by an activator at nice 0 (medians of $runs runs):"
		echo
		echo "| handlers' nice | req/s | p99 ms | max ms |"
		echo "|---:|---:|---:|---:|"
		for n in $nice_levels; do
			echo "| $n | $(fmt "$(median "nice$n" ka256 4)") |" \
			    "$(cell "$(median "nice$n" ka256 5)") |" \
			    "$(cell "$(median "nice$n" ka256 7)") |"
		done
		echo
	fi
	targets
}

# Names the runs in which wrk counted errors (socket errors or answers
# other than 2xx and 3xx), whose figures do not measure what they seem to.
errors() {
	local e
	e=$(awk -F'\t' '{ n[$1 ", " $2] += $6; r[$1 ", " $2]++ }
	    END { for (k in n) if (n[k] > 0)
		printf "- %s: %d a run on average\n", k, n[k] / r[k] }' \
	    "$dir/raw.tsv" | sort)
	[ -n "$e" ] || return 0
	echo "wrk counted errors in these runs (socket errors, or answers" \
	    "other than 2xx and 3xx):"
	echo
	echo "$e"
	echo
}

# target TEXT VALUE LIMIT: one row of the targets table (VALUE >= LIMIT).
target() {
	local met
	met=$(awk -v v="$2" -v l="$3" 'BEGIN {
		if (v == "-" || v == "") print "not measured"
		else if (v + 0 >= l + 0) print "met"
		else printf "missed by %.0f%%", (l - v) * 100 / l }')
	echo "| $1 | $2 | $met |"
}

targets() {
	local kib
	echo "Targets:"
	echo
	echo "| target | measured | |"
	echo "|---|---:|---|"
	target "keep-alive 1: ≥ 0.95× reference + JSON line" \
	    "$(pratio stdhttpd ref-stats ka1)" 0.95
	target "keep-alive 1: ≥ 1.0× nginx" \
	    "$(pratio stdhttpd nginx ka1)" 1
	target "keep-alive 1: ≥ 1.0× lighttpd" \
	    "$(pratio stdhttpd lighttpd ka1)" 1
	target "keep-alive 32: ≥ 0.95× reference + JSON line" \
	    "$(pratio stdhttpd ref-stats ka32)" 0.95
	target "pipelined ×16: ≥ 1.0× reference + JSON line" \
	    "$(pratio stdhttpd ref-stats pipe16)" 1
	target "pipelined ×16: ≥ 1.5× lighttpd" \
	    "$(pratio stdhttpd lighttpd pipe16)" 1.5
	target "close 32: ≥ 1.0× reference (dynamic)" \
	    "$(pratio stdhttpd ref close32)" 1
	target "close 32, static stdhttpd: ≥ 1.0× reference (dynamic)" \
	    "$(pratio stdhttpd-static ref close32)" 1
	# Written as ratios so that one rule reads every row: 1.0 is 100 KiB.
	for s in stdhttpd stdhttpd-static; do
		kib=$(awk -F'\t' -v s=$s '$1 == s { split($3, a, " "); print a[1] }' \
		    "$dir/memory.tsv" 2>/dev/null)
		target "idle memory of $s ≤ 100 KiB private (100 ÷ KiB)" \
		    "$(ratio 100 "$kib")" 1
	done
}

plot() {
	local s w
	command -v gnuplot >/dev/null || return 0
	{
		printf 'server'
		for w in $workloads; do printf '\t%s' "$w"; done
		echo
		for s in $servers; do
			printf '%s' "$s"
			for w in $workloads; do
				printf '\t%s' "$(median "$s" "$w" 4 | grep . || echo NaN)"
			done
			echo
		done
	} >"$out/medians.tsv"
	gnuplot <<-PLOT 2>>"$dir/gnuplot.log" || :
	set terminal pngcairo size 1200,600 noenhanced
	set output "$out/results.png"
	set title "requests per second, medians of $runs runs of $duration s (log scale)"
	set style data histograms
	set style histogram clustered gap 1
	set style fill solid 0.8 border -1
	set logscale y
	set yrange [100:*]
	set grid ytics
	set key outside right
	set datafile separator "\t"
	set xtics rotate by -20
	plot for [i=2:6] "$out/medians.tsv" using i:xtic(1) title columnhead(i)
	PLOT
}

[ "$(id -u)" -eq 0 ] || die "run as root: it installs packages and starts xinetd"
tests/deps.sh bench
make --no-print-directory build/stdhttpd build/stdhttpd-admin >&2
make --no-print-directory B=build/static STATIC=1 build/static/stdhttpd >&2
# Everything a run uses lives in the scratch directory, so a rebuild or a
# clean of build/ during the quarter of an hour changes nothing measured.
dir=$(mktemp -d /tmp/stdhttpd-bench.XXXXXX)
# nginx's worker runs as nobody and must read the file.
chmod 0755 "$dir"
cp build/stdhttpd "$dir/stdhttpd"
cp build/static/stdhttpd "$dir/stdhttpd-static"
cc -std=c11 -D_GNU_SOURCE -O2 -o "$dir/refhandler" tests/bench/refhandler.c
# Static glibc is the floor of start-up cost.
cc -std=c11 -D_GNU_SOURCE -O2 -static -o "$dir/refhandler-static" \
    tests/bench/refhandler.c 2>/dev/null ||
    { echo "no static libc: leaving out ref-static" >&2
	servers=${servers/ref-static/}; }
mkdir "$dir/www"
head -c $file_len /dev/zero | tr '\0' x >"$dir/www/index.html"
chmod -R a+rX "$dir/www"
: >"$dir/raw.tsv"
: >"$dir/memory.tsv"

present=
for s in $servers; do
	command -v "$(case $s in
	    micro_httpd) echo micro-httpd ;; stdhttpd-xinetd) echo xinetd ;;
	    nginx|lighttpd|busybox) echo "$s" ;; *) echo true ;; esac)" \
	    >/dev/null || { echo "bench: $s is missing, skipped" >&2; continue; }
	present="$present $s"
done

# Each round measures every server on one workload before the next, so a
# ratio compares runs seconds apart: the machine's state drifts over the
# quarter of an hour (other guests, idle states) more than between them.
for run in $(seq "$runs"); do
	for w in $workloads; do
		for s in $present; do
			ws=$workloads
			case $s in *-static) ws=$static_workloads ;; esac
			case " $ws " in *" $w "*) ;; *) continue ;; esac
			port=$(free_port)
			start "$s" "$port"
			echo "bench: $s $w run $run" >&2
			measure "$s" "$w" "$port" "$run"
			stop
		done
	done
done

for s in stdhttpd stdhttpd-static ref ref-static; do
	case " $servers " in *" $s "*) memory "$s" ;; esac
done

# Tail latency at 256 connections: the activator at nice 0 accepts and
# spawns while the handlers run at the given nice level.
for n in $nice_levels; do
	port=$(free_port)
	start stdhttpd "$port" "$n"
	for run in $(seq "$runs"); do
		echo "bench: stdhttpd at nice $n, ka256 run $run" >&2
		measure "nice$n" ka256 "$port" "$run"
	done
	stop
done

mkdir -p "$out"
cp "$dir/raw.tsv" "$dir/memory.tsv" "$out/"
report | tee "$out/results.md"
plot
[ -s "$out/results.png" ] && echo && echo "plot: $out/results.png"

if [ "${ADMIN_BENCH:-1}" = 1 ]; then
	echo
	echo "stdhttpd-admin:"
	tests/bench/admin-bench.sh | tee "$out/admin.txt"
fi
