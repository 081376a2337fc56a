/*
 * trash.h: what "rm", "restore" and "purge" share: one document id, a
 * reason for rm and purge, one library call, one confirmation line.
 */
#ifndef CLI_TRASH_H
#define CLI_TRASH_H

struct cli;

enum trash_action { TRASH_RM, TRASH_RESTORE, TRASH_PURGE };

/* Runs the command for act; returns an exit status. */
int trash_run(struct cli *c, int argc, char **argv, enum trash_action act);

#endif /* CLI_TRASH_H */
