#!/usr/bin/env bats
# stdhttpd under a real systemd: a throw-away container (systemd-nspawn
# over this machine's /usr, with an empty /etc and a private network)
# boots with the units, sysusers.d and tmpfiles.d files that make install
# wrote, and the tests talk to it through its network namespace.

load deploy_helper

# in_net COMMAND...: runs COMMAND in the container's network namespace.
in_net() {
	nsenter -t "$INIT" -n "$@"
}

# in_ct COMMAND...: runs COMMAND inside the container (all namespaces).
in_ct() {
	nsenter -t "$INIT" -a "$@"
}

no_instances() {
	[ -z "$(in_ct systemctl list-units --all --plain --no-legend \
	    'stdhttpd@*')" ]
}

booted() {
	case $(in_ct systemctl is-system-running 2>/dev/null) in
	running|degraded) return 0 ;;
	esac
	return 1
}

setup_file() {
	[ "$(id -u)" -eq 0 ] || skip "systemd-nspawn needs root"
	command -v systemd-nspawn >/dev/null ||
	    skip "systemd-nspawn missing (package systemd-container)"
	local t=$BATS_FILE_TMPDIR d u nspawn i
	d=$t/dest
	u=$(deploy_unitdir)
	deploy_install "$d"
	# Enabled, as "systemctl enable" would.
	mkdir -p "$d$u/sockets.target.wants"
	ln -s ../stdhttpd.socket ../stdhttpd-admin.socket \
	    "$d$u/sockets.target.wants/"

	export NAME=stdhttpd-nspawn-$$-$RANDOM
	(
		for cg in $(deploy_cgroup_dirs "$NAME"); do
			mkdir -p "$cg" && echo "$BASHPID" >"$cg/cgroup.procs"
		done
		exec timeout 600 systemd-nspawn -q -D / --volatile=yes \
		    --private-network --register=no --keep-unit \
		    --bind-ro="$d$u:/etc/systemd/system" \
		    --bind-ro="$d/usr/local:/usr/local" \
		    --bind-ro="$d/etc/stdhttpd:/etc/stdhttpd" \
		    --bind-ro="$d/usr/lib/sysusers.d/stdhttpd.conf:/etc/sysusers.d/stdhttpd.conf" \
		    --bind-ro="$d/usr/lib/tmpfiles.d/stdhttpd.conf:/etc/tmpfiles.d/stdhttpd.conf" \
		    --bind="$d/var/www/stdhttpd:/var/www/stdhttpd" \
		    --bind-ro=/etc/nsswitch.conf \
		    -M "$NAME" -b -- systemd.firstboot=off
	) </dev/null >"$t/nspawn.log" 2>&1 3>&- &
	export TIMEOUT_PID=$!
	# timeout -> systemd-nspawn -> the container's systemd.
	for i in $(seq 100); do
		nspawn=$(pgrep -P "$TIMEOUT_PID" | head -n 1)
		[ -n "$nspawn" ] && INIT=$(pgrep -P "$nspawn" | head -n 1)
		[ -n "$INIT" ] && break
		sleep 0.1
	done
	[ -n "$INIT" ] || { cat "$t/nspawn.log" >&2; return 1; }
	export INIT DEST=$d
	# A start job that hangs on a loaded machine holds the boot until
	# systemd's own 90 s job timeout; wait that out, and say what waited.
	deploy_wait 120 booted || {
		cat "$t/nspawn.log" >&2
		in_ct systemctl is-system-running >&2
		in_ct systemctl list-jobs --no-pager >&2
		return 1
	}
}

teardown_file() {
	local i
	[ -n "${HOLD_PID:-}" ] && stop_pid "$HOLD_PID"
	if [ -n "${INIT:-}" ]; then
		kill -RTMIN+3 "$INIT" 2>/dev/null
		for i in $(seq 100); do
			kill -0 "$TIMEOUT_PID" 2>/dev/null || break
			sleep 0.1
		done
	fi
	[ -n "${TIMEOUT_PID:-}" ] && stop_pid "$TIMEOUT_PID"
	[ -n "${NAME:-}" ] && deploy_cgroup_remove "$NAME"
	return 0
}

@test "the container boots with both sockets listening and no failed unit" {
	run in_ct systemctl is-active stdhttpd.socket stdhttpd-admin.socket
	assert_output - <<-EOF
	active
	active
	EOF
	run in_ct systemctl list-units --failed --plain --no-legend
	assert_output ''
	run in_ct getent passwd stdhttpd
	assert_success
}

@test "stdhttpd.socket serves the butterfly page" {
	run in_net curl -sS -D - http://127.0.0.1/
	assert_success
	assert_line --regexp '^HTTP/1.1 200 '
	assert_line --partial 'Content-Type: text/html'
	assert_output --partial '<canvas id="butterfly"'
}

