/*
 * cmd_show.c: "dossier show ID": a document's metadata as "key: value"
 * lines, then its history.  Also what "meta" and "update --json" print.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"
#include "out.h"

static void
kv(struct table *t, const char *key, const char *value)
{
	const char *row[2];

	row[0] = key;
	row[1] = (value != NULL && value[0] != '\0') ? value : "(none)";
	table_add(t, row);
}

/* The "key: value" table of doc; NULL when out of memory. */
static struct table *
doc_table(const struct dossier_doc *doc)
{
	char buf[64], size[32], when[OUT_TIME_MAX];
	const char *en, *zh, *key, *pair[2];
	struct table *t;
	char *s;
	size_t i;

	t = table_new(2, NULL);
	table_gap(t, 1);
	kv(t, "title:", doc->title);
	snprintf(buf, sizeof(buf), "%" PRId64, doc->id);
	kv(t, "id:", buf);
	en = dossier_level_name(doc->level, 0);
	zh = dossier_level_name(doc->level, 1);
	snprintf(buf, sizeof(buf), "%s (%s)", zh != NULL ? zh : "?",
	    en != NULL ? en : "?");
	kv(t, "level:", buf);
	kv(t, "category:", doc->category);
	s = out_join(doc->tags, doc->ntags, ", ");
	if (s == NULL) {
		table_free(t);
		return NULL;
	}
	kv(t, "tags:", s);
	free(s);
	kv(t, "number:", doc->number);
	kv(t, "date:", doc->date);
	/* Custom fields: KEY=VALUE, one a line, under one "fields:" key. */
	key = "fields:";
	for (i = 0; i < doc->nfields; i++) {
		pair[0] = doc->fields[i].key;
		pair[1] = doc->fields[i].value;
		s = out_join(pair, 2, "=");
		if (s == NULL) {
			table_free(t);
			return NULL;
		}
		kv(t, key, s);
		free(s);
		key = "";
	}
	if (doc->nfields == 0)
		kv(t, key, NULL);
	kv(t, "filename:", doc->filename);
	kv(t, "type:", doc->type);
	if (doc->no_text != NULL && doc->no_text[0] != '\0')
		kv(t, "text:", doc->no_text);
	snprintf(buf, sizeof(buf), "%" PRIu64 " bytes (%s)", doc->size,
	    out_size(size, sizeof(size), doc->size));
	kv(t, "size:", buf);
	snprintf(buf, sizeof(buf), "%d", doc->version);
	kv(t, "version:", buf);
	kv(t, "sha256:", doc->sha256);
	kv(t, "created:", out_time(when, doc->created, 0));
	kv(t, "created by:", doc->created_by);
	kv(t, "modified:", out_time(when, doc->modified, 0));
	if (doc->restricted)
		kv(t, "restricted:", "yes (only explicit grants apply)");
	if (doc->deleted) {
		kv(t, "deleted:", out_time(when, doc->deleted_at, 0));
		kv(t, "deleted by:", doc->deleted_by);
		kv(t, "reason:", doc->delete_reason);
	}
	return t;
}

int
cli_show_document(
    struct cli *c, struct dossier *d, int64_t id, int with_history)
{
	const struct dossier_doc *doc;
	struct table *kvs = NULL, *hist = NULL;
	struct jout *j = NULL, *h = NULL;
	int r, rc = CLI_EXIT_OK;

	r = dossier_show(d, id, &doc);
	if (r < 0)
		return cli_fail(d, r);
	/* doc is borrowed until the next call on d: render it first. */
	if (c->json)
		j = jout_doc(doc);
	else
		kvs = doc_table(doc);
	if (with_history) {
		rc = cli_history_collect(c, d, id, &h, &hist);
		if (rc != CLI_EXIT_OK)
			goto out;
	}
	if (c->json) {
		jout_put(j, "history", h); /* h is NULL without history */
		h = NULL;
		rc = jout_emit(j);
		j = NULL;
		goto out;
	}
	if (table_print(kvs, stdout) != 0) {
		rc = cli_oom();
		goto out;
	}
	if (with_history) {
		putchar('\n');
		if (table_print(hist, stdout) != 0)
			rc = cli_oom();
	}
out:
	jout_free(j);
	jout_free(h);
	table_free(kvs);
	table_free(hist);
	return rc;
}

static int
show_run(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = {{NULL, 0, 0, 0}};
	struct opt_state o;
	struct dossier *d = NULL;
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
	if (rc == CLI_EXIT_OK)
		rc = cli_show_document(c, d, id, 1);
	dossier_close(d);
	return rc;
}

const struct cli_cmd cmd_show = {
    .name = "show",
    .summary = "describe a document and its versions",
    .usage = "show ID",
    .help = NULL,
    .flags = 0,
    .run = show_run,
};
