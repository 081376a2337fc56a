/*
 * cmd_add.c: "dossier add PATH...": files documents, one per file, and
 * prints "ID<TAB>PATH" for each (or a JSON array of documents).
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "edit.h"
#include "json_out.h"
#include "opt.h"
#include "out.h"

enum { O_RECURSIVE = 1, O_ALLOW_DUPLICATE };

static const struct cli_opt add_opts[] = {
    EDIT_OPTIONS,
    {"recursive", 'r', 0, O_RECURSIVE},
    {"allow-duplicate", 0, 0, O_ALLOW_DUPLICATE},
    {NULL, 0, 0, 0},
};

struct add_state {
	struct cli *c;
	struct jout *docs; /* --json: the array printed at the end */
	struct progress progress;
	unsigned long tried, filed;
	int first; /* exit status of the first failure, or 0 */
	int reported; /* failures reported by the current dossier_add() */
};

static void
add_failed(struct add_state *a, int status)
{
	if (a->first == CLI_EXIT_OK)
		a->first = status;
}

/* dossier_add()'s report on one file. */
static void
added(void *ctx, const struct dossier_added *r)
{
	struct add_state *a = ctx;
	struct jout *j;

	a->tried++;
	progress_clear(&a->progress);
	if (r->rc != DOSSIER_OK) {
		a->reported++;
		add_failed(a, cli_exit_code(r->rc));
		cli_err("%s",
		    r->errmsg != NULL ? r->errmsg : dossier_strerror(r->rc));
	} else if (a->c->json) {
		a->filed++;
		j = r->doc != NULL ? jout_doc(r->doc) : jout_object();
		if (r->doc == NULL)
			jout_put_int(j, "id", r->id);
		jout_put_str(j, "path", r->path);
		jout_put_id(j, "duplicate_of", r->duplicate_of);
		jout_push(a->docs, j);
	} else {
		a->filed++;
		/* Flushed now so that the progress line redraws below it. */
		printf("%" PRId64 "\t%s\n", r->id, r->path);
		fflush(stdout);
		if (r->duplicate_of != 0 && !a->c->quiet)
			fprintf(stderr,
			    "note: '%s' has the same content as document "
			    "%" PRId64 "\n",
			    r->path, r->duplicate_of);
	}
	/* "More than one file": from the second report on. */
	if (a->tried > 1)
		progress_show(&a->progress, "filed %lu", a->filed);
}

static int
add_run(struct cli *c, int argc, char **argv)
{
	struct add_state a = {0};
	struct opt_state o;
	struct dossier *d = NULL;
	struct edit ed;
	unsigned flags = 0;
	char **paths;
	int ch, i, n, r, rc;

	rc = edit_init(&ed, argc);
	if (rc != CLI_EXIT_OK)
		return rc;
	opt_init(&o, c, argc, argv, 1);
	for (;;) {
		ch = opt_next(&o, add_opts);
		if (ch == OPT_END)
			break;
		switch (ch) {
		case O_RECURSIVE:
			flags |= DOSSIER_ADD_RECURSIVE;
			break;
		case O_ALLOW_DUPLICATE:
			flags |= DOSSIER_ADD_ALLOW_DUPLICATE;
			break;
		case OPT_HELP:
			rc = CLI_EXIT_OK;
			goto out;
		case OPT_ERR:
			rc = CLI_EXIT_USAGE;
			goto out;
		default:
			rc = edit_option(c, &ed, ch, o.arg, 0);
			if (rc != CLI_EXIT_OK)
				goto out;
			break;
		}
	}
	n = opt_operands(&o, &paths);
	rc = cli_arg_nargs(c, n, paths, 1, -1, "file to add");
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		goto out;

	a.c = c;
	if (c->json)
		a.docs = jout_array();
	progress_init(&a.progress, !c->quiet);
	for (i = 0; i < n; i++) {
		a.reported = 0;
		r = dossier_add(d, paths[i], &ed.e, flags, added, &a);
		/* A failure before any file was tried (no such path...). */
		if (r < 0 && a.reported == 0) {
			progress_clear(&a.progress);
			add_failed(&a, cli_fail(d, r));
		}
	}
	progress_clear(&a.progress);
	if (c->json) {
		rc = jout_emit(a.docs);
		a.docs = NULL;
	}
	if (a.first != CLI_EXIT_OK)
		rc = a.first;
out:
	jout_free(a.docs);
	dossier_close(d);
	edit_release(&ed);
	return rc;
}

const struct cli_cmd cmd_add = {
    .name = "add",
    .summary = "file documents",
    .usage = "add PATH... [-r] [--title T] [--category C] [--tag T]...\n"
             "                   [--level L] [--number N] "
             "[--date YYYY-MM-DD]\n"
             "                   [--field KEY=VALUE]... [--allow-duplicate]",
    .help = "options:\n"
            "  -r, --recursive      file the files under directories\n"
            "  --title T            title (default: from the file name)\n"
            "  --category C         category, e.g. 合同\n"
            "  --tag T              a tag (repeatable)\n"
            "  --level L            public, internal (default), "
            "confidential, secret,\n"
            "                       top-secret, or 公开, 内部, 秘密, 机密, "
            "绝密\n"
            "  --number N           the document's own number, e.g. "
            "HT-2022-0315\n"
            "  --date YYYY-MM-DD    the document's date (default: today)\n"
            "  --field KEY=VALUE    a custom field (repeatable)\n"
            "  --allow-duplicate    file content already filed at that "
            "level again\n"
            "\n"
            "Prints ID<TAB>PATH per document filed.  Content already "
            "filed at the\nsame level is refused (exit 7) unless "
            "--allow-duplicate.\n",
    .flags = 0,
    .run = add_run,
};