@test "a missing page is answered with the site's own 404 page" {
	run in_net curl -sS -w '%{http_code}\n' http://127.0.0.1/no/such/page
	assert_line 404
	assert_output --partial 'The butterfly flew off'
}

@test "the test site's files come with their media types" {
	local path type
	for path in site/css/site.css:text/css site/js/site.js:javascript \
	    site/images/butterfly.png:image/png site/text/readme.txt:text/plain; do
		type=${path#*:}
		run in_net curl -sS -o /dev/null -w '%{http_code} %{content_type}' \
		    "http://127.0.0.1/${path%%:*}"
		assert_output --regexp "^200 .*$type"
	done
}

@test "an upload lands in the upload area and is served back" {
	local name=note-$RANDOM.txt
	printf 'uploaded through systemd\n' >"$BATS_TEST_TMPDIR/body"
	run in_net curl -sS -o /dev/null -w '%{http_code}' \
	    -T "$BATS_TEST_TMPDIR/body" "http://127.0.0.1/upload/$name"
	assert_output --regexp '^20[14]$'
	cmp "$BATS_TEST_TMPDIR/body" "$DEST/var/www/stdhttpd/upload/$name"
	run in_net curl -sS "http://127.0.0.1/upload/$name"
	assert_output 'uploaded through systemd'
	# Owned by the unprivileged user, not root.
	run in_ct stat -c %U "/var/www/stdhttpd/upload/$name"
	assert_output stdhttpd
}

@test "a PUT outside the upload area is refused and changes nothing" {
	printf 'defaced\n' >"$BATS_TEST_TMPDIR/body"
	run in_net curl -sS -o /dev/null -w '%{http_code}' \
	    -T "$BATS_TEST_TMPDIR/body" http://127.0.0.1/index.html
	assert_output 405
	cmp "$DEST/var/www/stdhttpd/index.html" "$TOP/www/index.html"
}

@test "the admin socket answers request stats with the right counts" {
	local before after i
	before=$(deploy_admin 8081 'request stats' nsenter -t "$INIT" -n)
	[[ $before == *END* ]] || fail "no answer: $before"
	for i in 1 2 3; do
		in_net curl -sS -o /dev/null http://127.0.0.1/HelloWorld.html
	done
	in_net curl -sS -o /dev/null -X DELETE http://127.0.0.1/index.html
	after=$(deploy_admin 8081 'request stats' nsenter -t "$INIT" -n)
	[ $(($(deploy_count "$after" GET) - $(deploy_count "$before" GET))) -eq 3 ] ||
	    fail "GET went from $(deploy_count "$before" GET) to $(deploy_count "$after" GET)"
	[ $(($(deploy_count "$after" DELETE) - $(deploy_count "$before" DELETE))) -eq 1 ] ||
	    fail "DELETE: before: $before after: $after"
	run in_ct systemctl is-active stdhttpd-admin.service
	assert_output active
}

@test "a handler runs as stdhttpd and can write only the stats and uploads" {
	local pid uid gid
	# Hold one connection open halfway through its request head.
	nsenter -t "$INIT" -n bash -c 'exec 3<>/dev/tcp/127.0.0.1/80
	    printf "GET / HTTP/1.1\r\nHost: x\r\n" >&3; sleep 8' 3>&- &
	HOLD_PID=$!
	deploy_wait 5 in_ct pgrep -x -u stdhttpd stdhttpd
	pid=$(in_ct pgrep -x -u stdhttpd stdhttpd | head -n 1)
	uid=$(in_ct id -u stdhttpd)
	gid=$(in_ct id -g stdhttpd)
	# as_handler CMD: CMD with the handler's mounts and credentials.
	as_handler() {
		in_ct nsenter -t "$pid" -m -S "$uid" -G "$gid" sh -c "$1"
	}
	run as_handler 'touch /var/www/stdhttpd/upload/.probe'
	assert_success
	run as_handler 'touch /var/lib/stdhttpd/.probe'
	assert_success
	for path in /var/www/stdhttpd/.probe /var/lib/.probe /etc/.probe \
	    /usr/local/.probe; do
		run as_handler "touch $path"
		assert_failure
		assert_output --partial 'Read-only file system'
	done
	# Home directories are not even visible.
	run as_handler 'ls -A /root /home'
	assert_output --partial 'Permission denied'
	rm -f "$DEST/var/www/stdhttpd/upload/.probe"
	run in_ct systemctl show -p NoNewPrivileges -p ProtectSystem \
	    -p CapabilityBoundingSet 'stdhttpd@*'
	assert_line NoNewPrivileges=yes
	assert_line ProtectSystem=strict
	assert_line CapabilityBoundingSet=
	stop_pid "$HOLD_PID"
	HOLD_PID=
}

@test "the admin reads the stats but cannot write them" {
	local pid uid gid
	pid=$(in_ct systemctl show -p MainPID --value stdhttpd-admin.service)
	[ "$pid" -gt 0 ]
	run in_ct ps -o user= -p "$pid"
	assert_output stdhttpd
	uid=$(in_ct id -u stdhttpd)
	gid=$(in_ct id -g stdhttpd)
	run in_ct nsenter -t "$pid" -m -S "$uid" -G "$gid" sh -c \
	    'head -c 1 /var/lib/stdhttpd/stats.jsonl && touch /var/lib/stdhttpd/.probe'
	assert_failure
	assert_output --regexp '^\{'
	assert_output --partial 'Read-only file system'
}

@test "the admin keeps its checkpoint in its own state directory" {
	run in_ct systemctl stop stdhttpd-admin.service
	assert_success
	run in_ct test -s /var/lib/stdhttpd-admin/checkpoint
	assert_success
	# The socket starts it again on the next query, from the checkpoint.
	run deploy_admin 8081 'request stats' nsenter -t "$INIT" -n
	assert_output --partial 'END'
}

@test "past MaxConnectionsPerSource one address's stalled clients leave others served" {
	local limit running
	limit=$(sed -n 's/^MaxConnectionsPerSource=//p' "$TOP/systemd/stdhttpd.socket")
	[ "$limit" -gt 0 ] && [ "$limit" -lt 48 ]
	# 48 connections from 127.0.0.1, each stalled halfway through its
	# head; past the limit systemd closes them at once, and a write may
	# meet SIGPIPE, which only the subshell takes.
	nsenter -t "$INIT" -n bash -c 'for i in $(seq 48); do
		exec {fd}<>/dev/tcp/127.0.0.1/80
		(printf "GET / HTTP/1.1\r\nHost: x\r\n" >&$fd) 2>/dev/null || :
	    done; exec sleep 8' 3>&- &
	HOLD_PID=$!
	deploy_wait 5 bash -c "[ \$(nsenter -t $INIT -a pgrep -c -x -u stdhttpd stdhttpd) -ge $limit ]"
	sleep 0.5
	running=$(in_ct pgrep -c -x -u stdhttpd stdhttpd)
	echo "handlers running: $running"
	[ "$running" -eq "$limit" ]
	# Another address is served at once.
	run in_net curl -sS --max-time 2 --interface 127.0.0.2 -o /dev/null \
	    -w '%{http_code}' http://127.0.0.1/
	assert_output 200
	stop_pid "$HOLD_PID"
	HOLD_PID=
	deploy_wait 10 no_instances
}

@test "a connection that ends in error leaves no unit behind" {
	run in_net bash -c 'printf "NOT HTTP\r\n\r\n" | timeout 5 nc -N -w3 127.0.0.1 80'
	assert_line --regexp '^HTTP/1.1 400 '
	# Each instance is collected when it ends, failed or not.
	deploy_wait 5 no_instances
	run in_ct systemctl list-units --failed --plain --no-legend
	assert_output ''
}

@test "a handler's diagnostic goes to the journal, never to the client" {
	# A directory where the stats file should be: every handler now fails
	# to record, says so, and still answers.
	in_ct sh -c 'mv /var/lib/stdhttpd/stats.jsonl /var/lib/stdhttpd/saved &&
	    mkdir /var/lib/stdhttpd/stats.jsonl'
	run in_net curl -sS -D - http://127.0.0.1/HelloWorld.html
	in_ct sh -c 'rmdir /var/lib/stdhttpd/stats.jsonl &&
	    mv /var/lib/stdhttpd/saved /var/lib/stdhttpd/stats.jsonl'
	assert_line --regexp '^HTTP/1.1 200 '
	refute_output --partial 'stats file'
	deploy_wait 5 bash -c "nsenter -t $INIT -a journalctl -q --no-pager \
	    -u 'stdhttpd@*' | grep -q 'stats file'"
}

@test "under RestrictSUIDSGID= every request would be 500, and the journal says why" {
	# systemd enforces it by making openat2() fail, which is why the
	# shipped unit leaves it out.
	in_ct sh -c 'mkdir -p /run/systemd/system/stdhttpd@.service.d &&
	    printf "[Service]\nRestrictSUIDSGID=yes\n" \
	        >/run/systemd/system/stdhttpd@.service.d/suid.conf &&
	    systemctl daemon-reload'
	run in_net curl -sS -o /dev/null -w '%{http_code}' \
	    http://127.0.0.1/HelloWorld.html
	in_ct sh -c 'rm -r /run/systemd/system/stdhttpd@.service.d &&
	    systemctl daemon-reload'
	assert_output 500
	deploy_wait 5 bash -c "nsenter -t $INIT -a journalctl -q --no-pager \
	    -u 'stdhttpd@*' | grep -q ': request 1: 500 Internal Server Error: Function not implemented$'"
	run in_net curl -sS -o /dev/null -w '%{http_code}' \
	    http://127.0.0.1/HelloWorld.html
	assert_output 200
}
