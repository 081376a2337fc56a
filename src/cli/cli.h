/*
 * cli.h: what the dossier command-line program's files share: the command
 * descriptor, the context holding the global options, exit codes and the
 * helpers every command uses (opening the vault, errors, argument checks).
 *
 * The CLI is a client of include/dossier.h and nothing more.
 */
#ifndef CLI_H
#define CLI_H

#include <stdint.h>
#include <stdio.h>

#include "dossier.h"

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Exit status, as listed in spec/CLI.md and the man page. */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_RUNTIME = 1, /* I/O, out of space, internal */
	CLI_EXIT_USAGE = 2, /* unknown command or option, bad argument */
	CLI_EXIT_NOTFOUND = 3, /* vault, document, version, user */
	CLI_EXIT_AUTH = 4, /* authentication failed */
	CLI_EXIT_DENIED = 5, /* role, grant or clearance */
	CLI_EXIT_CORRUPT = 6, /* integrity violation */
	CLI_EXIT_CONFLICT = 7, /* duplicate, name exists, vault busy */
	CLI_EXIT_BADINPUT = 8 /* malformed or oversized input file */
};

/* The global options, filled from the environment, then the command line. */
struct cli {
	const char *vault; /* -V, --vault; DOSSIER_VAULT */
	const char *user; /* -u, --user; DOSSIER_USER; NULL: login */
	const char *passfile; /* --passphrase-file */
	const char *newpassfile; /* --new-passphrase-file */
	int json; /* --json */
	int quiet; /* -q, --quiet */
	const struct cli_cmd *cmd; /* the running command, NULL before */
};

/* Flags of struct cli_cmd. */
#define CLI_CMD_NOLIB 0x1 /* needs no dossier_library_init() (help) */

/*
 * One subcommand.  run() gets argv[0] = the command name and returns an
 * exit status (enum cli_exit), having printed any error itself.
 */
struct cli_cmd {
	const char *name;
	const char *summary; /* one line for "dossier help" */
	const char *usage; /* synopsis after "dossier " */
	const char *help; /* option descriptions, or NULL */
	unsigned flags;
	int (*run)(struct cli *c, int argc, char **argv);
	/* Subcommands ("user add"), NULL-terminated; NULL: none. */
	const struct cli_cmd *const *subs;
};

extern const struct cli_cmd cmd_init, cmd_add, cmd_update, cmd_meta, cmd_list,
    cmd_show, cmd_get, cmd_history, cmd_rm, cmd_restore, cmd_purge, cmd_verify,
    cmd_user, cmd_grant, cmd_revoke, cmd_rekey, cmd_search, cmd_audit,
    cmd_upgrade, cmd_backup, cmd_import, cmd_export, cmd_help, cmd_version;

/* main.c: the command table, NULL-terminated; a command by name or NULL. */
const struct cli_cmd *const *cli_commands(void);
const struct cli_cmd *cli_find_command(const char *name);

/* A subcommand of cmd by its last word ("add" of "user add"), or NULL. */
const struct cli_cmd *cli_find_subcommand(
    const struct cli_cmd *cmd, const char *name);

/*
 * Runs the subcommand of cmd named by the first operand (global options
 * may come before it), with c->cmd set to the subcommand.  Returns an exit
 * status; a missing or unknown subcommand is a usage error.
 */
int cli_run_subcommand(
    struct cli *c, const struct cli_cmd *cmd, int argc, char **argv);

/* cmd_help.c: "dossier --help" text; a command's full help. */
void cli_print_help(FILE *f);
void cli_print_cmd_help(const struct cli_cmd *cmd, FILE *f);

/* The environment variable's value; NULL when unset or empty. */
const char *cli_env(const char *var);

/* Sets c's defaults from the environment. */
void cli_init(struct cli *c);

/* The acting user: --user, DOSSIER_USER or the login name; NULL if none. */
const char *cli_user(struct cli *c);

/* Library result code to exit status. */
int cli_exit_code(int rc);

/* Prints "dossier: MESSAGE" on stderr. */
void cli_err(const char *fmt, ...) CLI_PRINTF(1, 2);

/* Prints "dossier: <dossier_errmsg(d)>"; returns cli_exit_code(rc). */
int cli_fail(const struct dossier *d, int rc);

