# stdhttpd - GNU make, no configure step.
#
#   make            build build/stdhttpd, build/stdhttpd-admin, build/webclient
#   make run        serve www/ on http://localhost:$(PORT) (admin on $(ADMIN_PORT))
#   make check      install missing test packages, build, run every test
#   make install    PREFIX=/usr/local DESTDIR= ; make uninstall undoes it

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
LOCALSTATEDIR ?= /var

PORT	?= 8080
ADMIN_PORT ?= 8081

CC	?= cc
CFLAGS	?= -O2 -g
PKG_CONFIG ?= pkg-config

# Ours, kept apart from the user's CFLAGS/LDFLAGS.  WERROR=1 (CI) adds -Werror.
WARN	= -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
	  -Wstrict-prototypes -Wvla $(if $(WERROR),-Werror)
HARDEN	= -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE
LDHARDEN = -pie -Wl,-z,relro,-z,now
# Recursive (=) so that pkg-config runs only when a recipe needs it: after
# the dependency check has installed the packages.
JANSSON_CFLAGS	= $(shell $(PKG_CONFIG) --cflags jansson)
JANSSON_LIBS	= $(shell $(PKG_CONFIG) --libs jansson)
SYSTEMD_CFLAGS	= $(shell $(PKG_CONFIG) --cflags libsystemd)
SYSTEMD_LIBS	= $(shell $(PKG_CONFIG) --libs libsystemd)

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(HARDEN) $(JANSSON_CFLAGS) \
	     $(SYSTEMD_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDHARDEN) $(LDFLAGS)

B	= build

# Each program's main; every other src/*.c goes into one archive, from which
# the linker takes only what a program uses (so the handler never links
# libsystemd).
MAINS	= src/stdhttpd.c src/admin.c src/client.c
LIB_SRC	= $(filter-out $(MAINS),$(wildcard src/*.c))
LIB_OBJ	= $(LIB_SRC:src/%.c=$(B)/%.o)
LIB	= $(B)/libstdhttpd.a
PROGS	= $(B)/stdhttpd $(B)/stdhttpd-admin $(B)/webclient

UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_NAMES = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
REPLAY_BIN = $(FUZZ_NAMES:%=$(B)/tests/replay_%)
FUZZ_BIN = $(FUZZ_NAMES:%=$(B)/fuzz/fuzz_%)

.PHONY: all check run install uninstall clean deps-run deps-check unit \
	fuzz fuzz-run asan check-asan FORCE

all: $(PROGS)

$(B)/%.o: src/%.c src/*.h | $(B)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

# The handler links libc alone: every connection pays for its start.
# STATIC=1 links it as a static PIE: no dynamic loader at each start (a
# quarter more short connections a second, 20 KiB less per idle handler);
# libc security updates then need a rebuild, and glibc's NSS reaches only
# the files service (or modules of the same glibc version) for -u USER.
HANDLER_LDFLAGS = $(if $(STATIC),-static-pie)

$(B)/stdhttpd: $(B)/stdhttpd.o $(LIB) $(B)/stdhttpd.link
	$(CC) $(ALL_LDFLAGS) $(HANDLER_LDFLAGS) -o $@ $(B)/stdhttpd.o $(LIB)

# Changes (and so relinks the handler) only when STATIC does.
$(B)/stdhttpd.link: FORCE | $(B)
	@echo '$(HANDLER_LDFLAGS)' | cmp -s - $@ || \
	    echo '$(HANDLER_LDFLAGS)' >$@

FORCE:

$(B)/stdhttpd-admin: $(B)/admin.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(JANSSON_LIBS) $(SYSTEMD_LIBS)

$(B)/webclient: $(B)/client.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(JANSSON_LIBS)

$(B)/tests/%: tests/unit/%.c tests/unit/unit.h src/*.h $(LIB) | $(B)/tests
	$(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(LIB) \
	    $(JANSSON_LIBS) $(SYSTEMD_LIBS)

$(B) $(B)/tests:
	mkdir -p $@

unit: $(UNIT_BIN) $(REPLAY_BIN)

# Fuzzing.  Each tests/fuzz/fuzz_NAME.c is a libFuzzer target with its seed
# corpus in tests/fuzz/corpus/NAME/.  make check replays every corpus
# through an ordinary build (tests/fuzz/replay.c as main), so an input that
# once crashed stays a test; make fuzz builds the targets with clang and
# the sanitizers, and make fuzz-run runs each for FUZZ_SECONDS, keeping new
# inputs and any crash in $(B)/fuzz/.
FUZZ_SECONDS ?= 60
# FUZZ_RUNS=N (with a fixed seed) makes a run reproducible: CI uses it, so
# that its verdict does not depend on where random exploration got to.
FUZZ_RUNS ?=
FUZZ_LIMIT = $(if $(FUZZ_RUNS),-seed=1 -runs=$(FUZZ_RUNS))
FUZZ_CC	?= clang
FUZZ_FLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
	     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(B)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c src/*.h $(LIB) \
    | $(B)/tests
	$(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c \
	    $(LIB) $(JANSSON_LIBS) $(SYSTEMD_LIBS)

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) src/*.h
	@mkdir -p $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) $(JANSSON_CFLAGS) -Isrc -o $@ $< $(LIB_SRC) \
	    $(JANSSON_LIBS) $(SYSTEMD_LIBS)

fuzz: $(FUZZ_BIN)

fuzz-run: fuzz
	@for n in $(FUZZ_NAMES); do \
	    echo "fuzz_$$n: $(if $(FUZZ_RUNS),$(FUZZ_RUNS) runs,$(FUZZ_SECONDS) s)"; \
	    mkdir -p $(B)/fuzz/corpus/$$n && \
	    $(B)/fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) $(FUZZ_LIMIT) \
	        -max_len=17000 \
	        -artifact_prefix=$(B)/fuzz/ $(B)/fuzz/corpus/$$n \
	        tests/fuzz/corpus/$$n 2>$(B)/fuzz/$$n.log || \
	        { tail -n 30 $(B)/fuzz/$$n.log; exit 1; }; \
	    tail -n 1 $(B)/fuzz/$$n.log; \
	done

# All three programs and the unit tests with ASan and UBSan, no recovery;
# check-asan runs every suite against them.
ASAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	     -fno-sanitize-recover=all

asan:
	@$(MAKE) --no-print-directory B=$(B)/asan CFLAGS="$(ASAN_FLAGS)" \
	    LDFLAGS="-fsanitize=address,undefined" all unit

check-asan: deps-check asan
	@STDHTTPD_BUILD=$(B)/asan tests/run

deps-run:
	@tests/deps.sh run

deps-check:
	@tests/deps.sh check

check: deps-check
	@$(MAKE) --no-print-directory all unit
	@tests/run

run: deps-run all
	@tests/serve.sh $(PORT) $(ADMIN_PORT)

clean:
	rm -rf $(B)

# Installation.  Programs, man pages, units, sysusers.d and tmpfiles.d go
# where they belong and are replaced on every install.  The files an
# administrator edits (the configuration, the xinetd services, the
# logrotate snippet, the pages under WWWDIR) are installed only where none
# exists and removed only while unchanged, as Debian treats conffiles.
# The shipped files name the default paths (/usr/local/sbin, /etc,
# /var/lib/stdhttpd, /var/www/stdhttpd); REWRITE points them at the
# installed ones.
WWWDIR	?= $(LOCALSTATEDIR)/www/stdhttpd
SYSTEMDUNITDIR ?= $(or $(shell $(PKG_CONFIG) \
	--variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
SYSUSERSDIR ?= $(or $(shell $(PKG_CONFIG) \
	--variable=sysusersdir systemd 2>/dev/null),/usr/lib/sysusers.d)
TMPFILESDIR ?= $(or $(shell $(PKG_CONFIG) \
	--variable=tmpfilesdir systemd 2>/dev/null),/usr/lib/tmpfiles.d)
INSTALL	?= install

MANPAGES = $(wildcard src/webclient.1 src/stdhttpd.conf.5 src/stdhttpd.8 \
	   src/stdhttpd-admin.8)
UNITS	= stdhttpd.socket stdhttpd@.service stdhttpd-admin.socket \
	  stdhttpd-admin.service
SITE	= $(filter-out %.py,$(wildcard www/*.html www/site/*/*))
STAGE	= $(B)/stage

