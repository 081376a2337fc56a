/*
 * killshim.c: an LD_PRELOAD shim for the crash harness (tests/crash/).
 *
 * Counts the calls that change files (write, pwrite, fsync, fdatasync,
 * rename, link, unlink, ftruncate, mkdir, rmdir) and kills the process
 * with SIGKILL just before the N-th one, N = $DOSSIER_KILL_AT.  With
 * $DOSSIER_KILL_COUNT set to a file name, the number of such calls made is
 * written there at exit, so the harness knows how many kill points an
 * operation has.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static long calls;
static long kill_at = -1;

__attribute__((constructor)) static void
shim_init(void)
{
	const char *s = getenv("DOSSIER_KILL_AT");

	if (s != NULL)
		kill_at = atol(s);
}

__attribute__((destructor)) static void
shim_fini(void)
{
	const char *path = getenv("DOSSIER_KILL_COUNT");
	FILE *f;

	if (path == NULL)
		return;
	f = fopen(path, "w");
	if (f != NULL) {
		fprintf(f, "%ld\n", calls);
		fclose(f);
	}
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
	NEXT(write);
	/* Output to the terminal or a pipe is not a file change. */
	if (fd > 2)
		point();
	return next_write(fd, p, n);
}

ssize_t
pwrite(int fd, const void *p, size_t n, off_t off)
{
	NEXT(pwrite);
	point();
	return next_pwrite(fd, p, n, off);
}

ssize_t
pwrite64(int fd, const void *p, size_t n, off_t off)
{
	NEXT(pwrite64);
	point();
	return next_pwrite64(fd, p, n, off);
}

int
fsync(int fd)
{
	NEXT(fsync);
	point();
	return next_fsync(fd);
}

int
fdatasync(int fd)
{
	NEXT(fdatasync);
	point();
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
