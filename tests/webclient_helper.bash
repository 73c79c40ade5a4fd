# webclient_helper.bash - servers for tests/webclient.bats: stdhttpd under
# systemd-socket-activate, a scripted server that answers a few requests and
# closes, and nc capturing requests (nginx comes from helper.bash).
# Every server listens on 127.0.0.1, runs under timeout, and is stopped by
# its pid.

load helper

# WEBCLIENT= runs the suite against another webclient.
WC=${WEBCLIENT:-$BUILD/webclient}
WC_SERVER_LIFETIME=600	# seconds: an upper bound on the whole suite

# wc_start_stdhttpd ROOT STATS: sets SD_PORT and SD_PID.
wc_start_stdhttpd() {
	SD_PORT=$(free_port)
	SYSTEMD_LOG_LEVEL=warning timeout "$WC_SERVER_LIFETIME" \
	    systemd-socket-activate -l "127.0.0.1:$SD_PORT" --accept --inetd \
	    "$STDHTTPD" -r "$1" -s "$2" -w /upload/ 3>&- 2>/dev/null &
	SD_PID=$!
	wait_port "$SD_PORT"
}

# wc_start_script DIR N: a server that answers N requests on the first
# connection and then closes it, and every request on later ones.  Each
# answer's body is "answer to TARGET"; DIR/requests gets "CONN TARGET" per
# request.  With N = 0 the first connection closes after reading the first
# request head without answering.  Sets SC_PORT and SC_PID.
wc_start_script() {
	local d=$1
	SC_PORT=$(free_port)
	cat > "$d/server.sh" <<-'EOF'
	#!/bin/bash
	d=$1 n=$2
	conn=$(( $(cat "$d/conns" 2>/dev/null || echo 0) + 1 ))
	echo "$conn" > "$d/conns"
	[ "$conn" -gt 1 ] && n=1000000
	count=0 target=
	while IFS= read -r line; do
		line=${line%$'\r'}
		if [ -z "$target" ]; then
			target=${line#* } target=${target%% *}
			continue
		fi
		[ -n "$line" ] && continue
		echo "$conn $target" >> "$d/requests"
		if [ "$n" -eq 0 ]; then
			# Close our side first, so socat shuts the connection
			# down with a FIN, not a reset.
			exec >&-
			sleep 0.3
			exit 0
		fi
		body="answer to $target"
		printf 'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s' \
		    "${#body}" "$body"
		count=$((count + 1)) target=
		if [ "$count" -ge "$n" ]; then
			# As above: had the script exited at once, socat could
			# fail writing to it and drop the answers not yet sent.
			exec >&-
			sleep 0.3
			exit 0
		fi
	done
	EOF
	chmod +x "$d/server.sh"
	timeout "$WC_SERVER_LIFETIME" socat \
	    "TCP-LISTEN:$SC_PORT,bind=127.0.0.1,reuseaddr,fork" \
	    "EXEC:$d/server.sh $d $2" 3>&- 2>/dev/null &
	SC_PID=$!
	# Not wait_port: a probe would count as the first connection.
	wait_listen "$SC_PORT"
}

# wc_capture PORT FILE RESPONSE [NC-FLAG]: nc accepts one connection, sends
# RESPONSE (a file) and writes what the client sent to FILE.  Sets NC_PID.
wc_capture() {
	timeout 20 nc ${4:-} -l 127.0.0.1 "$1" < "$3" > "$2" 3>&- &
	NC_PID=$!
	wait_listen "$1"
}
