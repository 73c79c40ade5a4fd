# Helpers for admin.bats: requests to the handler and stats files made by
# hand.  The servers and the admin's line client come from helper.bash.

load helper

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
