#!/bin/sh
# Installs the Debian packages that "make run", "make check" or "make bench"
# need and this machine lacks.  As root it runs apt-get; otherwise it prints
# the command.
#   tests/deps.sh run|check|bench
set -eu

build="gcc make pkg-config libjansson-dev libsystemd-dev systemd"
case ${1:-} in
run)	want="$build" ;;
check)	want="$build bats bats-support bats-assert bats-file curl \
	      netcat-openbsd socat iproute2 procps strace time xinetd jq mandoc \
	      systemd-container logrotate chromium nginx-light lighttpd \
	      prometheus clang valgrind" ;;
# libc6-dev brings the static libc of the static builds.
bench)	want="$build libc6-dev wrk nginx-light lighttpd busybox micro-httpd \
	      xinetd jq netcat-openbsd iproute2 procps"
	# Any gnuplot draws the plot; gnuplot-nox would replace the others.
	command -v gnuplot >/dev/null || want="$want gnuplot-nox" ;;
*)	echo "usage: $0 run|check|bench" >&2; exit 100 ;;
esac

missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "stdhttpd needs these Debian packages:$missing" >&2
	echo "install them with:  sudo apt-get install$missing" >&2
	exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q -o DPkg::Lock::Timeout=300 $missing >&2
