/*
 * search_bench.c: search latency in one process (no unlock per query).
 *
 *	search_bench VAULT USER ROUNDS QUERY...
 * The passphrase comes from DOSSIER_PASSPHRASE.  For each query: one
 * warm-up, then ROUNDS timed runs of dossier_search() (top 20, ranked,
 * snippets made); prints "query p50_ms p95_ms hits".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dossier.h"

static int
count_hit(void *ctx, const struct dossier_hit *h)
{
	(void)h;
	(*(int *)ctx)++;
	return 0;
}

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct dossier_filter f;
	struct dossier *d;
	const char *pass = getenv("DOSSIER_PASSPHRASE");
	double *ms, t;
	int64_t total;
	int rounds, i, q, hits, rc;

	if (argc < 5 || pass == NULL) {
		fprintf(stderr, "usage: search_bench VAULT USER ROUNDS QUERY...\n");
		return 2;
	}
	rounds = atoi(argv[3]);
	if (rounds < 1 || dossier_library_init() != DOSSIER_OK)
		return 2;
	if (dossier_open(argv[1], &d) != DOSSIER_OK ||
	    dossier_unlock(d, argv[2], pass, strlen(pass)) != DOSSIER_OK) {
		fprintf(stderr, "search_bench: %s\n", dossier_errmsg(d));
		return 1;
	}
	ms = calloc((size_t)rounds, sizeof(*ms));
	dossier_filter_init(&f);
	f.limit = 20;
	for (q = 4; q < argc; q++) {
		hits = 0;
		rc = dossier_search(d, argv[q], &f, count_hit, &hits, &total);
		for (i = 0; rc == DOSSIER_OK && i < rounds; i++) {
			t = now_ms();
			hits = 0;
			rc = dossier_search(d, argv[q], &f, count_hit, &hits,
			    &total);
			ms[i] = now_ms() - t;
		}
		if (rc != DOSSIER_OK) {
			fprintf(stderr, "search_bench: %s\n", dossier_errmsg(d));
			return 1;
		}
		qsort(ms, (size_t)rounds, sizeof(*ms), cmp);
		printf("%-24s p50 %8.2f ms  p95 %8.2f ms  %lld hits\n", argv[q],
		    ms[rounds / 2], ms[(rounds * 95) / 100 < rounds ?
		    (rounds * 95) / 100 : rounds - 1], (long long)total);
	}
	free(ms);
	dossier_close(d);
	return 0;
}
