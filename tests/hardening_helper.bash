# Shared functions of the hardening suites (hostile.bats, faults.bats,
# memory.bats): short timeouts, the processes a handler runs as, checks that
# a stats file is whole JSON Lines, and bounded waits.  The servers come from
# helper.bash.

load helper

# A slow machine (or the sanitizer build) starts a handler in tens of
# milliseconds; every wait below is bounded by these many tenths of a second.
WAIT_TENTHS=100

# fast_conf FILE [LINES...]: a configuration with one-second timeouts, so a
# stalled client is dropped quickly, plus any further directives.
fast_conf() {
	local file=$1
	shift
	{
		printf '%s\n' 'header_timeout 1s' 'body_timeout 1s' \
		    'idle_timeout 1s'
		[ $# -eq 0 ] || printf '%s\n' "$@"
	} >"$file"
}

# handlers PID: the pids of the handlers running under the activator that
# start_handler started as PID (timeout's child's children).
handlers() {
	local act
	for act in $(pgrep -P "$1"); do
		pgrep -P "$act"
	done
}

# until_handlers_gone PID: waits until no handler runs under PID.
until_handlers_gone() {
	local i
	for i in $(seq "$WAIT_TENTHS"); do
		[ -z "$(handlers "$1")" ] && return 0
		sleep 0.1
	done
	echo "handlers still running: $(handlers "$1" | wc -l)" >&2
	return 1
}

# until_lines FILE PATTERN N: waits until N lines of FILE match PATTERN
# (grep -E), e.g. N close records once every client has gone.
until_lines() {
	local i n
	for i in $(seq "$WAIT_TENTHS"); do
		n=$(grep -c -E -- "$2" "$1" 2>/dev/null) || :
		[ "${n:-0}" -ge "$3" ] && return 0
		sleep 0.1
	done
	echo "$1: ${n:-0} lines match $2, wanted $3" >&2
	return 1
}

# stats_valid FILE: every line of FILE is one whole JSON object with an
# event, and the file ends in a newline.  jq reads the lines one by one, so
# two records run together or a torn line fail it.
stats_valid() {
	[ ! -s "$1" ] && return 0
	[ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] ||
	    { echo "$1 does not end in a newline" >&2; return 1; }
	jq -c 'if type == "object" and (.event | type == "string")
	    then empty else error("not a record") end' "$1" >/dev/null ||
	    { echo "$1 holds a line that is not a record" >&2; return 1; }
	# jq takes "{}{}" on one line as two values: count lines too.
	[ "$(jq -c . "$1" | wc -l)" -eq "$(wc -l <"$1")" ] ||
	    { echo "$1 holds two records on one line" >&2; return 1; }
}

# status_of: the status codes of the responses on stdin, one a line.
status_of() {
	grep -a -o '^HTTP/1\.[01] [0-9][0-9][0-9]' | cut -d' ' -f2
}

# max_rss_kb ARGS... < input: the handler's peak resident set in KiB for one
# pipe-mode run; its output is thrown away.
max_rss_kb() {
	local out
	out=$(mktemp)
	timeout 20 /usr/bin/time -f '%M' -o "$out" "$STDHTTPD" "$@" \
	    >/dev/null 2>&1 || :
	tail -n 1 "$out"
	rm -f "$out"
}
