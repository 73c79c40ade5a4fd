#!/usr/bin/env bats
# What "make install" ships, checked offline: the units as installed pass
# systemd-analyze verify without a warning, paths follow the install
# variables, uninstall takes back what install put down, the man pages
# are clean, and the logrotate snippet rotates by rename.

load deploy_helper

setup_file() {
	export DEST=$BATS_FILE_TMPDIR/dest
	deploy_install "$DEST"
	export UNITDIR=$(deploy_unitdir)
}

# verify_root ROOT UNITDIR: systemd-analyze verify of our four units under
# ROOT, with systemd's own units beside them for the targets they name.
verify_root() {
	mkdir -p "$1/usr/lib/systemd"
	[ -d "$1/usr/lib/systemd/system" ] ||
	    cp -r /usr/lib/systemd/system "$1/usr/lib/systemd/"
	run systemd-analyze verify --man=no --root="$1" \
	    "$2/stdhttpd.socket" "$2/stdhttpd@.service" \
	    "$2/stdhttpd-admin.socket" "$2/stdhttpd-admin.service"
}

@test "make install puts programs, man pages, units and conffiles in place" {
	for f in /usr/local/sbin/stdhttpd /usr/local/sbin/stdhttpd-admin \
	    /usr/local/bin/webclient; do
		[ -x "$DEST$f" ] || fail "missing $f"
	done
	for u in stdhttpd.socket stdhttpd@.service stdhttpd-admin.socket \
	    stdhttpd-admin.service; do
		[ -f "$DEST$UNITDIR/$u" ] || fail "missing $UNITDIR/$u"
	done
	for f in /etc/stdhttpd/stdhttpd.conf /etc/xinetd.d/stdhttpd \
	    /etc/xinetd.d/stdhttpd-admin /etc/logrotate.d/stdhttpd \
	    /usr/lib/sysusers.d/stdhttpd.conf /usr/lib/tmpfiles.d/stdhttpd.conf \
	    /var/www/stdhttpd/index.html /var/www/stdhttpd/404.html \
	    /usr/local/share/man/man8/stdhttpd.8; do
		[ -f "$DEST$f" ] || fail "missing $f"
	done
	[ -d "$DEST/var/www/stdhttpd/upload" ]
	cmp "$DEST/var/www/stdhttpd/site/images/butterfly.png" \
	    "$TOP/www/site/images/butterfly.png"
}

@test "the installed units pass systemd-analyze verify without a warning" {
	verify_root "$DEST" "$UNITDIR"
	assert_success
	assert_output ''
}

@test "systemd-analyze verify notices a unit whose program is missing" {
	# The check above must be able to fail: without the admin binary the
	# same verify complains.
	local d=$BATS_TEST_TMPDIR/broken
	mkdir -p "$d"
	cp -a "$DEST/." "$d/"
	rm "$d/usr/local/sbin/stdhttpd-admin"
	verify_root "$d" "$UNITDIR"
	assert_output --partial 'stdhttpd-admin is not executable'
}

@test "the installed configuration serves the installed root and state" {
	local conf=$DEST/etc/stdhttpd/stdhttpd.conf
	run grep -E '^root[[:space:]]+/var/www/stdhttpd$' "$conf"
	assert_success
	run grep -E '^stats[[:space:]]+/var/lib/stdhttpd/stats.jsonl$' "$conf"
	assert_success
	# It is a valid configuration once its root exists.
	sed "s|^root[[:space:]].*|root $DEST/var/www/stdhttpd|" "$conf" \
	    >"$BATS_TEST_TMPDIR/check.conf"
	run "$DEST/usr/local/sbin/stdhttpd" -t -c "$BATS_TEST_TMPDIR/check.conf"
	assert_success
}

@test "paths inside the installed files follow PREFIX, SYSCONFDIR and LOCALSTATEDIR" {
	local d=$BATS_TEST_TMPDIR/opt
	deploy_install "$d" PREFIX=/opt/sh SYSCONFDIR=/opt/sh/etc \
	    LOCALSTATEDIR=/opt/sh/var
	run grep -h '^ExecStart=' "$d$UNITDIR/stdhttpd@.service" \
	    "$d$UNITDIR/stdhttpd-admin.service"
	assert_line 'ExecStart=-/opt/sh/sbin/stdhttpd -c /opt/sh/etc/stdhttpd/stdhttpd.conf'
	assert_line 'ExecStart=/opt/sh/sbin/stdhttpd-admin -c /opt/sh/etc/stdhttpd/stdhttpd.conf -k ${STATE_DIRECTORY}/checkpoint'
	run grep -h 'ReadWritePaths=' "$d$UNITDIR/stdhttpd@.service"
	assert_output 'ReadWritePaths=/opt/sh/var/lib/stdhttpd -/opt/sh/var/www/stdhttpd/upload'
	run grep -h '^[[:space:]]*server[[:space:]]' "$d/opt/sh/etc/xinetd.d/stdhttpd" \
	    "$d/opt/sh/etc/xinetd.d/stdhttpd-admin"
	assert_line --regexp 'server[[:space:]]+= /opt/sh/sbin/stdhttpd$'
	assert_line --regexp 'server[[:space:]]+= /opt/sh/sbin/stdhttpd-admin$'
	run grep -c '^/opt/sh/var/lib/stdhttpd/stats.jsonl {' \
	    "$d/opt/sh/etc/logrotate.d/stdhttpd"
	assert_output 1
	run grep -E '^(root|stats)[[:space:]]' "$d/opt/sh/etc/stdhttpd/stdhttpd.conf"
	assert_line --regexp '^root[[:space:]]+/opt/sh/var/www/stdhttpd$'
	assert_line --regexp '^stats[[:space:]]+/opt/sh/var/lib/stdhttpd/stats.jsonl$'
	# Nothing still points at the default locations.
	run grep -rEn '(^|[[:space:]=-])(/usr/local|/var/|/etc/stdhttpd)' \
	    "$d$UNITDIR" "$d/opt/sh/etc"
	assert_output ''
	[ -x "$d/opt/sh/sbin/stdhttpd" ]
	[ -f "$d/opt/sh/var/www/stdhttpd/index.html" ]
	verify_root "$d" "$UNITDIR"
	assert_success
	assert_output ''
}

