/*
 * grant.h: what "grant" and "revoke" share: a principal, permission names,
 * exactly one of --doc and --category, one library call, one line.
 */
#ifndef CLI_GRANT_H
#define CLI_GRANT_H

struct cli;

/* Runs "grant" (revoke 0) or "revoke" (revoke 1); returns an exit status. */
int grant_run(struct cli *c, int argc, char **argv, int revoke);

#endif /* CLI_GRANT_H */
