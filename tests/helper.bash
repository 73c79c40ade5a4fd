# Shared helpers for the bats suites: build paths, a scratch document root,
# free loopback ports, the handler under systemd-socket-activate, and the
# peers nginx and lighttpd.
# Every server started here listens on 127.0.0.1, runs under timeout and is
# stopped by its pid.

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
# STDHTTPD_BUILD names another build tree (make check-asan).
BUILD=${STDHTTPD_BUILD:-$TOP/build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
STDHTTPD=$BUILD/stdhttpd
ADMIN=$BUILD/stdhttpd-admin
export SYSTEMD_LOG_LEVEL=warning

# A TCP port no socket on this machine uses.  It is below 32768, where the
# kernel picks the local ports of outgoing connections (and the suites make
# many), so that nothing takes it between here and bind().
free_port() {
	local port i
	for i in $(seq 50); do
		port=$((20000 + RANDOM % 12000))
		if [ -z "$(ss -Htan "sport = :$port" 2>/dev/null)" ]; then
			echo "$port"
			return 0
		fi
	done
	return 1
}

# Waits (at most 5 s) until something listens on 127.0.0.1:PORT, without
# connecting: for servers that count or serve only one connection.
wait_listen() {
	local i
	for i in $(seq 100); do
		ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
		sleep 0.05
	done
	echo "nothing listens on port $1" >&2
	return 1
}

# Waits until 127.0.0.1:PORT accepts connections: at most 30 s, since a
# loaded machine can take seconds to start an activator.
wait_port() {
	local i
	for i in $(seq 600); do
		(exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.05
	done
	echo "port $1 never opened" >&2
	return 1
}

# make_site DIR: a small document root the suites share.
make_site() {
	mkdir -p "$1/sub" "$1/empty" "$1/upload" "$1/.git"
	printf '<!DOCTYPE html>\n<title>home</title>\n<p>home page</p>\n' >"$1/index.html"
	printf 'hello\n' >"$1/hello.txt"
	printf 'body { color: red }\n' >"$1/style.css"
	printf 'in sub\n' >"$1/sub/index.html"
	printf 'secret\n' >"$1/.htpasswd"
	printf 'secret\n' >"$1/.git/config"
	printf 'no type\n' >"$1/data.unknownext"
	head -c 100000 /dev/urandom >"$1/big.bin"
}

# start_handler PORT ARGS...: the handler behind systemd-socket-activate,
# one process per connection on fd 0/1 (the inetd convention).  Sets
# HANDLER_PID.
start_handler() {
	local port=$1
	shift
	timeout 300 systemd-socket-activate -l "127.0.0.1:$port" --accept \
	    --inetd "$STDHTTPD" "$@" 3>&- 2>>"$BATS_FILE_TMPDIR/activate.log" &
	HANDLER_PID=$!
	wait_port "$port"
}

# nginx and lighttpd, the peers some suites compare with, run at most this
# long (seconds): an upper bound on a whole suite.
PEER_LIFETIME=600

# start_nginx DIR: nginx with one worker serving DIR/www (DIR/www/upload/
# takes PUT and DELETE; DIR/www/chunked/ answers chunked); sets NG_PORT and
# NG_PID.
start_nginx() {
	local d=$1
	NG_PORT=$(free_port)
	mkdir -p "$d/www/upload" "$d/www/chunked" "$d/tmp"
	# As root, nginx's workers would run as nobody, who cannot enter the
	# test's private temporary directory: keep them as root.
	local user=
	[ "$(id -u)" -ne 0 ] || user='user root;'
	cat > "$d/nginx.conf" <<-EOF
	$user
	worker_processes 1;
	error_log $d/error.log;
	events { worker_connections 64; }
	http {
		access_log $d/access.log;
		client_body_temp_path $d/tmp;
		proxy_temp_path $d/tmp;
		fastcgi_temp_path $d/tmp;
		uwsgi_temp_path $d/tmp;
		scgi_temp_path $d/tmp;
		types { text/plain txt; text/html html; }
		server {
			listen 127.0.0.1:$NG_PORT;
			root $d/www;
			location /upload/ {
				dav_methods PUT DELETE;
				create_full_put_path on;
			}
			# A body filter drops Content-Length: nginx chunks.
			location /chunked/ {
				sub_filter 'zebra' 'ZEBRA';
				sub_filter_once off;
				sub_filter_types *;
			}
		}
	}
	EOF
	timeout "$PEER_LIFETIME" nginx -p "$d" -c "$d/nginx.conf" \
	    -g "daemon off; pid $d/nginx.pid;" 3>&- 2>/dev/null &
	NG_PID=$!
	wait_port "$NG_PORT"
}

# start_lighttpd DIR: lighttpd serving DIR/www, with index.html as the
# index file and the types nginx gets above (without a type lighttpd sends
# no validators); sets LT_PORT and LT_PID.
start_lighttpd() {
	local d=$1
	LT_PORT=$(free_port)
	cat > "$d/lighttpd.conf" <<-EOF
	server.document-root = "$d/www"
	server.bind = "127.0.0.1"
	server.port = $LT_PORT
	server.errorlog = "$d/lighttpd-error.log"
	index-file.names = ( "index.html" )
	mimetype.assign = ( ".txt" => "text/plain", ".html" => "text/html" )
	EOF
	timeout "$PEER_LIFETIME" lighttpd -D -f "$d/lighttpd.conf" 3>&- \
	    2>/dev/null &
	LT_PID=$!
	wait_port "$LT_PORT"
}

# stop_pid PID: stops a server started by a suite, bounded in time.
stop_pid() {
	[ -n "${1:-}" ] || return 0
	kill "$1" 2>/dev/null || return 0
	local i
	for i in $(seq 50); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	# Still there: a wrapper such as timeout waits for its child, which
	# must not outlive the test either.
	pkill -9 -P "$1" 2>/dev/null || true
	kill -9 "$1" 2>/dev/null || true
}

# pipe_request ARGS... < request: the handler in pipe mode, output with the
# Date field masked so responses compare byte for byte.
pipe_request() {
	timeout 10 "$STDHTTPD" "$@" | sed 's/^Date: .*\r$/Date: X\r/'
}

# raw PORT: sends stdin in one write and prints everything the server
# answers until it closes (at most 5 s).
raw() {
	timeout 5 nc -N -w 5 127.0.0.1 "$1"
}

# start_admin STATS [ARGS...]: stdhttpd-admin on a free port, exec'd on the
# first connection as systemd starts it (Accept=no); wait_port makes that
# connection.  Sets ADMIN_PORT and ADMIN_PID.
start_admin() {
	local stats=$1
	shift
	ADMIN_PORT=$(free_port)
	timeout 300 systemd-socket-activate -l "127.0.0.1:$ADMIN_PORT" \
	    "$ADMIN" -s "$stats" "$@" 3>&- 2>>"$BATS_FILE_TMPDIR/admin.log" &
	ADMIN_PID=$!
	wait_port "$ADMIN_PORT"
}

# ask COMMAND...: the admin's answers to the commands, without CRs, until
# it closes or 10 s pass.
ask() {
	{ printf '%s\r\n' "$@"; printf 'quit\r\n'; } |
	    timeout 10 nc -N -w 10 127.0.0.1 "$ADMIN_PORT" | tr -d '\r' |
	    sed '/^goodbye$/,$d'
}

# ask_many N WANT COMMAND...: N clients ask the COMMANDs at once; each must
# get exactly WANT.
ask_many() {
	local n=$1 want=$2 i out pids=()
	shift 2
	for i in $(seq "$n"); do
		ask "$@" >"$BATS_TEST_TMPDIR/ask$i.out" &
		pids+=($!)
	done
	wait "${pids[@]}"
	for i in $(seq "$n"); do
		out=$(cat "$BATS_TEST_TMPDIR/ask$i.out")
		[ "$out" = "$want" ] || { echo "client $i got: $out"; return 1; }
	done
}

# until_answer COMMAND EXPECTED: asks until the answer is EXPECTED (the
# handlers write their records a moment after the response), at most 10 s.
until_answer() {
	local i got
	for i in $(seq 100); do
		got=$(ask "$1")
		[ "$got" = "$2" ] && return 0
		sleep 0.1
	done
	printf 'asked: %s\nwanted:\n%s\ngot:\n%s\n' "$1" "$2" "$got" >&2
	return 1
}