@test "make uninstall removes every file that make install added" {
	local d=$BATS_TEST_TMPDIR/round
	deploy_install "$d"
	[ -n "$(find "$d" -type f)" ]
	make -C "$TOP" --no-print-directory -s uninstall DESTDIR="$d" \
	    >/dev/null
	run find "$d" -type f
	assert_output ''
	run find "$d" -depth -name '*stdhttpd*'
	assert_output ''
}

@test "install keeps an edited configuration and uninstall leaves it" {
	local d=$BATS_TEST_TMPDIR/edited
	mkdir -p "$d/etc/stdhttpd" "$d/etc/xinetd.d"
	printf 'root\t/srv/mine\n' >"$d/etc/stdhttpd/stdhttpd.conf"
	deploy_install "$d"
	run cat "$d/etc/stdhttpd/stdhttpd.conf"
	assert_output "$(printf 'root\t/srv/mine')"
	# An administrator enables the xinetd service after installing.
	sed -i 's/disable[[:space:]]*= yes/disable = no/' "$d/etc/xinetd.d/stdhttpd"
	make -C "$TOP" --no-print-directory -s uninstall DESTDIR="$d" \
	    >/dev/null
	run find "$d" -type f
	assert_output - <<-EOF
	$d/etc/stdhttpd/stdhttpd.conf
	$d/etc/xinetd.d/stdhttpd
	EOF
}

@test "every man page is clean under mandoc -Tlint" {
	local page n=0
	for page in "$TOP"/src/*.[158]; do
		[ -f "$page" ] || continue
		n=$((n + 1))
		# Cross-references to the other pages and to pages this
		# machine lacks depend on its manual database, not on ours.
		run bash -c "mandoc -Tlint '$page' 2>&1 |
		    grep -v -e 'referenced manual not found' -e 'outdated mandoc.db'"
		assert_output ''
	done
	[ "$n" -ge 1 ]
}

@test "logrotate moves the stats file aside by rename and starts a new one" {
	local d=$BATS_TEST_TMPDIR/rot ino
	mkdir -p "$d"
	printf '{"event":"request"}\n' >"$d/stats.jsonl"
	ino=$(stat -c %i "$d/stats.jsonl")
	# The installed snippet, pointed at a scratch file and owned by us.
	sed -e "s|/var/lib/stdhttpd/stats.jsonl|$d/stats.jsonl|" \
	    -e "s|stdhttpd stdhttpd\$|$(id -un) $(id -gn)|" \
	    "$DEST/etc/logrotate.d/stdhttpd" >"$d/conf"
	run grep -c '^[[:space:]]*copytruncate' "$d/conf"
	assert_output 0
	run logrotate -f -s "$d/state" "$d/conf"
	assert_success
	run find "$d" -name 'stats.jsonl-*'
	assert_output --regexp "^$d/stats.jsonl-[0-9]{8}\$"
	# The old file kept its inode (a rename, not a copy) and its record.
	[ "$(stat -c %i "$output")" = "$ino" ]
	run cat "$output"
	assert_output '{"event":"request"}'
	[ -f "$d/stats.jsonl" ] && [ ! -s "$d/stats.jsonl" ]
	[ "$(stat -c %a "$d/stats.jsonl")" = 640 ]
}

@test "the xinetd services ship disabled with deliberate limits" {
	local f=$DEST/etc/xinetd.d/stdhttpd
	run grep -E '^[[:space:]]*(disable|wait|instances|per_source|cps)[[:space:]]' "$f"
	assert_line --regexp 'disable[[:space:]]+= yes'
	assert_line --regexp 'wait[[:space:]]+= no'
	assert_line --regexp 'instances[[:space:]]+= [0-9]+'
	assert_line --regexp 'per_source[[:space:]]+= [0-9]+'
	assert_line --regexp 'cps[[:space:]]+= [0-9]+ [0-9]+'
	run grep -E '^[[:space:]]*(disable|wait|bind)[[:space:]]' \
	    "$DEST/etc/xinetd.d/stdhttpd-admin"
	assert_line --regexp 'wait[[:space:]]+= yes'
	assert_line --regexp 'bind[[:space:]]+= 127.0.0.1'
	assert_line --regexp 'disable[[:space:]]+= yes'
}
