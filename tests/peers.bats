#!/usr/bin/env bats
# stdhttpd next to nginx and lighttpd: the same raw requests, over loopback,
# to the three of them serving the same files.  Each table lists requests on
# which nginx and lighttpd give the same status, and stdhttpd must give it
# too.  Where stdhttpd answers differently from both, README.md says why
# ("Where stdhttpd answers differently from nginx and lighttpd"), and the
# unit tests, handler.bats and upload.bats test its answer.

load helper

setup_file() {
	export T=$BATS_FILE_TMPDIR
	mkdir -p "$T/www/dir"
	printf 'hello world, 0123456789abcdefghij\n' > "$T/www/a.txt"	# 34 bytes
	printf '<p>index</p>\n' > "$T/www/dir/index.html"
	# lighttpd answers no 304 for a file changed within the second.
	touch -d '2020-01-01 00:00:00 UTC' "$T/www/a.txt" "$T/www/dir/index.html"
	start_nginx "$T"
	start_lighttpd "$T"
	SD_PORT=$(free_port)
	start_handler "$SD_PORT" -r "$T/www" -s "$T/stats.jsonl"
	export NG_PORT NG_PID LT_PORT LT_PID SD_PORT SD_PID=$HANDLER_PID
}

teardown_file() {
	stop_pid "${SD_PID:-}"
	stop_pid "${NG_PID:-}"
	stop_pid "${LT_PID:-}"
}

# status PORT REQUEST: the status code in the server's first answer line
# ("none" without one within 5 s).  REQUEST is in printf %b notation.
status() {
	local line=
	exec 3<>"/dev/tcp/127.0.0.1/$1"
	# The server may close before it has read everything.
	(printf '%b' "$2" >&3) 2>/dev/null
	IFS= read -r -t 5 line <&3 || :
	exec 3>&-
	line=${line#HTTP/1.? }
	echo "${line:0:3}" | grep -x '[0-9][0-9][0-9]' || echo none
}

# agree < TABLE: each line is a status and a request, "STATUS REQUEST";
# nginx, lighttpd and stdhttpd must all answer the request with STATUS.
# Prints each line that any of them answers differently.
agree() {
	local want req ng lt sd bad=0
	while read -r want req; do
		[ -n "$want" ] || continue
		ng=$(status "$NG_PORT" "$req")
		lt=$(status "$LT_PORT" "$req")
		sd=$(status "$SD_PORT" "$req")
		if [ "$ng $lt $sd" != "$want $want $want" ]; then
			echo "want $want: nginx $ng, lighttpd $lt," \
			    "stdhttpd $sd: $req"
			bad=1
		fi
	done
	return $bad
}

@test "the request line is judged as nginx and lighttpd judge it" {
	agree <<-'EOF'
	200 GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n
	200 GET /a.txt HTTP/1.0\r\n\r\n
	200 GET http://x/a.txt HTTP/1.1\r\nHost: x\r\n\r\n
	200 GET HTTP://x/a.txt HTTP/1.1\r\nHost: x\r\n\r\n
	200 GET /a.txt? HTTP/1.1\r\nHost: x\r\n\r\n
	200 GET /a.txt?x=1 HTTP/1.1\r\nHost: x\r\n\r\n
	400 GET /a.txt http/1.1\r\nHost: x\r\n\r\n
	400 GET a.txt HTTP/1.1\r\nHost: x\r\n\r\n
	400 GET http:///a.txt HTTP/1.1\r\nHost: x\r\n\r\n
	400 GET http://u@x/a.txt HTTP/1.1\r\nHost: x\r\n\r\n
	400 GET http://x:abc/a.txt HTTP/1.1\r\nHost: x\r\n\r\n
	400 GET http://[::1/a.txt HTTP/1.1\r\nHost: x\r\n\r\n
	505 GET /a.txt HTTP/2.0\r\nHost: x\r\n\r\n
	505 GET /a.txt HTTP/3.0\r\nHost: x\r\n\r\n
	EOF
}

@test "header fields and Host are judged as nginx and lighttpd judge them" {
	agree <<-'EOF'
	400 GET /a.txt HTTP/1.1\r\n\r\n
	400 GET /a.txt HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n
	400 GET /a.txt HTTP/1.1\r\nHost: x y\r\n\r\n
	400 GET /a.txt HTTP/1.1\r\nHost: a/b\r\n\r\n
	400 GET /a.txt HTTP/1.1\r\nHost: :80\r\n\r\n
	200 GET /a.txt HTTP/1.1\r\nHost: [::1]:80\r\n\r\n
	400 GET /a.txt HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n
	400 GET /a.txt HTTP/1.1\r\nHost : x\r\n\r\n
	400 GET /a.txt HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n
	400 GET /a.txt HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n
	200 GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, close\r\n\r\n
	EOF
}

@test "paths resolve beneath the root as they do in nginx and lighttpd" {
	agree <<-'EOF'
	404 GET /nope HTTP/1.1\r\nHost: x\r\n\r\n
	200 GET //a.txt HTTP/1.1\r\nHost: x\r\n\r\n
	200 GET /./a.txt HTTP/1.1\r\nHost: x\r\n\r\n
	200 GET /dir/../a.txt HTTP/1.1\r\nHost: x\r\n\r\n
	200 GET /a%2etxt HTTP/1.1\r\nHost: x\r\n\r\n
	400 GET /a%00.txt HTTP/1.1\r\nHost: x\r\n\r\n
	404 GET /a%7Ctxt HTTP/1.1\r\nHost: x\r\n\r\n
	404 GET /a|b HTTP/1.1\r\nHost: x\r\n\r\n
	404 GET /\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n
	301 GET /dir HTTP/1.1\r\nHost: x\r\n\r\n
	200 GET /dir/ HTTP/1.1\r\nHost: x\r\n\r\n
	200 GET /dir/. HTTP/1.1\r\nHost: x\r\n\r\n
	403 GET /dir/.. HTTP/1.1\r\nHost: x\r\n\r\n
	EOF
}

@test "single byte ranges get the statuses nginx and lighttpd give" {
	agree <<-'EOF'
	206 GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-4\r\n\r\n
	206 GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=-5\r\n\r\n
	206 GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=5-\r\n\r\n
	206 GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=33-\r\n\r\n
	206 GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: BYTES=0-4\r\n\r\n
	416 GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=34-\r\n\r\n
	416 GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=1000-2000\r\n\r\n
	416 GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=-0\r\n\r\n
	200 GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: items=0-4\r\n\r\n
	200 GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes = 0-4\r\n\r\n
	200 GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-4\r\nIf-Range: "no"\r\n\r\n
	200 GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-4\r\nIf-Range: Sat, 01 Jan 2000 00:00:00 GMT\r\n\r\n
	EOF
}

@test "preconditions are evaluated as nginx and lighttpd evaluate them" {
	agree <<-'EOF'
	304 GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: *\r\n\r\n
	200 GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: "no"\r\n\r\n
	404 GET /nope HTTP/1.1\r\nHost: x\r\nIf-None-Match: *\r\n\r\n
	200 GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-Match: *\r\n\r\n
	200 GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n\r\n
	200 GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Saturday, 01-Jan-00 00:00:00 GMT\r\n\r\n
	200 GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: garbage\r\n\r\n
	EOF
}

@test "message framing is judged as nginx and lighttpd judge it" {
	agree <<-'EOF'
	400 GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n
	400 GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\na
	400 GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n
	400 GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab
	400 GET /a.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n
	400 GET /a.txt HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n
	EOF
}
