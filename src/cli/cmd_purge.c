/*
 * cmd_purge.c: "dossier purge ID --reason TEXT": destroys a document, every
 * version's content and keys; the catalog keeps who purged what and why.
 */
#include "cli.h"
#include "trash.h"

static int
purge_run(struct cli *c, int argc, char **argv)
{
	return trash_run(c, argc, argv, TRASH_PURGE);
}

const struct cli_cmd cmd_purge = {
    .name = "purge",
    .summary = "destroy a document and all its versions (administrator)",
    .usage = "purge ID --reason TEXT",
    .help = "options:\n"
            "  --reason TEXT   why (required; the catalog keeps who purged "
            "what, when\n"
            "                  and why)\n"
            "\n"
            "Every version's content and keys are destroyed: this cannot "
            "be undone.\n",
    .flags = 0,
    .run = purge_run,
};