/* Prints "dossier: out of memory"; returns CLI_EXIT_RUNTIME. */
int cli_oom(void);

/*
 * A usage error: "dossier: MESSAGE" and the running command's synopsis
 * (or the global one) on stderr.  Returns CLI_EXIT_USAGE.
 */
int cli_usage(const struct cli *c, const char *fmt, ...) CLI_PRINTF(2, 3);

/* Prints "usage: dossier SYNOPSIS" for cmd (NULL: global) to f. */
void cli_print_usage(const struct cli_cmd *cmd, FILE *f);

/* Flags of cli_open(). */
#define CLI_OPEN_UNLOCK 0x1

/*
 * Opens the vault of --vault, and with CLI_OPEN_UNLOCK unlocks it as the
 * acting user with the passphrase from its source (wiped afterwards).
 * Returns CLI_EXIT_OK with *dp set, or an exit status after printing the
 * error (*dp is then NULL).
 */
int cli_open(struct cli *c, unsigned flags, struct dossier **dp);

/*
 * Argument checks.  Each prints a usage error and returns CLI_EXIT_USAGE,
 * or returns CLI_EXIT_OK.
 *   cli_arg_id:    a document id, a positive decimal integer
 *   cli_arg_ref:   ID or ID@VERSION (*version 0 when absent)
 *   cli_arg_count: a non-negative decimal integer
 *   cli_arg_date:  YYYY-MM-DD, a real day
 *   cli_arg_level: an English or Chinese level name
 */
int cli_arg_id(const struct cli *c, const char *s, int64_t *id);
int cli_arg_ref(const struct cli *c, const char *s, int64_t *id, int *version);
int cli_arg_count(
    const struct cli *c, const char *what, const char *s, int64_t *n);
int cli_arg_date(const struct cli *c, const char *s);
int cli_arg_level(const struct cli *c, const char *s, int *level);

/*
 * The filter options list and search share, as option ids of their
 * tables: each command maps its ids onto these.  Applies option which
 * with argument arg to f; returns CLI_EXIT_OK or a usage error.
 */
enum cli_filter_opt {
	CLI_F_CATEGORY = 1, CLI_F_TAG, CLI_F_LEVEL, CLI_F_SINCE, CLI_F_UNTIL,
	CLI_F_LIMIT, CLI_F_TYPE, CLI_F_DELETED, CLI_F_END
};
int cli_filter_opt(const struct cli *c, int which, const char *arg,
    struct dossier_filter *f);

/*
 * A permission name (read, file, edit, delete, export, audit, backup,
 * admin) into its bit; a role name (admin, clerk, viewer, auditor,
 * backup).  Each prints a usage error and returns CLI_EXIT_USAGE, or
 * returns CLI_EXIT_OK.
 */
int cli_arg_perm(const struct cli *c, const char *s, unsigned *perm);
int cli_arg_role(const struct cli *c, const char *s);

/*
 * The names of the permission bits in perms, lowest bit first, joined by
 * sep ("read, export"); "" for none.  Free with free(); NULL when out of
 * memory.
 */
char *cli_perm_names(unsigned perms, const char *sep);

/* "秘密 (confidential)" for level into buf (at least 64 bytes). */
char *cli_level_both(char *buf, size_t bufsize, int level);

/*
 * Checks the number of positional arguments: between min and max (max < 0:
 * no limit); what names the missing one.  Returns CLI_EXIT_OK or a usage
 * error.
 */
int cli_arg_nargs(const struct cli *c, int argc, char **argv, int min, int max,
    const char *what);

/*
 * Prints document id as "show" does (human or JSON), with its history
 * when with_history.  Returns an exit status.  (cmd_show.c)
 */
int cli_show_document(
    struct cli *c, struct dossier *d, int64_t id, int with_history);

struct jout;
struct table;

/*
 * Reads document id's history into a new JSON array *json (with --json)
 * or a new table *table (free either, also on failure).  Returns an exit
 * status, the error printed.  (cmd_history.c)
 */
int cli_history_collect(struct cli *c, struct dossier *d, int64_t id,
    struct jout **json, struct table **table);

#endif /* CLI_H */
