/*
 * cmd_update.c: "dossier update ID FILE [--note TEXT]": stores FILE as a
 * new version of a document and prints "ID@VERSION".
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "opt.h"

enum { O_NOTE = 1 };

static const struct cli_opt update_opts[] = {
    {"note", 0, 1, O_NOTE},
    {NULL, 0, 0, 0},
};

static int
update_run(struct cli *c, int argc, char **argv)
{
	struct opt_state o;
	struct dossier *d = NULL;
	const char *note = NULL;
	char **args;
	int64_t id;
	int ch, n, r, rc, version = 0;

	opt_init(&o, c, argc, argv, 1);
	for (;;) {
		ch = opt_next(&o, update_opts);
		if (ch == OPT_END)
			break;
		switch (ch) {
		case O_NOTE:
			note = o.arg;
			break;
		case OPT_HELP:
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 1, 2, "document ID");
	if (rc == CLI_EXIT_OK)
		rc = cli_arg_nargs(c, n, args, 2, 2, "FILE");
	if (rc == CLI_EXIT_OK)
		rc = cli_arg_id(c, args[0], &id);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		goto out;
	r = dossier_update(d, id, args[1], note, &version);
	if (r < 0) {
		rc = cli_fail(d, r);
		goto out;
	}
	if (c->json)
		rc = cli_show_document(c, d, id, 0);
	else
		printf("%" PRId64 "@%d\n", id, version);
out:
	dossier_close(d);
	return rc;
}

const struct cli_cmd cmd_update = {
    .name = "update",
    .summary = "store a file as a new version of a document",
    .usage = "update ID FILE [--note TEXT]",
    .help = "options:\n"
            "  --note TEXT   what changed in this version\n"
            "\n"
            "Prints ID@VERSION (with --json: the document).\n",
    .flags = 0,
    .run = update_run,
};
