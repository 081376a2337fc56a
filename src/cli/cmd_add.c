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
	int import; /* duplicates are skipped, not failures */
	unsigned long skipped;
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
	if (r->rc == DOSSIER_ECONFLICT && r->duplicate_of != 0 && a->import) {
		a->skipped++;
		if (!a->c->quiet)
			fprintf(stderr, "skipped '%s': the same content as "
			    "document %" PRId64 "\n", r->path, r->duplicate_of);
	} else if (r->rc != DOSSIER_OK) {
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
		/* Filed (an empty form can be a document), but said. */
		if (r->doc != NULL && r->doc->size == 0 && !a->c->quiet)
			fprintf(stderr, "note: '%s' is empty (0 bytes)\n",
			    r->path);
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

static int
import_run(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = {
	    EDIT_OPTIONS,
	    {"allow-duplicate", 0, 0, O_ALLOW_DUPLICATE},
	    {NULL, 0, 0, 0},
	};
	struct add_state a = {0};
	struct opt_state o;
	struct dossier *d = NULL;
	struct edit ed;
	unsigned flags = 0;
	char **paths;
	int ch, n, r, rc;

	rc = edit_init(&ed, argc);
	if (rc != CLI_EXIT_OK)
		return rc;
	opt_init(&o, c, argc, argv, 1);
	while ((ch = opt_next(&o, opts)) != OPT_END) {
		if (ch == O_ALLOW_DUPLICATE) {
			flags |= DOSSIER_ADD_ALLOW_DUPLICATE;
			continue;
		}
		if (ch == OPT_HELP || ch == OPT_ERR) {
			rc = ch == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
			goto out;
		}
		rc = edit_option(c, &ed, ch, o.arg, 0);
		if (rc != CLI_EXIT_OK)
			goto out;
	}
	n = opt_operands(&o, &paths);
	rc = cli_arg_nargs(c, n, paths, 1, 1, "archive or directory to import");
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		goto out;
	a.c = c;
	a.import = 1;
	if (c->json)
		a.docs = jout_array();
	progress_init(&a.progress, !c->quiet);
	r = dossier_import(d, paths[0], &ed.e, flags, added, &a);
	progress_clear(&a.progress);
	if (r < 0 && a.reported == 0)
		add_failed(&a, cli_fail(d, r));
	if (c->json) {
		rc = jout_emit(a.docs);
		a.docs = NULL;
	} else if (!c->quiet && r >= 0) {
		fprintf(stderr, "imported %lu file%s, %lu duplicate%s skipped\n",
		    a.filed, a.filed == 1 ? "" : "s", a.skipped,
		    a.skipped == 1 ? "" : "s");
	}
	if (a.first != CLI_EXIT_OK)
		rc = a.first;
out:
	jout_free(a.docs);
	dossier_close(d);
	edit_release(&ed);
	return rc;
}

const struct cli_cmd cmd_import = {
    .name = "import",
    .summary = "file every document of a zip or tar archive or a folder",
    .usage = "import ARCHIVE|DIR [--category C] [--level L] [--tag T]...\n"
             "                   [metadata options] [--allow-duplicate]",
    .help = "ARCHIVE: .zip, .tar, .tar.gz or .tar.zst (no other format is "
            "read).\nEach file's folder becomes its category unless "
            "--category is given;\nzip names from Chinese Windows (GBK) "
            "are decoded.  Links, devices,\nabsolute or '..' names and "
            "archives too large or expanding too much\nare refused (exit "
            "8) and nothing is filed.  Duplicates are skipped and\n"
            "reported.  Prints ID<TAB>ARCHIVE:MEMBER per document filed.\n",
    .flags = 0,
    .run = import_run,
};
