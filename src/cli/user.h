/*
 * user.h: what the "user" subcommands share: the subcommand descriptors
 * (cmd_user.c, user_show.c) and the "one-time passphrase" lines.
 */
#ifndef CLI_USER_H
#define CLI_USER_H

#include "cli.h"

struct jout;

extern const struct cli_cmd cmd_user_add, cmd_user_passwd, cmd_user_recovery,
    cmd_user_list,
    cmd_user_show, cmd_user_disable, cmd_user_clearance;

/*
 * Prints user name's one-time passphrase and that it must be replaced at
 * first use; with --json it goes into j instead, which is emitted (and
 * freed).  Returns an exit status.  The caller wipes onetime.
 */
int user_print_onetime(
    struct cli *c, struct jout *j, const char *name, const char *onetime);

/*
 * Parses a subcommand without options of its own: between min and max
 * operands (what names the missing one) into *args, their count into *n.
 * Returns CLI_EXIT_OK, or an exit status with *done set (help printed, or
 * a usage error).
 */
int user_args(struct cli *c, int argc, char **argv, int min, int max,
    const char *what, char ***args, int *n, int *done);

/* "active", "disabled" or "must change passphrase". */
const char *user_status(const struct dossier_user_info *u);

#endif /* CLI_USER_H */
