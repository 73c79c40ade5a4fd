#!/usr/bin/env bats
# The www site in a real browser: headless Chromium loads the pages from
# stdhttpd under systemd-socket-activate (one process per connection, as
# under stdhttpd.socket).  The butterfly page reads its canvas back and
# writes how much ink each half holds into the DOM, which --dump-dom
# shows; screenshots are kept in build/browser/ for a person to look at.

load deploy_helper

setup_file() {
	command -v chromium >/dev/null || skip "chromium missing (package chromium)"
	command -v systemd-socket-activate >/dev/null ||
	    skip "systemd-socket-activate missing (package systemd)"
	local t=$BATS_FILE_TMPDIR
	cp -r "$TOP/www" "$t/www"
	mkdir -p "$t/stats" "$TOP/build/browser"
	sed -e "s|^root[[:space:]].*|root $t/www|" \
	    -e "s|^stats[[:space:]].*|stats $t/stats/stats.jsonl|" \
	    "$TOP/stdhttpd.conf" >"$t/stdhttpd.conf"
	export PORT=$(free_port) ART=$TOP/build/browser
	timeout 300 systemd-socket-activate -l "127.0.0.1:$PORT" --accept \
	    --inetd "$STDHTTPD" -c "$t/stdhttpd.conf" \
	    2>"$t/activate.log" 3>&- &
	export ACTIVATE_PID=$!
	wait_port "$PORT"
}

teardown_file() {
	stop_pid "${ACTIVATE_PID:-}"
}

# chrome MODE URL: headless Chromium, offline, a fresh profile each time.
# MODE is --dump-dom or --screenshot=FILE.
chrome() {
	local profile
	profile=$(mktemp -d "$BATS_TEST_TMPDIR/profile.XXXXXX")
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$profile" --window-size=800,600 "$1" "$2" \
	    2>/dev/null
}

# attr NAME: the value of the first NAME="..." attribute in $output.
attr() {
	printf '%s\n' "$output" | grep -o "$1=\"[^\"]*\"" | head -n 1 |
	    sed 's/^[^"]*"//; s/"$//'
}

@test "Chromium draws the butterfly on the canvas" {
	run chrome --dump-dom "http://127.0.0.1:$PORT/"
	assert_success
	local left right
	left=$(attr data-ink-left)
	right=$(attr data-ink-right)
	[ -n "$left" ] && [ -n "$right" ] || fail "the page script did not run: $output"
	# A drawn curve, not a dot or a filled box: thousands of pixels of a
	# 480x400 canvas, and the two wings nearly mirror each other.
	[ "$left" -gt 3000 ] && [ "$right" -gt 3000 ] ||
	    fail "too little ink: left $left right $right"
	[ $((left + right)) -lt 96000 ] || fail "the canvas is filled: $left $right"
	[ $((left * 10)) -gt $((right * 9)) ] && [ $((right * 10)) -gt $((left * 9)) ] ||
	    fail "wings differ: left $left right $right"
	assert_output --partial 'pixels of ink.'
}

@test "a screenshot of the butterfly page is kept in build/browser" {
	rm -f "$ART/butterfly.png"
	run chrome --screenshot="$ART/butterfly.png" "http://127.0.0.1:$PORT/"
	assert_success
	[ "$(head -c 8 "$ART/butterfly.png" | od -An -tx1 | tr -d ' \n')" = \
	    89504e470d0a1a0a ]
	# A blank 800x600 page compresses to a few kilobytes; the drawing
	# does not.
	[ "$(stat -c %s "$ART/butterfly.png")" -gt 20000 ]
}

@test "a missing page shows the site's 404 page in Chromium" {
	run chrome --dump-dom "http://127.0.0.1:$PORT/no/such/page.html"
	assert_output --partial 'The butterfly flew off'
	chrome --screenshot="$ART/404.png" \
	    "http://127.0.0.1:$PORT/no/such/page.html"
	[ -s "$ART/404.png" ]
}

@test "the test site's stylesheet, script and PNG all load in Chromium" {
	run chrome --dump-dom "http://127.0.0.1:$PORT/site/html/gallery.html"
	assert_output --partial 'script ran: Gallery'
	# site.css colours headings rgb(42, 93, 143); the PNG is 64 wide.
	[ "$(attr data-h1-color)" = 'rgb(42, 93, 143)' ] ||
	    fail "stylesheet not applied: $(attr data-h1-color)"
	[ "$(attr data-png-width)" = 64 ] || fail "PNG not decoded: $output"
}

@test "the butterfly page needs nothing from another site" {
	run grep -Eo '(src|href|url)[=(]"?[a-z]+://' "$TOP/www/index.html"
	assert_output ''
	# What Chromium drew above came from stdhttpd.
	run grep -c '"method":"GET","target":"/",.*"status":200' \
	    "$BATS_FILE_TMPDIR/stats/stats.jsonl"
	assert_output --regexp '^[1-9]'
}
