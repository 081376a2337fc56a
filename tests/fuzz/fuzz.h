/*
 * fuzz.h: what the fuzz targets share (tests/fuzz/fuzz_*.c).
 *
 * Each target defines LLVMFuzzerTestOneInput() over one parser of
 * untrusted input.  The same source links two ways: with libFuzzer
 * (make fuzz, clang, ASan+UBSan) and with replay.c, the plain driver that
 * make check runs over the seed corpus in fixtures/fuzz/NAME/ and every
 * crasher kept there.  A target never fails an input by itself: what it
 * proves is that no input makes the parser crash, leak, read out of
 * bounds or hang.  Where a parser's answer can be checked without a
 * second parser (an accepted manifest encodes again, a query fits its
 * limits), the target aborts when it is wrong.
 */
#ifndef DOSSIER_FUZZ_H
#define DOSSIER_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A parser's answer is wrong: stop here (libFuzzer keeps the input). */
#define FUZZ_CHECK(cond)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: check failed: %s\n",       \
			    __FILE__, __LINE__, #cond);                    \
			abort();                                           \
		}                                                          \
	} while (0)

/*
 * For parsers that read a file: the input as the content of a memory
 * file, one per process, named by path (/proc/self/fd/N).  Returns 0, or
 * -1 when the file cannot be made or written (the input is then skipped).
 */
static inline int
fuzz_memfile(const uint8_t *data, size_t size, char path[64])
{
	static int fd = -1;
	size_t off = 0;
	ssize_t n;

	if (fd < 0) {
		fd = memfd_create("dossier-fuzz", MFD_CLOEXEC);
		if (fd < 0)
			return -1;
	}
	if (ftruncate(fd, 0) != 0)
		return -1;
	while (off < size) {
		n = pwrite(fd, data + off, size - off, (off_t)off);
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return 0;
}

#endif
