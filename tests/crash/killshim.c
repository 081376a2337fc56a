/*
 * killshim.c: an LD_PRELOAD shim for the crash and fault harnesses
 * (tests/crash/).
 *
 * Kills: counts the calls that change files (write, pwrite, fsync,
 * fdatasync, rename, link, unlink, ftruncate, mkdir, rmdir) and kills the
 * process with SIGKILL just before the N-th one, N = $DOSSIER_KILL_AT.
 * With $DOSSIER_KILL_COUNT set to a file name, the number of such calls
 * made is written there at exit, so the harness knows how many kill
 * points an operation has.
 *
 * Faults: counts the I/O calls on files (read, pread, write, pwrite,
 * fsync, fdatasync, ftruncate; not the terminal) and makes the N-th one
 * fail, N = $DOSSIER_FAULT_AT: with errno $DOSSIER_FAULT_ERRNO ("EIO",
 * the default, or "ENOSPC", a full disk: only writes, syncs and truncates
 * fail, reads go on), only that call or, with $DOSSIER_FAULT_MODE=always,
 * every one from there on; with
 * $DOSSIER_FAULT_MODE=short a write at N writes half its bytes and says
 * so (a short write); with $DOSSIER_FAULT_MODE=sync every fsync and
 * fdatasync from the N-th call on fails with EIO, everything else goes
 * on (a disk that cannot flush its cache).  $DOSSIER_FAULT_COUNT names
 * the file that receives the number of I/O calls made.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static long calls;
static long kill_at = -1;
static long iocalls;
static long fault_at = -1;
static int fault_errno = EIO, fault_always, fault_short, fault_sync;

/* What an I/O call does, for fault(). */
enum io { IO_READ, IO_WRITE, IO_SYNC };

__attribute__((constructor)) static void
shim_init(void)
{
	const char *s = getenv("DOSSIER_KILL_AT");

	if (s != NULL)
		kill_at = atol(s);
	s = getenv("DOSSIER_FAULT_AT");
	if (s != NULL)
		fault_at = atol(s);
	s = getenv("DOSSIER_FAULT_ERRNO");
	if (s != NULL && strcmp(s, "ENOSPC") == 0)
		fault_errno = ENOSPC;
	s = getenv("DOSSIER_FAULT_MODE");
	fault_always = s != NULL && strcmp(s, "always") == 0;
	fault_short = s != NULL && strcmp(s, "short") == 0;
	fault_sync = s != NULL && strcmp(s, "sync") == 0;
}

static void
write_count(const char *var, long n)
{
	const char *path = getenv(var);
	FILE *f;

	if (path == NULL)
		return;
	f = fopen(path, "w");
	if (f != NULL) {
		fprintf(f, "%ld\n", n);
		fclose(f);
	}
}

__attribute__((destructor)) static void
shim_fini(void)
{
	write_count("DOSSIER_KILL_COUNT", calls);
	write_count("DOSSIER_FAULT_COUNT", iocalls);
}

/*
 * Is this I/O call the one to fail?  1: fail with errno set; 2: write
 * short; 0: go on.
 */
static int
fault(enum io what)
{
	long n = ++iocalls;

	if (fault_at < 0 || n < fault_at)
		return 0;
	if (fault_sync) {
		if (what != IO_SYNC)
			return 0;
		errno = EIO;
		return 1;
	}
	if (n > fault_at && !fault_always)
		return 0;
	if (fault_short)
		return what == IO_WRITE && n == fault_at ? 2 : 0;
	if (what == IO_READ && fault_errno == ENOSPC)
		return 0;
	errno = fault_errno;
	return 1;
}

static void
point(void)
{
	if (++calls == kill_at)
		raise(SIGKILL);
}

#define NEXT(name) \
	static __typeof__(name) *next_##name; \
	if (next_##name == NULL) \
		next_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

ssize_t
write(int fd, const void *p, size_t n)
{
	int f = 0;

	NEXT(write);
	/* Output to the terminal or a pipe is not a file change. */
	if (fd > 2) {
		point();
		f = fault(IO_WRITE);
	}
	if (f == 1)
		return -1;
	return next_write(fd, p, f == 2 && n > 1 ? n / 2 : n);
}

ssize_t
pwrite(int fd, const void *p, size_t n, off_t off)
{
	int f;

	NEXT(pwrite);
	point();
	f = fault(IO_WRITE);
	if (f == 1)
		return -1;
	return next_pwrite(fd, p, f == 2 && n > 1 ? n / 2 : n, off);
}

ssize_t
pwrite64(int fd, const void *p, size_t n, off_t off)
{
	int f;

	NEXT(pwrite64);
	point();
	f = fault(IO_WRITE);
	if (f == 1)
		return -1;
	return next_pwrite64(fd, p, f == 2 && n > 1 ? n / 2 : n, off);
}

int
fsync(int fd)
{
	NEXT(fsync);
	point();
	if (fault(IO_SYNC) == 1)
		return -1;
	return next_fsync(fd);
}

int
fdatasync(int fd)
{
	NEXT(fdatasync);
	point();
	if (fault(IO_SYNC) == 1)
		return -1;
	return next_fdatasync(fd);
}

int
rename(const char *a, const char *b)
{
	NEXT(rename);
	point();
	return next_rename(a, b);
}

int
link(const char *a, const char *b)
{
	NEXT(link);
	point();
	return next_link(a, b);
}

int
unlink(const char *a)
{
	NEXT(unlink);
	point();
	return next_unlink(a);
}

int
ftruncate(int fd, off_t n)
{
	NEXT(ftruncate);
	point();
	if (fault(IO_WRITE) == 1)
		return -1;
	return next_ftruncate(fd, n);
}

int
mkdir(const char *p, mode_t m)
{
	NEXT(mkdir);
	point();
	return next_mkdir(p, m);
}

int
rmdir(const char *p)
{
	NEXT(rmdir);
	point();
	return next_rmdir(p);
}

ssize_t
read(int fd, void *p, size_t n)
{
	NEXT(read);
	if (fd > 2 && fault(IO_READ) == 1)
		return -1;
	return next_read(fd, p, n);
}

ssize_t
pread(int fd, void *p, size_t n, off_t off)
{
	NEXT(pread);
	if (fault(IO_READ) == 1)
		return -1;
	return next_pread(fd, p, n, off);
}

ssize_t
pread64(int fd, void *p, size_t n, off_t off)
{
	NEXT(pread64);
	if (fault(IO_READ) == 1)
		return -1;
	return next_pread64(fd, p, n, off);
}
