/*
 * cmd_restore.c: "dossier restore ID": takes a document back out of the
 * trash.
 */
#include "cli.h"
#include "trash.h"

static int
restore_run(struct cli *c, int argc, char **argv)
{
	return trash_run(c, argc, argv, TRASH_RESTORE);
}

const struct cli_cmd cmd_restore = {
    .name = "restore",
    .summary = "take a document back out of the trash",
    .usage = "restore ID",
    .help = NULL,
    .flags = 0,
    .run = restore_run,
};