REWRITE	= sed -e 's|/usr/local/sbin/|$(SBINDIR)/|g' \
	  -e 's|/usr/local/bin/|$(BINDIR)/|g' \
	  -e 's|/etc/stdhttpd/|$(SYSCONFDIR)/stdhttpd/|g' \
	  -e 's|/var/lib/stdhttpd|$(LOCALSTATEDIR)/lib/stdhttpd|g' \
	  -e 's|/var/www/stdhttpd|$(WWWDIR)|g'
# The example configuration serves the tree it sits in; installed, it
# serves WWWDIR and writes the stats beside the other state.
CONFREWRITE = sed \
	  -e 's|^\([[:space:]]*root[[:space:]]\{1,\}\).*|\1$(WWWDIR)|' \
	  -e 's|^\([[:space:]]*stats[[:space:]]\{1,\}\).*|\1$(LOCALSTATEDIR)/lib/stdhttpd/stats.jsonl|'

# The rewritten copies of what install puts in place; uninstall compares
# the installed conffiles with these.
stage:
	@rm -rf $(STAGE) && mkdir -p $(STAGE)/units $(STAGE)/etc
	@for u in $(UNITS); do \
	    $(REWRITE) systemd/$$u > $(STAGE)/units/$$u || exit 1; done
	@$(REWRITE) systemd/stdhttpd.tmpfiles > $(STAGE)/stdhttpd.tmpfiles
	@$(CONFREWRITE) stdhttpd.conf > $(STAGE)/etc/stdhttpd.conf
	@$(REWRITE) xinetd/stdhttpd > $(STAGE)/etc/xinetd-stdhttpd
	@$(REWRITE) xinetd/stdhttpd-admin > $(STAGE)/etc/xinetd-stdhttpd-admin
	@$(REWRITE) stats/stdhttpd.logrotate > $(STAGE)/etc/logrotate

