/*
 * cmd_meta.c: "dossier meta ID ...": changes a document's metadata (and
 * with --restrict/--unrestrict whether only grants apply to it), then
 * prints the document as "show" does.
 */
#include "cli.h"
#include "edit.h"
#include "opt.h"

enum { O_RESTRICT = 1, O_UNRESTRICT };

static const struct cli_opt meta_opts[] = {
    EDIT_OPTIONS,
    {"unset-field", 0, 1, EDIT_UNSET_FIELD},
    {"restrict", 0, 0, O_RESTRICT},
    {"unrestrict", 0, 0, O_UNRESTRICT},
    {NULL, 0, 0, 0},
};

static int
meta_run(struct cli *c, int argc, char **argv)
{
	struct opt_state o;
	struct dossier *d = NULL;
	struct edit ed;
	char **args;
	int64_t id;
	int ch, n, r, rc, restrict_to = -1; /* -1: leave as is */

	rc = edit_init(&ed, argc);
	if (rc != CLI_EXIT_OK)
		return rc;
	opt_init(&o, c, argc, argv, 1);
	for (;;) {
		ch = opt_next(&o, meta_opts);
		if (ch == OPT_END)
			break;
		switch (ch) {
		case OPT_HELP:
			rc = CLI_EXIT_OK;
			goto out;
		case OPT_ERR:
			rc = CLI_EXIT_USAGE;
			goto out;
		case O_RESTRICT:
		case O_UNRESTRICT:
			if (restrict_to == (ch == O_UNRESTRICT)) {
				rc = cli_usage(c,
				    "--restrict and --unrestrict "
				    "exclude each other");
				goto out;
			}
			restrict_to = ch == O_RESTRICT;
			break;
		default:
			rc = edit_option(c, &ed, ch, o.arg, 1);
			if (rc != CLI_EXIT_OK)
				goto out;
			break;
		}
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 1, 1, "document ID");
	if (rc == CLI_EXIT_OK)
		rc = cli_arg_id(c, args[0], &id);
	if (rc == CLI_EXIT_OK && ed.changes == 0 && restrict_to < 0)
		rc = cli_usage(c, "nothing to change");
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		goto out;
	r = ed.changes > 0 ? dossier_meta(d, id, &ed.e) : DOSSIER_OK;
	if (r >= 0 && restrict_to >= 0)
		r = dossier_restrict(d, id, restrict_to);
	if (r < 0) {
		rc = cli_fail(d, r);
		goto out;
	}
	rc = cli_show_document(c, d, id, 0);
out:
	dossier_close(d);
	edit_release(&ed);
	return rc;
}

const struct cli_cmd cmd_meta = {
    .name = "meta",
    .summary = "change a document's metadata",
    .usage = "meta ID [--title T] [--category C] [--tag +T|-T]... "
             "[--level L]\n"
             "                    [--number N] [--date D] "
             "[--field KEY=VALUE]...\n"
             "                    [--unset-field KEY]... "
             "[--restrict | --unrestrict]",
    .help = "options:\n"
            "  --title T            new title\n"
            "  --category C         new category ('' clears it)\n"
            "  --tag +T, --tag -T   add or remove a tag (no sign: add; "
            "repeatable)\n"
            "  --level L            reclassify: public, internal, "
            "confidential, secret,\n"
            "                       top-secret, or 公开, 内部, 秘密, 机密, "
            "绝密\n"
            "  --number N           the document's own number ('' clears "
            "it)\n"
            "  --date YYYY-MM-DD    the document's date ('' clears it)\n"
            "  --field KEY=VALUE    set a custom field (repeatable)\n"
            "  --unset-field KEY    remove a custom field (repeatable)\n"
            "  --restrict           only grants apply to the document, not "
            "role defaults\n"
            "                       (administrator; see 'dossier help "
            "grant')\n"
            "  --unrestrict         role defaults apply again "
            "(administrator)\n"
            "\n"
            "Prints the document afterwards, as 'show' does without the "
            "history.\n",
    .flags = 0,
    .run = meta_run,
};
