/*
 * opt.h: a small command-line option parser.  getopt_long() is a GNU
 * extension, and the CLI also needs the global options (--vault, --json,
 * ...) to be accepted anywhere among a command's arguments.
 *
 * Accepts "--name value", "--name=value", "-x value", "-xvalue", grouped
 * short options ("-rq") and "--" to end the options.  An option's value is
 * taken literally even when it starts with "-" ("--tag -old").  Options not
 * in the caller's table are looked up among the global options, which are
 * applied to the struct cli directly; "-h"/"--help" prints the running
 * command's help (or the global help) to stdout.
 */
#ifndef CLI_OPT_H
#define CLI_OPT_H

struct cli;

/* One option of a table; a table ends with an entry whose id is 0. */
struct cli_opt {
	const char *name; /* long name without "--", or NULL */
	int shortopt; /* the short option letter, or 0 */
	int has_arg; /* non-zero: takes a value */
	int id; /* what opt_next() returns, > 0 */
};

/* opt_next() results besides an option id. */
#define OPT_END 0 /* no more options */
#define OPT_ERR (-1) /* usage error, printed; exit CLI_EXIT_USAGE */
#define OPT_HELP (-2) /* help printed to stdout; exit CLI_EXIT_OK */

struct opt_state {
	int argc;
	char **argv;
	int ind; /* next element of argv */
	char *group; /* rest of a group of short options, or NULL */
	int permute; /* collect operands (else stop at the first) */
	int dashdash; /* "--" seen */
	int nargs; /* operands collected, moved to argv[1..nargs] */
	char *arg; /* the value of the option just returned */
	struct cli *c; /* where global options go */
};

/*
 * Starts parsing argv[1..argc-1].  With permute, operands may come between
 * options and are collected (see opt_operands()); without, parsing stops at
 * the first operand, left at argv[o->ind].
 */
void opt_init(
    struct opt_state *o, struct cli *c, int argc, char **argv, int permute);

/* The next option of opts: its id (value in o->arg), or OPT_*. */
int opt_next(struct opt_state *o, const struct cli_opt *opts);

/* After OPT_END with permute: the operands, *argvp[0 .. count-1]. */
int opt_operands(struct opt_state *o, char ***argvp);

#endif /* CLI_OPT_H */
