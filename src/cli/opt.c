/*
 * opt.c: the option parser of opt.h, with the table of global options.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opt.h"

enum {
	G_VAULT = 1000,
	G_USER,
	G_PASSFILE,
	G_NEWPASSFILE,
	G_JSON,
	G_QUIET,
	G_HELP
};

static const struct cli_opt global_opts[] = {
    {"vault", 'V', 1, G_VAULT},
    {"user", 'u', 1, G_USER},
    {"passphrase-file", 0, 1, G_PASSFILE},
    {"new-passphrase-file", 0, 1, G_NEWPASSFILE},
    {"json", 0, 0, G_JSON},
    {"quiet", 'q', 0, G_QUIET},
    {"help", 'h', 0, G_HELP},
    {NULL, 0, 0, 0},
};

void
opt_init(struct opt_state *o, struct cli *c, int argc, char **argv, int permute)
{
	memset(o, 0, sizeof(*o));
	o->argc = argc;
	o->argv = argv;
	o->ind = 1;
	o->permute = permute;
	o->c = c;
}

int
opt_operands(struct opt_state *o, char ***argvp)
{
	*argvp = o->argv + 1;
	return o->nargs;
}

static const struct cli_opt *
find_long(const struct cli_opt *opts, const char *name, size_t len)
{
	const struct cli_opt *p;

	for (p = opts; p->id != 0; p++) {
		if (p->name != NULL && strncmp(p->name, name, len) == 0 &&
		    p->name[len] == '\0')
			return p;
	}
	return NULL;
}

static const struct cli_opt *
find_short(const struct cli_opt *opts, int ch)
{
	const struct cli_opt *p;

	for (p = opts; p->id != 0; p++) {
		if (p->shortopt != 0 && p->shortopt == ch)
			return p;
	}
	return NULL;
}

/*
 * Applies a global option.  Returns OPT_END to go on parsing, or OPT_HELP.
 * An empty value counts as not given, like an empty environment variable.
 */
static int
apply_global(struct opt_state *o, int id)
{
	struct cli *c = o->c;
	const char *v = (o->arg != NULL && o->arg[0] != '\0') ? o->arg : NULL;

	switch (id) {
	case G_VAULT:
		c->vault = v;
		break;
	case G_USER:
		c->user = v;
		break;
	case G_PASSFILE:
		c->passfile = v;
		break;
	case G_NEWPASSFILE:
		c->newpassfile = v;
		break;
	case G_JSON:
		c->json = 1;
		break;
	case G_QUIET:
		c->quiet = 1;
		break;
	case G_HELP:
		if (c->cmd != NULL)
			cli_print_cmd_help(c->cmd, stdout);
		else
			cli_print_help(stdout);
		return OPT_HELP;
	default:
		break;
	}
	return OPT_END;
}

/*
 * The result for option p: its id, or for a global option OPT_END (applied)
 * or OPT_HELP.
 */
static int
found(struct opt_state *o, const struct cli_opt *p, int global)
{
	return global ? apply_global(o, p->id) : p->id;
}

static int
parse_long(struct opt_state *o, const struct cli_opt *opts, char *s)
{
	const struct cli_opt *p;
	char *eq;
	size_t len;
	int global = 0;

	eq = strchr(s, '=');
	len = eq != NULL ? (size_t)(eq - s) : strlen(s);
	p = find_long(opts, s, len);
	if (p == NULL) {
		p = find_long(global_opts, s, len);
		global = 1;
	}
	if (p == NULL) {
		cli_usage(o->c, "unknown option '--%.*s'", (int)len, s);
		return OPT_ERR;
	}
	o->arg = NULL;
	if (p->has_arg && eq != NULL) {
		o->arg = eq + 1;
	} else if (p->has_arg && o->ind < o->argc) {
		o->arg = o->argv[o->ind++];
	} else if (p->has_arg) {
		cli_usage(o->c, "option '--%s' needs an argument", p->name);
		return OPT_ERR;
	} else if (eq != NULL) {
		cli_usage(o->c, "option '--%s' takes no argument", p->name);
		return OPT_ERR;
	}
	return found(o, p, global);
}

static int
parse_short(struct opt_state *o, const struct cli_opt *opts)
{
	const struct cli_opt *p;
	int ch = (unsigned char)*o->group++;
	int global = 0;

	p = find_short(opts, ch);
	if (p == NULL) {
		p = find_short(global_opts, ch);
		global = 1;
	}
	if (p == NULL) {
		o->group = NULL;
		cli_usage(o->c, "unknown option '-%c'", ch);
		return OPT_ERR;
	}
	o->arg = NULL;
	if (p->has_arg) {
		if (*o->group != '\0') {
			o->arg = o->group;
		} else if (o->ind < o->argc) {
			o->arg = o->argv[o->ind++];
		} else {
			cli_usage(o->c, "option '-%c' needs an argument", ch);
			return OPT_ERR;
		}
		o->group = NULL;
	}
	return found(o, p, global);
}

int
opt_next(struct opt_state *o, const struct cli_opt *opts)
{
	char *s;
	int r;

	/* A global option gives OPT_END from found(): applied, go on. */
	for (;;) {
		if (o->group != NULL && *o->group != '\0') {
			r = parse_short(o, opts);
			if (r != OPT_END)
				return r;
			continue;
		}
		o->group = NULL;
		if (o->ind >= o->argc)
			return OPT_END;
		s = o->argv[o->ind];
		if (o->dashdash || s[0] != '-' || s[1] == '\0') {
			if (!o->permute)
				return OPT_END;
			/* Safe: 1 + nargs <= ind, a slot already read. */
			o->argv[1 + o->nargs++] = s;
			o->ind++;
			continue;
		}
		o->ind++;
		if (strcmp(s, "--") == 0) {
			if (!o->permute)
				return OPT_END;
			o->dashdash = 1;
			continue;
		}
		if (s[1] != '-') {
			o->group = s + 1;
			continue;
		}
		r = parse_long(o, opts, s + 2);
		if (r != OPT_END)
			return r;
	}
}
