# Shared pieces of the deployment suites (units, nspawn, xinetd, browser):
# a private "make install", bounded waits, admin queries and the cgroups of
# systemd-nspawn.  Ports and stopping by pid come from helper.bash.

load helper

export SYSTEMD_LOG_LEVEL=warning

# deploy_install DESTDIR [VAR=value...]: make install into DESTDIR, quietly.
deploy_install() {
	local dest=$1
	shift
	make -C "$TOP" --no-print-directory -s install \
	    DESTDIR="$dest" "$@" >/dev/null
}

# The system unit directory, as make install uses it.
deploy_unitdir() {
	pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null ||
	    echo /lib/systemd/system
}

# deploy_wait SECONDS COMMAND...: runs COMMAND every 0.1 s until it
# succeeds; fails when SECONDS have passed.
deploy_wait() {
	local tries=$(($1 * 10))
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	echo "gave up waiting for: $*" >&2
	return 1
}

# deploy_admin PORT COMMAND [NSENTER...]: one admin query, the whole reply.
deploy_admin() {
	local port=$1 cmd=$2
	shift 2
	printf '%s\r\n' "$cmd" | "$@" timeout 5 nc -N -w3 127.0.0.1 "$port"
}

# deploy_count REPLY KEY: the number after "KEY:" in an admin reply, or 0.
deploy_count() {
	local n
	n=$(printf '%s\n' "$1" | tr -d '\r' |
	    sed -n "s/^[[:space:]]*$2:[[:space:]]*\\([0-9][0-9]*\\).*/\\1/p" |
	    head -n 1)
	echo "${n:-0}"
}

deploy_need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
}

# The cgroup directories a systemd-nspawn of NAME may own: nspawn makes
# supervisor/ and payload/ beneath the cgroup it starts in, which must not
# be the root one.  Hybrid hierarchy (v1 name=systemd plus unified) or v2.
deploy_cgroup_dirs() {
	if [ -d /sys/fs/cgroup/unified ]; then
		echo "/sys/fs/cgroup/systemd/$1 /sys/fs/cgroup/unified/$1"
	else
		echo "/sys/fs/cgroup/$1"
	fi
}

# deploy_cgroup_remove NAME: removes what deploy_cgroup_dirs named, once
# empty, innermost first.
deploy_cgroup_remove() {
	local d
	for d in $(deploy_cgroup_dirs "$1"); do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}
