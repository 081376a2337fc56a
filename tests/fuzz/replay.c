/*
 * replay.c: the plain driver of the fuzz targets (no libFuzzer): runs
 * LLVMFuzzerTestOneInput() once on every file of each directory given, in
 * name order, and prints one TAP line per directory.  make check runs it
 * over fixtures/fuzz/NAME/ in both builds, so every seed and every kept
 * crasher is replayed under ASan+UBSan on each run.  The name of the
 * input about to run goes to stderr first: a crash names its input.
 *
 *	replay_NAME DIR...
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned char *
slurp(const char *path, size_t *n)
{
	unsigned char *p = NULL, *q;
	size_t cap = 0, got;
	FILE *f;

	*n = 0;
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	for (;;) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 65536;
			q = realloc(p, cap);
			if (q == NULL) {
				free(p);
				fclose(f);
				return NULL;
			}
			p = q;
		}
		got = fread(p + *n, 1, cap - *n, f);
		*n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(p);
		p = NULL;
	}
	fclose(f);
	return p;
}

/* Replays every file of dir; prints its TAP line; 0 when all ran. */
static int
replay_dir(const char *dir)
{
	char **names = NULL, **nn, path[4096];
	size_t count = 0, i;
	struct dirent *de;
	unsigned char *data;
	size_t n;
	DIR *d;
	int bad = 0;

	d = opendir(dir);
	if (d == NULL) {
		printf("not ok - %s: cannot read: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		nn = realloc(names, (count + 1) * sizeof(*names));
		if (nn == NULL || (nn[count] = strdup(de->d_name)) == NULL) {
			free(nn != NULL ? nn : names);
			closedir(d);
			printf("not ok - %s: out of memory\n", dir);
			return 1;
		}
		names = nn;
		count++;
	}
	closedir(d);
	qsort(names, count, sizeof(*names), by_name);
	for (i = 0; i < count; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >=
		    (int)sizeof(path)) {
			printf("not ok - %s/%s: path too long\n", dir,
			    names[i]);
			bad = 1;
			continue;
		}
		data = slurp(path, &n);
		if (data == NULL) {
			printf("not ok - %s: cannot read\n", path);
			bad = 1;
			continue;
		}
		fprintf(stderr, "# input %s\n", path);
		LLVMFuzzerTestOneInput(data, n);
		free(data);
	}
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	if (count == 0) {
		printf("not ok - %s: no input to replay\n", dir);
		return 1;
	}
	if (!bad)
		printf("ok - %s: %zu input%s replayed\n", dir, count,
		    count == 1 ? "" : "s");
	return bad;
}

int
main(int argc, char **argv)
{
	int i, bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++)
		bad |= replay_dir(argv[i]);
	return bad;
}
