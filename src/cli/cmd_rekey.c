/*
 * cmd_rekey.c: "dossier rekey": moves the documents still wrapped under a
 * rotated level key to the level's current key.
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"

static int
rekey_run(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = {{NULL, 0, 0, 0}};
	struct opt_state o;
	struct dossier *d = NULL;
	struct jout *j;
	char **args;
	int64_t count = 0;
	int ch, n, r, rc;

	opt_init(&o, c, argc, argv, 1);
	ch = opt_next(&o, opts);
	if (ch != OPT_END)
		return ch == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 0, 0, "");
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		return rc;
	r = dossier_rekey(d, &count);
	if (r < 0) {
		rc = cli_fail(d, r);
	} else if (c->json) {
		j = jout_object();
		jout_put_int(j, "rekeyed", count);
		rc = jout_emit(j);
	} else {
		printf("re-wrapped %" PRId64 " document%s\n", count,
		    count == 1 ? "" : "s");
	}
	dossier_close(d);
	return rc;
}

const struct cli_cmd cmd_rekey = {
    .name = "rekey",
    .summary = "re-wrap documents under rotated level keys (administrator)",
    .usage = "rekey",
    .help = "Disabling a user or lowering a clearance rotates level keys: "
            "documents\nfiled afterwards use the new keys.  rekey moves "
            "every older document to\nits level's current key, so that "
            "old keys open nothing.  Each document is\none transaction; "
            "an interrupted rekey can be run again.\n",
    .flags = 0,
    .run = rekey_run,
    .subs = NULL,
};
