/*
 * cmd_history.c: "dossier history ID": every stored version of a
 * document, oldest first.  Also builds the history part of "show".
 */
#include <stdio.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"
#include "out.h"

/* A history table row for v. */
static void
history_row(struct table *t, const struct dossier_version *v)
{
	char ver[16], added[OUT_TIME_MAX], size[32], sha[13];
	const char *row[7];

	snprintf(ver, sizeof(ver), "v%d", v->version);
	out_time(added, v->added, 0);
	out_size(size, sizeof(size), v->size);
	snprintf(sha, sizeof(sha), "%.12s", v->sha256 != NULL ? v->sha256 : "");
	row[0] = ver;
	row[1] = added;
	row[2] = v->added_by;
	row[3] = size;
	row[4] = sha;
	row[5] = v->filename;
	row[6] = v->note;
	table_add(t, row);
}

int
cli_history_collect(struct cli *c, struct dossier *d, int64_t id,
    struct jout **json, struct table **table)
{
	static const char *const headers[] = {
	    "VERSION", "ADDED", "BY", "SIZE", "SHA256", "FILENAME", "NOTE"};
	const struct dossier_version *v;
	struct dossier_iter *it = NULL;
	int r;

	*json = NULL;
	*table = NULL;
	r = dossier_history(d, id, &it);
	if (r < 0)
		goto out;
	if (c->json) {
		*json = jout_array();
	} else {
		*table = table_new(7, headers);
		table_right(*table, 3);
		table_max(*table, 5, 40);
		table_max(*table, 6, 60);
	}
	for (;;) {
		r = dossier_iter_next(it, NULL, &v);
		if (r != DOSSIER_OK)
			break;
		if (c->json)
			jout_push(*json, jout_version(v));
		else
			history_row(*table, v);
	}
out:
	dossier_iter_free(it);
	return r < 0 ? cli_fail(d, r) : CLI_EXIT_OK;
}

static int
history_run(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = {{NULL, 0, 0, 0}};
	struct opt_state o;
	struct dossier *d = NULL;
	struct jout *json = NULL, *j;
	struct table *table = NULL;
	char **args;
	int64_t id;
	int ch, n, rc;

	opt_init(&o, c, argc, argv, 1);
	ch = opt_next(&o, opts);
	if (ch != OPT_END)
		return ch == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 1, 1, "document ID");
	if (rc == CLI_EXIT_OK)
		rc = cli_arg_id(c, args[0], &id);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = cli_history_collect(c, d, id, &json, &table);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (c->json) {
		j = jout_object();
		jout_put_int(j, "id", id);
		jout_put(j, "history", json);
		json = NULL;
		rc = jout_emit(j);
	} else if (table_print(table, stdout) != 0) {
		rc = cli_oom();
	}
out:
	jout_free(json);
	table_free(table);
	dossier_close(d);
	return rc;
}

const struct cli_cmd cmd_history = {
    .name = "history",
    .summary = "list every stored version of a document",
    .usage = "history ID",
    .help = NULL,
    .flags = 0,
    .run = history_run,
};
