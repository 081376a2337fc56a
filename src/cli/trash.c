/*
 * trash.c: the common run of "rm", "restore" and "purge" (see trash.h).
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"
#include "trash.h"

enum { O_REASON = 1 };

static const struct cli_opt reason_opts[] = {
    {"reason", 0, 1, O_REASON},
    {NULL, 0, 0, 0},
};

static const struct cli_opt no_opts[] = {{NULL, 0, 0, 0}};

int
trash_run(struct cli *c, int argc, char **argv, enum trash_action act)
{
	static const char *const names[] = {"rm", "restore", "purge"};
	struct opt_state o;
	struct dossier *d = NULL;
	struct jout *j;
	const char *reason = NULL;
	char **args;
	int64_t id;
	int ch, n, r, rc;

	opt_init(&o, c, argc, argv, 1);
	for (;;) {
		ch = opt_next(&o, act == TRASH_RESTORE ? no_opts : reason_opts);
		if (ch == OPT_END)
			break;
		switch (ch) {
		case O_REASON:
			reason = o.arg;
			break;
		case OPT_HELP:
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 1, 1, "document ID");
	if (rc == CLI_EXIT_OK)
		rc = cli_arg_id(c, args[0], &id);
	if (rc == CLI_EXIT_OK && act != TRASH_RESTORE && reason == NULL)
		rc = cli_usage(c, "missing --reason");
	else if (rc == CLI_EXIT_OK && act != TRASH_RESTORE && reason[0] == '\0')
		rc = cli_usage(c, "empty reason");
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		goto out;
	switch (act) {
	case TRASH_RM:
		r = dossier_rm(d, id, reason);
		break;
	case TRASH_RESTORE:
		r = dossier_restore(d, id);
		break;
	default:
		r = dossier_purge(d, id, reason);
		break;
	}
	if (r < 0) {
		rc = cli_fail(d, r);
		goto out;
	}
	if (c->json) {
		j = jout_object();
		jout_put_int(j, "id", id);
		jout_put_str(j, "action", names[act]);
		rc = jout_emit(j);
	} else if (act == TRASH_RM) {
		printf("moved %" PRId64 " to the trash\n", id);
	} else {
		printf("%s %" PRId64 "\n",
		    act == TRASH_RESTORE ? "restored" : "purged", id);
	}
out:
	dossier_close(d);
	return rc;
}
