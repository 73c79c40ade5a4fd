#!/usr/bin/env bats
# stdhttpd under a private xinetd in the foreground: its configuration
# includes the service files that make install wrote, with a test port,
# paths beneath a scratch directory and the user nobody substituted, and
# the tests check pages, uploads, the admin and the error log through it.

load deploy_helper

setup_file() {
	[ "$(id -u)" -eq 0 ] || skip "xinetd needs root to start services as nobody"
	command -v xinetd >/dev/null || skip "xinetd missing (package xinetd)"
	local w d
	# Not beneath BATS_FILE_TMPDIR: nobody must be able to reach it.
	w=$(mktemp -d /tmp/stdhttpd-xinetd.XXXXXX)
	chmod 0755 "$w"
	export W=$w
	d=$w/dest
	deploy_install "$d"
	export PORT=$(free_port) APORT=$(free_port)
	[ "$PORT" != "$APORT" ] || APORT=$(free_port)

	cp -r "$TOP/www" "$w/www"
	rm -rf "$w/www/upload" && mkdir "$w/www/upload" "$w/stats" "$w/log"
	chown nobody "$w/www/upload" "$w/stats" "$w/log"
	sed -e "s|^root[[:space:]].*|root $w/www|" \
	    -e "s|^stats[[:space:]].*|stats $w/stats/stats.jsonl|" \
	    -e "s|^#*error_log[[:space:]].*|error_log $w/log/error.log|" \
	    "$d/etc/stdhttpd/stdhttpd.conf" >"$w/stdhttpd.conf"

	mkdir "$w/xinetd.d"
	for f in stdhttpd stdhttpd-admin; do
		sed -e "s|= 80\$|= $PORT|" -e "s|= 8081\$|= $APORT|" \
		    -e 's|disable\([[:space:]]*\)= yes|disable\1= no|' \
		    -e 's|\(user[[:space:]]*=\) stdhttpd$|\1 nobody|' \
		    -e 's|\(group[[:space:]]*=\) stdhttpd$|\1 nogroup|' \
		    -e "s|/usr/local/sbin/|$d/usr/local/sbin/|" \
		    -e "s|/etc/stdhttpd/stdhttpd.conf|$w/stdhttpd.conf|" \
		    "$d/etc/xinetd.d/$f" >"$w/xinetd.d/$f"
	done
	# The web service listens on loopback only here.
	sed -i 's|^\([[:space:]]*\)wait\([[:space:]]*\)= no|&\n\1bind\2= 127.0.0.1|' \
	    "$w/xinetd.d/stdhttpd"
	cat >"$w/xinetd.conf" <<-CONF
	defaults
	{
		log_type	= FILE $w/services.log
	}
	includedir $w/xinetd.d
	CONF

	timeout 300 xinetd -f "$w/xinetd.conf" -dontfork \
	    -pidfile "$w/xinetd.pid" -filelog "$w/xinetd.log" 3>&- &
	export XINETD_PID=$!
	deploy_wait 10 grep -q 'Started working' "$w/xinetd.log" ||
	    { cat "$w/xinetd.log" >&2; return 1; }
}

teardown_file() {
	local p
	# xinetd leaves a running "wait = yes" server behind: stop its
	# children by pid first.
	if [ -n "${XINETD_PID:-}" ]; then
		for p in $(pgrep -P "$(cat "$W/xinetd.pid" 2>/dev/null || echo 0)"); do
			stop_pid "$p"
		done
		stop_pid "$XINETD_PID"
	fi
	[ -n "${W:-}" ] && rm -rf "$W"
	return 0
}

@test "xinetd starts both shipped services without a complaint" {
	run grep -E 'Started working: [0-9]+ available service' "$W/xinetd.log"
	assert_output --partial 'Started working: 2 available services'
	run grep -Ei 'error|warning|bad |unknown' "$W/xinetd.log"
	assert_output ''
}

@test "pages come through xinetd with their media types" {
	run curl -sS -D - "http://127.0.0.1:$PORT/"
	assert_line --regexp '^HTTP/1.1 200 '
	assert_output --partial '<canvas id="butterfly"'
	run curl -sS -o /dev/null -w '%{http_code} %{content_type}' \
	    "http://127.0.0.1:$PORT/site/images/butterfly.png"
	assert_output '200 image/png'
}

@test "two requests on one connection both come back" {
	run curl -sS -o /dev/null -o /dev/null -w '%{http_code} %{num_connects}\n' \
	    "http://127.0.0.1:$PORT/HelloWorld.html" \
	    "http://127.0.0.1:$PORT/site/css/site.css"
	assert_output - <<-EOF
	200 1
	200 0
	EOF
}

@test "a missing page gets the site's 404 page through xinetd" {
	run curl -sS -w '%{http_code}\n' "http://127.0.0.1:$PORT/missing.html"
	assert_line 404
	assert_output --partial 'The butterfly flew off'
}

@test "an upload through xinetd lands as the unprivileged user" {
	printf 'uploaded through xinetd\n' >"$BATS_TEST_TMPDIR/body"
	run curl -sS -o /dev/null -w '%{http_code}' -T "$BATS_TEST_TMPDIR/body" \
	    "http://127.0.0.1:$PORT/upload/x.txt"
	assert_output --regexp '^20[14]$'
	cmp "$BATS_TEST_TMPDIR/body" "$W/www/upload/x.txt"
	[ "$(stat -c %U "$W/www/upload/x.txt")" = nobody ]
	run curl -sS "http://127.0.0.1:$PORT/upload/x.txt"
	assert_output 'uploaded through xinetd'
}

@test "the admin started by xinetd answers request stats with the right counts" {
	local before after
	before=$(deploy_admin "$APORT" 'request stats')
	[[ $before == *END* ]] || fail "no answer: $before"
	curl -sS -o /dev/null "http://127.0.0.1:$PORT/HelloWorld.html"
	curl -sS -o /dev/null "http://127.0.0.1:$PORT/HelloWorld.html"
	after=$(deploy_admin "$APORT" 'request stats')
	[ $(($(deploy_count "$after" GET) - $(deploy_count "$before" GET))) -eq 2 ] ||
	    fail "before: $before after: $after"
	run grep -c 'START: stdhttpd-admin' "$W/services.log"
	assert_output 1
}

@test "a handler's diagnostic goes to the error log, never into a response" {
	# xinetd passes the connection as standard error too.  A directory
	# where the stats file should be makes the handler complain.
	mv "$W/stats/stats.jsonl" "$W/stats/saved"
	mkdir "$W/stats/stats.jsonl"
	run curl -sS -D - "http://127.0.0.1:$PORT/HelloWorld.html"
	rmdir "$W/stats/stats.jsonl"
	mv "$W/stats/saved" "$W/stats/stats.jsonl"
	assert_line --regexp '^HTTP/1.1 200 '
	refute_output --partial 'stats file'
	assert_output --partial '<h1>Hello, World!</h1>'
	run grep -c 'stats file' "$W/log/error.log"
	assert_output --regexp '^[1-9]'
}
