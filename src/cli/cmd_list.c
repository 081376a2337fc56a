/*
 * cmd_list.c: "dossier list": the documents matching some filters, newest
 * first, as an aligned table (or JSON).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"
#include "out.h"

static const struct cli_opt list_opts[] = {
    {"category", 0, 1, CLI_F_CATEGORY},
    {"tag", 0, 1, CLI_F_TAG},
    {"level", 0, 1, CLI_F_LEVEL},
    {"since", 0, 1, CLI_F_SINCE},
    {"until", 0, 1, CLI_F_UNTIL},
    {"deleted", 0, 0, CLI_F_DELETED},
    {"limit", 0, 1, CLI_F_LIMIT},
    {NULL, 0, 0, 0},
};

/* Display limits of the free-text columns. */
#define TITLE_MAX 40
#define CATEGORY_MAX 20
#define TAGS_MAX 30

/* Adds doc as a row; returns -1 when out of memory. */
static int
list_row(struct table *t, const struct dossier_doc *doc)
{
	char id[24], ver[16], day[OUT_TIME_MAX];
	const char *row[7], *level;
	char *tags;

	tags = out_join(doc->tags, doc->ntags, ",");
	if (tags == NULL)
		return -1;
	snprintf(id, sizeof(id), "%" PRId64, doc->id);
	snprintf(ver, sizeof(ver), "v%d", doc->version);
	/* The document date, else the filing day, as list sorts by it. */
	if (doc->date != NULL && doc->date[0] != '\0')
		snprintf(day, sizeof(day), "%s", doc->date);
	else
		out_time(day, doc->created, 1)[10] = '\0'; /* YYYY-MM-DD */
	level = dossier_level_name(doc->level, 1);
	row[0] = id;
	row[1] = level != NULL ? level : "?";
	row[2] = ver;
	row[3] = day;
	row[4] = doc->title;
	row[5] = doc->category;
	row[6] = tags;
	table_add(t, row);
	free(tags);
	return 0;
}

/* The closing line: "no documents", "1 document", "showing 5 of 9 ...". */
static void
list_count(size_t shown, int64_t total, int64_t limit)
{
	if (shown == 0)
		puts("no documents");
	else if (limit > 0 && (int64_t)shown < total)
		printf("showing %zu of %" PRId64 " documents\n", shown, total);
	else if (shown == 1)
		puts("1 document");
	else
		printf("%zu documents\n", shown);
}

static int
list_run(struct cli *c, int argc, char **argv)
{
	static const char *const headers[] = {
	    "ID", "LEVEL", "VERSION", "DATE", "TITLE", "CATEGORY", "TAGS"};
	struct dossier_filter f;
	struct opt_state o;
	struct dossier *d = NULL;
	struct dossier_iter *it = NULL;
	const struct dossier_doc *doc;
	struct table *t = NULL;
	struct jout *docs = NULL, *j;
	char **args;
	int ch, n, r, rc = CLI_EXIT_OK;

	dossier_filter_init(&f);
	opt_init(&o, c, argc, argv, 1);
	for (;;) {
		ch = opt_next(&o, list_opts);
		if (ch == OPT_END)
			break;
		if (ch == OPT_HELP)
			return CLI_EXIT_OK;
		rc = ch > 0 && ch < CLI_F_END ?
		    cli_filter_opt(c, ch, o.arg, &f) : CLI_EXIT_USAGE;
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 0, 0, "");
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		goto out;
	r = dossier_list(d, &f, &it);
	if (r < 0) {
		rc = cli_fail(d, r);
		goto out;
	}
	if (c->json) {
		docs = jout_array();
	} else {
		t = table_new(7, headers);
		if (t == NULL) {
			rc = cli_oom();
			goto out;
		}
		table_right(t, 0);
		table_max(t, 4, TITLE_MAX);
		table_max(t, 5, CATEGORY_MAX);
		table_max(t, 6, TAGS_MAX);
	}
	for (;;) {
		r = dossier_iter_next(it, &doc, NULL);
		if (r != DOSSIER_OK)
			break;
		/* doc is borrowed until the next step: copy it now. */
		if (c->json) {
			jout_push(docs, jout_doc(doc));
		} else if (list_row(t, doc) != 0) {
			rc = cli_oom();
			goto out;
		}
	}
	if (r < 0) {
		rc = cli_fail(d, r);
		goto out;
	}
	if (c->json) {
		j = jout_object();
		jout_put_int(j, "total", dossier_iter_total(it));
		jout_put(j, "documents", docs);
		docs = NULL;
		rc = jout_emit(j);
		goto out;
	}
	if (table_rows(t) > 0 && table_print(t, stdout) != 0) {
		rc = cli_oom();
		goto out;
	}
	list_count(table_rows(t), dossier_iter_total(it), f.limit);
out:
	jout_free(docs);
	table_free(t);
	dossier_iter_free(it);
	dossier_close(d);
	return rc;
}

const struct cli_cmd cmd_list = {
    .name = "list",
    .summary = "list documents, newest first",
    .usage = "list [--category C] [--tag T] [--level L] [--since D] "
             "[--until D]\n"
             "                    [--deleted] [--limit N]",
    .help = "options:\n"
            "  --category C   only this category\n"
            "  --tag T        only documents with this tag\n"
            "  --level L      only this level (English or Chinese name)\n"
            "  --since D      document date on or after D (YYYY-MM-DD)\n"
            "  --until D      document date on or before D\n"
            "  --deleted      the trash instead of the live documents\n"
            "  --limit N      at most N documents (0: all)\n"
            "\n"
            "The document date is the --date given at filing, else the "
            "filing day.\n",
    .flags = 0,
    .run = list_run,
};
