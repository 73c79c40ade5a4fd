#!/usr/bin/env bats
# make run: the newcomer's first command serves www/ and starts the admin.

load helper

teardown() {
	[ -n "${RUN_PID:-}" ] || return 0
	# make, tests/serve.sh and both activators share one process group.
	kill -TERM -- -"$RUN_PID" 2>/dev/null || true
	stop_pid "$RUN_PID"
}

@test "make run refuses a port outside 1024-65535 with a clear message" {
	run make -s -C "$TOP" run PORT=80
	assert_failure
	assert_output --partial 'port 80 is outside 1024-65535'
	run make -s -C "$TOP" run PORT=8080 ADMIN_PORT=70000
	assert_failure
	assert_output --partial 'port 70000 is outside 1024-65535'
}

@test "make run serves www/ over HTTP and the admin answers" {
	port=$(free_port)
	admin=$(free_port)
	setsid timeout 60 make -s -C "$TOP" run PORT="$port" ADMIN_PORT="$admin" \
	    >"$BATS_TEST_TMPDIR/run.log" 2>&1 3>&- &
	RUN_PID=$!
	wait_port "$port"
	run curl -sS --max-time 5 "http://127.0.0.1:$port/HelloWorld.html"
	assert_success
	assert_output --partial 'Hello'
	run curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/no-such-page"
	assert_output 404
	wait_port "$admin"
	run bash -c "printf 'health\r\n' | timeout 5 nc -N -w 3 127.0.0.1 $admin"
	assert_line --partial 'up'
	assert_line --partial 'END'
	run cat "$BATS_TEST_TMPDIR/run.log"
	assert_output --partial "http://localhost:$port/"
}
