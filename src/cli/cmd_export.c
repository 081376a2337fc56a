/*
 * cmd_export.c: "dossier export -o FILE (ID... | --category C | --query Q)":
 * documents as a plain .zip or .tar with a manifest, for users allowed to
 * export them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"

enum { O_OUT = 1, O_CATEGORY, O_QUERY };

struct ids {
	int64_t *v;
	size_t n, cap;
};

static int
ids_push(struct ids *s, int64_t id)
{
	int64_t *nv;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] == id)
			return 0;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		nv = realloc(s->v, s->cap * sizeof(*nv));
		if (nv == NULL)
			return -1;
		s->v = nv;
	}
	s->v[s->n++] = id;
	return 0;
}

static int
hit(void *ctx, const struct dossier_hit *h)
{
	return ids_push(ctx, h->doc->id) == 0 ? 0 : DOSSIER_ENOMEM;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

static int
export_run(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = {
	    {"output", 'o', 1, O_OUT},
	    {"category", 0, 1, O_CATEGORY},
	    {"query", 0, 1, O_QUERY},
	    {NULL, 0, 0, 0},
	};
	struct dossier_filter f;
	struct dossier_iter *it = NULL;
	const struct dossier_doc *doc;
	struct ids ids = { NULL, 0, 0 };
	struct opt_state o;
	struct dossier *d = NULL;
	struct jout *j;
	const char *out = NULL, *category = NULL, *query = NULL;
	char **args;
	int64_t id, total;
	int ch, n, i, r, rc, zip;

	opt_init(&o, c, argc, argv, 1);
	while ((ch = opt_next(&o, opts)) != OPT_END) {
		switch (ch) {
		case O_OUT:
			out = o.arg;
			break;
		case O_CATEGORY:
			category = o.arg;
			break;
		case O_QUERY:
			query = o.arg;
			break;
		default:
			return ch == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
		}
	}
	n = opt_operands(&o, &args);
	if (out == NULL)
		return cli_usage(c, "missing -o FILE");
	zip = ends_with(out, ".zip");
	if (!zip && !ends_with(out, ".tar"))
		return cli_usage(c, "'%s': the output must end in .zip or .tar",
		    out);
	if ((n > 0) + (category != NULL) + (query != NULL) != 1)
		return cli_usage(c, "give document ids, --category or --query "
		    "(one of them)");
	for (i = 0; i < n; i++) {
		rc = cli_arg_id(c, args[i], &id);
		if (rc != CLI_EXIT_OK)
			goto out;
		if (ids_push(&ids, id) != 0) {
			rc = cli_oom();
			goto out;
		}
	}
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		goto out;
	dossier_filter_init(&f);
	if (category != NULL) {
		f.category = category;
		r = dossier_list(d, &f, &it);
		while (r >= 0 && (r = dossier_iter_next(it, &doc, NULL)) ==
		    DOSSIER_OK)
			if (ids_push(&ids, doc->id) != 0)
				r = DOSSIER_ENOMEM;
		if (r == DOSSIER_DONE)
			r = DOSSIER_OK;
		dossier_iter_free(it);
	} else if (query != NULL) {
		f.limit = 1000000; /* every hit, not the first twenty */
		r = dossier_search(d, query, &f, hit, &ids, &total);
	} else {
		r = DOSSIER_OK;
	}
	if (r == DOSSIER_OK && ids.n == 0) {
		cli_err("nothing to export: no document %s", category != NULL ?
		    "in that category" : "matches");
		rc = CLI_EXIT_NOTFOUND;
		goto out;
	}
	if (r == DOSSIER_OK)
		r = dossier_export(d, out, ids.v, ids.n, zip);
	if (r < 0) {
		rc = cli_fail(d, r);
	} else if (c->json) {
		j = jout_object();
		jout_put_str(j, "file", out);
		jout_put_int(j, "documents", (int64_t)ids.n);
		rc = jout_emit(j);
	} else if (!c->quiet) {
		printf("exported %zu document%s to %s\n", ids.n,
		    ids.n == 1 ? "" : "s", out);
	}
out:
	free(ids.v);
	dossier_close(d);
	return rc;
}

const struct cli_cmd cmd_export = {
    .name = "export",
    .summary = "copy documents out as a plain .zip or .tar",
    .usage = "export -o FILE (ID... | --category C | --query Q)",
    .help = "options:\n"
            "  -o, --output FILE   the archive to write: .zip or .tar; "
            "must not exist\n"
            "  --category C        every document of category C\n"
            "  --query Q           every document a search for Q finds\n"
            "\nThe archive holds each document's current version, in "
            "plain text, and\nmanifest.json (ids, versions, titles, "
            "levels, SHA-256s).  Needs the\nexport permission on every "
            "document; one refused, nothing is written.\nRecorded in the "
            "audit log with every document id.\n",
    .flags = 0,
    .run = export_run,
    .subs = NULL,
};
