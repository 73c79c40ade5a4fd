#!/bin/sh
# make run: serve www/ on http://localhost:PORT through systemd-socket-activate,
# one stdhttpd per connection, with stdhttpd-admin on ADMIN_PORT (loopback).
#   tests/serve.sh PORT ADMIN_PORT
set -eu
cd "$(dirname "$0")/.."
port=$1 admin_port=$2
for p in "$port" "$admin_port"; do
	case $p in
	''|*[!0-9]*) echo "make run: port '$p' is not a number" >&2; exit 100 ;;
	esac
	if [ "$p" -lt 1024 ] || [ "$p" -gt 65535 ]; then
		echo "make run: port $p is outside 1024-65535; choose another with PORT=... (ADMIN_PORT=... for the admin)" >&2
		exit 100
	fi
done
mkdir -p stats www/upload
# The 100-file site that tests/testsite.cmd fetches with webclient.
[ -d www/testsite ] || tests/gen-testsite.sh >/dev/null
build/stdhttpd -t -c stdhttpd.conf
export SYSTEMD_LOG_LEVEL=${SYSTEMD_LOG_LEVEL:-warning}
admin_pid=
if [ -x build/stdhttpd-admin ]; then
	systemd-socket-activate -l "127.0.0.1:$admin_port" \
	    build/stdhttpd-admin -c stdhttpd.conf &
	admin_pid=$!
	trap 'kill $admin_pid 2>/dev/null' EXIT INT TERM
	echo "admin on telnet 127.0.0.1 $admin_port"
fi
# Loopback only: www/upload/ is writable.  "localhost" may mean ::1 to a
# browser, so listen there too when the machine has it.
listen="-l 127.0.0.1:$port"
if grep -qs '^0\{31\}1 ' /proc/net/if_inet6; then
	listen="$listen -l [::1]:$port"
fi
echo "serving www/ on http://localhost:$port/ (Ctrl-C stops)"
# shellcheck disable=SC2086
systemd-socket-activate $listen --accept --inetd \
    build/stdhttpd -c stdhttpd.conf
