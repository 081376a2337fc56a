/*
 * cmd_get.c: "dossier get ID[@VERSION] [-o FILE]": a document's content,
 * decrypted and verified, to stdout or into a new file.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"

enum { O_OUTPUT = 1 };

static const struct cli_opt get_opts[] = {
    {"output", 'o', 1, O_OUTPUT},
    {NULL, 0, 0, 0},
};

static int
get_run(struct cli *c, int argc, char **argv)
{
	const struct dossier_doc *doc;
	struct opt_state o;
	struct dossier *d = NULL;
	struct jout *j;
	const char *path = NULL;
	char **args;
	int64_t id;
	int ch, n, r, rc, version;

	opt_init(&o, c, argc, argv, 1);
	for (;;) {
		ch = opt_next(&o, get_opts);
		if (ch == OPT_END)
			break;
		switch (ch) {
		case O_OUTPUT:
			/* "-o -" is stdout, as with most tools. */
			path = strcmp(o.arg, "-") == 0 ? NULL : o.arg;
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
		rc = cli_arg_ref(c, args[0], &id, &version);
	if (rc == CLI_EXIT_OK && c->json && path == NULL)
		rc = cli_usage(c,
		    "--json needs -o FILE (the content goes to "
		    "stdout)");
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		goto out;
	/* For the JSON report: which version "current" is, fixed now. */
	if (c->json && version == 0) {
		r = dossier_show(d, id, &doc);
		if (r < 0) {
			rc = cli_fail(d, r);
			goto out;
		}
		version = doc->version;
	}
	if (path != NULL) {
		r = dossier_get_file(d, id, version, path);
	} else {
		fflush(stdout);
		r = dossier_get_fd(d, id, version, STDOUT_FILENO);
	}
	if (r < 0) {
		rc = cli_fail(d, r);
		goto out;
	}
	if (c->json) {
		j = jout_object();
		jout_put_int(j, "id", id);
		jout_put_int(j, "version", version);
		jout_put_str(j, "path", path);
		rc = jout_emit(j);
	}
out:
	dossier_close(d);
	return rc;
}

const struct cli_cmd cmd_get = {
    .name = "get",
    .summary = "write a document's content to stdout or a file",
    .usage = "get ID[@VERSION] [-o FILE]",
    .help = "options:\n"
            "  -o, --output FILE   write into FILE, which must not exist "
            "('-': stdout)\n"
            "\n"
            "Without @VERSION, the current version.  Content is verified "
            "as it is\ndecrypted: on damage (exit 6) FILE is not created, "
            "and stdout gets no\nbytes of the damaged part.\n",
    .flags = 0,
    .run = get_run,
};