install: all stage
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	    $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(SYSCONFDIR)/stdhttpd \
	    $(DESTDIR)$(SYSCONFDIR)/xinetd.d $(DESTDIR)$(SYSCONFDIR)/logrotate.d \
	    $(DESTDIR)$(WWWDIR)/upload
	$(INSTALL) -m 0755 $(B)/stdhttpd $(B)/stdhttpd-admin $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 0755 $(B)/webclient $(DESTDIR)$(BINDIR)/
	@for m in $(MANPAGES); do \
	    s=$${m##*.}; \
	    echo "$(INSTALL) -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/"; \
	    $(INSTALL) -d $(DESTDIR)$(MANDIR)/man$$s && \
	    $(INSTALL) -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; \
	done
	$(INSTALL) -m 0644 $(UNITS:%=$(STAGE)/units/%) $(DESTDIR)$(SYSTEMDUNITDIR)/
	$(INSTALL) -m 0644 systemd/stdhttpd.sysusers \
	    $(DESTDIR)$(SYSUSERSDIR)/stdhttpd.conf
	$(INSTALL) -m 0644 $(STAGE)/stdhttpd.tmpfiles \
	    $(DESTDIR)$(TMPFILESDIR)/stdhttpd.conf
	@set -e; keep() { \
	    if [ -e "$$2" ]; then echo "keeping $$2"; \
	    else echo "$(INSTALL) -m 0644 $$1 $$2"; \
	        $(INSTALL) -D -m 0644 "$$1" "$$2"; fi; }; \
	keep $(STAGE)/etc/stdhttpd.conf \
	    $(DESTDIR)$(SYSCONFDIR)/stdhttpd/stdhttpd.conf; \
	keep $(STAGE)/etc/xinetd-stdhttpd $(DESTDIR)$(SYSCONFDIR)/xinetd.d/stdhttpd; \
	keep $(STAGE)/etc/xinetd-stdhttpd-admin \
	    $(DESTDIR)$(SYSCONFDIR)/xinetd.d/stdhttpd-admin; \
	keep $(STAGE)/etc/logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/stdhttpd; \
	for f in $(SITE:www/%=%); do \
	    keep www/$$f $(DESTDIR)$(WWWDIR)/$$f; done

uninstall: stage
	rm -f $(DESTDIR)$(SBINDIR)/stdhttpd $(DESTDIR)$(SBINDIR)/stdhttpd-admin \
	    $(DESTDIR)$(BINDIR)/webclient \
	    $(DESTDIR)$(MANDIR)/man1/webclient.1 \
	    $(DESTDIR)$(MANDIR)/man5/stdhttpd.conf.5 \
	    $(DESTDIR)$(MANDIR)/man8/stdhttpd.8 \
	    $(DESTDIR)$(MANDIR)/man8/stdhttpd-admin.8 \
	    $(UNITS:%=$(DESTDIR)$(SYSTEMDUNITDIR)/%) \
	    $(DESTDIR)$(SYSUSERSDIR)/stdhttpd.conf \
	    $(DESTDIR)$(TMPFILESDIR)/stdhttpd.conf
	@drop() { \
	    if cmp -s "$$1" "$$2"; then echo "rm -f $$2"; rm -f "$$2"; \
	    elif [ -e "$$2" ]; then echo "keeping changed $$2"; fi; }; \
	drop $(STAGE)/etc/stdhttpd.conf \
	    $(DESTDIR)$(SYSCONFDIR)/stdhttpd/stdhttpd.conf; \
	drop $(STAGE)/etc/xinetd-stdhttpd $(DESTDIR)$(SYSCONFDIR)/xinetd.d/stdhttpd; \
	drop $(STAGE)/etc/xinetd-stdhttpd-admin \
	    $(DESTDIR)$(SYSCONFDIR)/xinetd.d/stdhttpd-admin; \
	drop $(STAGE)/etc/logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/stdhttpd; \
	for f in $(SITE:www/%=%); do \
	    drop www/$$f $(DESTDIR)$(WWWDIR)/$$f; done; \
	for d in $(sort $(dir $(SITE:www/%=$(DESTDIR)$(WWWDIR)/%))) \
	    $(DESTDIR)$(WWWDIR)/site $(DESTDIR)$(WWWDIR)/upload \
	    $(DESTDIR)$(WWWDIR) $(DESTDIR)$(SYSCONFDIR)/stdhttpd; do \
	    rmdir "$$d" 2>/dev/null || true; done

.PHONY: stage

# The side-by-side benchmark against the reference handler and the peers,
# and the admin benchmark; not part of check.  Needs root (it installs wrk,
# nginx, lighttpd, busybox, micro-httpd) and about 15 minutes; the table
# goes to $(B)/bench/results.md.
.PHONY: bench
bench:
	@OUT=$(B)/bench tests/bench/bench.sh
