# dossier: offline, encrypted, versioned document archive.
#
#   make            library (static and shared) and the dossier CLI
#   make demo       install packages, build, file the sample documents
#   make check      install packages, build, run every test twice:
#                   normal build, then AddressSanitizer+UBSan
#   make asan       the ASan+UBSan build and its test run only
#   make clang      build with clang (warnings as errors)
#   make check-deps architecture rule: third-party headers in adapters only
#   make fuzz       libFuzzer targets (clang), each 10 CPU-minutes
#   make check-format / format / analyze / bench / clean

CC ?= cc
BUILD ?= build/rel
PKGS = libgcrypt sqlite3 libzstd json-c libxml-2.0 libarchive poppler-glib
WARN = -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla -Wcast-qual -Wwrite-strings \
	-Wimplicit-fallthrough
OPT ?= -O2 -g
CFLAGS_ALL = -std=c17 -D_POSIX_C_SOURCE=200809L $(WARN) $(OPT) \
	-fvisibility=hidden -fPIC -Iinclude -Isrc \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(XCFLAGS)
LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lgcrypt -lsqlite3 -lzstd -ljson-c -lxml2 -larchive) \
	-lunistring -lmagic -lm
CLI_LIBS =
TEST_LIBS = -lcmocka

LIB_SRC = $(wildcard src/*.c src/extract/*.c)
CLI_SRC = $(wildcard src/cli/*.c)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ = $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HDRS = $(wildcard include/*.h src/*.h src/extract/*.h src/cli/*.h tests/unit/*.h tests/tools/*.h)

# Fuzz targets (tests/fuzz/fuzz_*.c; fuzz_extract.c once per extractor).
# Each links with replay.c into a plain driver that make check runs over
# its corpus fixtures/fuzz/NAME/, and with libFuzzer under make fuzz.
FUZZ_EXTRACT = txt html ooxml odf pdf eml
FUZZ_NAMES = $(FUZZ_EXTRACT:%=extract_%) $(filter-out extract, \
	$(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
REPLAY_BIN = $(FUZZ_NAMES:%=$(BUILD)/tests/replay_%)
FUZZ_HDRS = $(HDRS) tests/fuzz/fuzz.h

.PHONY: crash-build fuzz fuzz-targets fault-long crash-long all deps demo check test asan asan-build clang check-deps \
	check-format format analyze bench clean
all: $(BUILD)/libdossier.a $(BUILD)/libdossier.so $(BUILD)/dossier \
	$(UNIT_BIN) $(BUILD)/tests/killshim.so $(BUILD)/tests/catsql \
	$(REPLAY_BIN)

$(BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libdossier.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/libdossier.so: $(LIB_OBJ)
	$(CC) $(CFLAGS_ALL) -shared -Wl,-soname,libdossier.so.0 -o $@ $^ $(LIBS)

$(BUILD)/dossier: $(CLI_OBJ) $(BUILD)/libdossier.a
	$(CC) $(CFLAGS_ALL) -o $@ $(CLI_OBJ) $(BUILD)/libdossier.a $(LIBS) $(CLI_LIBS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libdossier.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -Itests/tools -o $@ $< \
		$(BUILD)/libdossier.a $(LIBS) $(TEST_LIBS)

# The tests' insider tool: SQL on a vault's decrypted catalog.
$(BUILD)/tests/catsql: tests/tools/catsql.c $(BUILD)/libdossier.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/tools -o $@ $< $(BUILD)/libdossier.a $(LIBS)

# The crash harness's LD_PRELOAD shim (never linked into dossier itself).
$(BUILD)/tests/killshim.so: tests/crash/killshim.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -fPIC -shared \
		-o $@ $< -ldl

# Fuzz targets: the plain replay driver (every build) and libFuzzer
# (make fuzz).  The extractor's target takes its kind from the name.
$(BUILD)/tests/replay_extract_%: tests/fuzz/fuzz_extract.c tests/fuzz/replay.c \
		$(BUILD)/libdossier.a $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -D_GNU_SOURCE -DFUZZ_KIND='"$*"' -o $@ \
		tests/fuzz/fuzz_extract.c tests/fuzz/replay.c \
		$(BUILD)/libdossier.a $(LIBS)

$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c \
		$(BUILD)/libdossier.a $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -D_GNU_SOURCE -o $@ $< tests/fuzz/replay.c \
		$(BUILD)/libdossier.a $(LIBS)

$(BUILD)/fuzz/extract_%: tests/fuzz/fuzz_extract.c $(BUILD)/libdossier.a \
		$(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer -D_GNU_SOURCE \
		-DFUZZ_KIND='"$*"' -o $@ $< $(BUILD)/libdossier.a $(LIBS)

$(BUILD)/fuzz/%: tests/fuzz/fuzz_%.c $(BUILD)/libdossier.a $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer -D_GNU_SOURCE -o $@ $< \
		$(BUILD)/libdossier.a $(LIBS)

fuzz-targets: $(FUZZ_NAMES:%=$(BUILD)/fuzz/%)

deps:
	@sh scripts/deps.sh

# The demo vault lives in build/demo-vault; its passphrase is printed.
demo: deps
	$(MAKE) all
	sh scripts/demo.sh $(BUILD)/dossier

# The kill and fault harnesses run against a build of their own: release
# flags and cheap Argon2id parameters (DOSSIER_TEST_CHEAP_KDF, as in the
# sanitizer build): each of their thousand-odd points unlocks the vault
# four times, which would cost a second each with the real parameters.
# The code under test is the same; the key slots are what differ.
# Only crypto.c and keys.c see the flag (the Argon2id bounds of
# src/crypto.h): every other object is the release build's own.
CRASH_BUILD = build/crash
CRASH_OWN = src/crypto.c src/keys.c
CRASH_OBJ = $(filter-out $(CRASH_OWN:%.c=$(BUILD)/%.o),$(LIB_OBJ)) \
	$(CRASH_OWN:%.c=$(CRASH_BUILD)/%.o)
crash-build: $(CRASH_BUILD)/dossier $(CRASH_BUILD)/tests/killshim.so \
	$(CRASH_BUILD)/tests/catsql

$(CRASH_BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DDOSSIER_TEST_CHEAP_KDF -c $< -o $@

$(CRASH_BUILD)/libdossier.a: $(CRASH_OBJ)
	rm -f $@
	ar rcs $@ $^

$(CRASH_BUILD)/dossier: $(CLI_OBJ) $(CRASH_BUILD)/libdossier.a
	$(CC) $(CFLAGS_ALL) -o $@ $(CLI_OBJ) $(CRASH_BUILD)/libdossier.a $(LIBS)

$(CRASH_BUILD)/tests/catsql: tests/tools/catsql.c $(CRASH_BUILD)/libdossier.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/tools -o $@ $< $(CRASH_BUILD)/libdossier.a $(LIBS)

$(CRASH_BUILD)/tests/killshim.so: $(BUILD)/tests/killshim.so
	@mkdir -p $(dir $@)
	cp $< $@

# Unit tests and CLI tests for one build, and the kill harnesses.
test: all crash-build
	sh tests/run.sh $(CRASH_BUILD) crash $(BUILD) rel

# ASan+UBSan: the same suites against an instrumented build, whose key
# slots use cheap Argon2id parameters (a test-only build flag, see
# src/crypto.h): the release build's tests keep the real ones.
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -DDOSSIER_TEST_CHEAP_KDF
asan:
	$(MAKE) BUILD=build/asan OPT="$(ASAN_FLAGS)" all
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1 \
	sh tests/run.sh build/asan asan

check: deps
	$(MAKE) check-deps
	$(MAKE) all
	$(MAKE) crash-build
	$(MAKE) asan-build
	sh tests/run.sh $(CRASH_BUILD) crash build/rel rel build/asan asan

# The fault harness with many more points than make check runs.
fault-long: crash-build
	DOSSIER=$(CRASH_BUILD)/dossier DOSSIER_BUILD=$(CRASH_BUILD) \
		DOSSIER_FAULT_POINTS=40 sh tests/crash/fault.sh

# The kill harnesses with every point (or nearly): operations, the WAL
# checkpoint, upgrade.
crash-long: crash-build
	DOSSIER=$(CRASH_BUILD)/dossier DOSSIER_BUILD=$(CRASH_BUILD) \
		DOSSIER_CRASH_POINTS=100000 sh tests/crash/crash.sh
	DOSSIER=$(CRASH_BUILD)/dossier DOSSIER_BUILD=$(CRASH_BUILD) \
		DOSSIER_CHECKPOINT_POINTS=100000 sh tests/crash/checkpoint.sh
	DOSSIER=$(CRASH_BUILD)/dossier DOSSIER_BUILD=$(CRASH_BUILD) \
		DOSSIER_UPGRADE_POINTS=100000 sh tests/crash/upgrade.sh

# libFuzzer (clang) under ASan+UBSan, every target FUZZ_SECONDS (600)
# of CPU time or more, FUZZ_JOBS at a time; corpora grow in
# build/fuzz/corpus/NAME from the seeds in fixtures/fuzz/NAME; findings go
# to build/fuzz/findings/.  FUZZ="name ..." runs only those.
FUZZ_BUILD = build/fuzz
FUZZ_FLAGS = -O1 -g -fsanitize=address,undefined,fuzzer-no-link \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -DDOSSIER_TEST_CHEAP_KDF
fuzz: deps
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang OPT="$(FUZZ_FLAGS)" fuzz-targets
	sh scripts/fuzz.sh $(FUZZ_BUILD) $(or $(FUZZ),$(FUZZ_NAMES))

asan-build:
	$(MAKE) BUILD=build/asan OPT="$(ASAN_FLAGS)" all

clang:
	$(MAKE) BUILD=build/clang CC=clang all

check-deps:
	@sh scripts/check-deps.sh

check-format:
	clang-format --dry-run --Werror $(LIB_SRC) $(CLI_SRC) $(HDRS)

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(HDRS)

analyze:
	scan-build --status-bugs $(MAKE) BUILD=build/analyze all

# The comparison build of make bench: index pages not encrypted (never
# installed, never tested: it exists to measure what encryption costs).
BENCH_PLAIN = build/benchplain

bench: all $(BUILD)/bench/search_bench
	$(MAKE) BUILD=$(BENCH_PLAIN) OPT="$(OPT) -DDOSSIER_BENCH_PLAIN_PAGES" \
		$(BENCH_PLAIN)/dossier $(BENCH_PLAIN)/bench/search_bench
	sh bench/run.sh $(BUILD)
	sh bench/search.sh $(BUILD) $(BENCH_PLAIN)
	sh bench/backup.sh $(BUILD)

$(BUILD)/bench/search_bench: bench/search_bench.c $(BUILD)/libdossier.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libdossier.a $(LIBS)

clean:
	rm -rf build
