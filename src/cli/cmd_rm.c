/*
 * cmd_rm.c: "dossier rm ID --reason TEXT": moves a document to the trash,
 * from where "restore" takes it back.
 */
#include "cli.h"
#include "trash.h"

static int
rm_run(struct cli *c, int argc, char **argv)
{
	return trash_run(c, argc, argv, TRASH_RM);
}

const struct cli_cmd cmd_rm = {
    .name = "rm",
    .summary = "move a document to the trash (restorable)",
    .usage = "rm ID --reason TEXT",
    .help = "options:\n"
            "  --reason TEXT   why (required; recorded with the document)\n",
    .flags = 0,
    .run = rm_run,
};
