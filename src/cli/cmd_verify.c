/*
 * cmd_verify.c: "dossier verify [--no-keys] [--read-data]": checks the
 * integrity of the whole vault and lists what it found.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"
#include "out.h"

enum { O_NO_KEYS = 1, O_READ_DATA };

static const struct cli_opt verify_opts[] = {
    {"no-keys", 0, 0, O_NO_KEYS},
    {"read-data", 0, 0, O_READ_DATA},
    {NULL, 0, 0, 0},
};

struct verify_state {
	struct cli *c;
	struct jout *problems; /* --json */
	unsigned long fatal;
};

/* "damaged: document 12 version 2: DETAIL" or "note: DETAIL". */
static void
print_problem(const struct dossier_problem *p)
{
	char subject[96];
	char *detail;

	detail = out_clean(p->detail != NULL ? p->detail : "", 0, NULL);
	if (!p->fatal) {
		printf("note: %s\n", detail != NULL ? detail : p->detail);
		free(detail);
		return;
	}
	if (p->id != 0 && p->version != 0)
		snprintf(subject, sizeof(subject),
		    "document %" PRId64 " version %d", p->id, p->version);
	else if (p->id != 0)
		snprintf(subject, sizeof(subject), "document %" PRId64, p->id);
	else
		snprintf(subject, sizeof(subject), "%s",
		    p->what != NULL ? p->what : "vault");
	printf(
	    "damaged: %s: %s\n", subject, detail != NULL ? detail : p->detail);
	free(detail);
}

/* dossier_verify()'s report of one finding. */
static void
problem(void *ctx, const struct dossier_problem *p)
{
	struct verify_state *v = ctx;
	struct jout *j;

	if (p->fatal)
		v->fatal++;
	if (!v->c->json) {
		print_problem(p);
		return;
	}
	j = jout_object();
	jout_put_str(j, "what", p->what);
	jout_put_id(j, "id", p->id);
	jout_put_id(j, "version", p->version);
	jout_put_str(j, "detail", p->detail);
	jout_put_bool(j, "fatal", p->fatal);
	jout_push(v->problems, j);
}

static int
verify_run(struct cli *c, int argc, char **argv)
{
	struct verify_state v = {0};
	struct opt_state o;
	struct dossier *d = NULL;
	struct jout *j;
	unsigned flags = 0;
	char **args;
	int ch, n, r, rc;

	opt_init(&o, c, argc, argv, 1);
	for (;;) {
		ch = opt_next(&o, verify_opts);
		if (ch == OPT_END)
			break;
		switch (ch) {
		case O_NO_KEYS:
			flags |= DOSSIER_VERIFY_NO_KEYS;
			break;
		case O_READ_DATA:
			flags |= DOSSIER_VERIFY_READ_DATA;
			break;
		case OPT_HELP:
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 0, 0, "");
	if (rc == CLI_EXIT_OK && (flags & DOSSIER_VERIFY_NO_KEYS) &&
	    (flags & DOSSIER_VERIFY_READ_DATA))
		rc = cli_usage(c, "--read-data needs the keys: drop --no-keys");
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_open(
	    c, (flags & DOSSIER_VERIFY_NO_KEYS) ? 0 : CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		goto out;

	v.c = c;
	if (c->json)
		v.problems = jout_array();
	r = dossier_verify(d, flags, problem, &v);
	if (r < 0 && r != DOSSIER_ECORRUPT) {
		rc = cli_fail(d, r);
		goto out;
	}
	rc = cli_exit_code(r);
	if (c->json) {
		j = jout_object();
		jout_put_bool(j, "ok", r == DOSSIER_OK);
		jout_put(j, "problems", v.problems);
		v.problems = NULL;
		if (jout_emit(j) != CLI_EXIT_OK && rc == CLI_EXIT_OK)
			rc = CLI_EXIT_RUNTIME;
	} else if (r == DOSSIER_OK) {
		puts("vault ok");
	} else if (v.fatal == 0) {
		/* Damage found but not itemised: say what the library said. */
		printf("vault damaged: %s\n", dossier_errmsg(d));
	} else {
		printf("vault damaged: %lu problem%s\n", v.fatal,
		    v.fatal == 1 ? "" : "s");
	}
out:
	jout_free(v.problems);
	dossier_close(d);
	return rc;
}

const struct cli_cmd cmd_verify = {
    .name = "verify",
    .summary = "check the integrity of the whole vault",
    .usage = "verify [--no-keys] [--read-data]",
    .help = "options:\n"
            "  --no-keys     structure and ciphertext hashes only: no "
            "passphrase needed\n"
            "  --read-data   also decrypt and check every stored version\n"
            "\n"
            "Prints one line per finding ('damaged: ...' or 'note: ...') "
            "and 'vault ok'\nor 'vault damaged: N problems'.  Exit 6 when "
            "damage was found.\n",
    .flags = 0,
    .run = verify_run,
};
