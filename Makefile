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

.PHONY: all check run install uninstall clean deps-run deps-check unit

all: $(PROGS)

$(B)/%.o: src/%.c src/*.h | $(B)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/stdhttpd: $(B)/stdhttpd.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(JANSSON_LIBS)

$(B)/stdhttpd-admin: $(B)/admin.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(JANSSON_LIBS) $(SYSTEMD_LIBS)

$(B)/webclient: $(B)/client.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(JANSSON_LIBS)

$(B)/tests/%: tests/unit/%.c tests/unit/unit.h src/*.h $(LIB) | $(B)/tests
	$(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(LIB) \
	    $(JANSSON_LIBS) $(SYSTEMD_LIBS)

$(B) $(B)/tests:
	mkdir -p $@

unit: $(UNIT_BIN)

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
