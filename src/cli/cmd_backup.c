/*
 * cmd_backup.c: "dossier backup create|verify|list|restore": encrypted
 * backup archives (docs/BACKUP.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"
#include "out.h"
#include "pass.h"

enum { O_SINCE = 1, O_NO_KEYS, O_TO };

/* The progress line of a backup, verify or restore (on a terminal). */
struct bprogress {
	struct progress p;
	const char *what;
};

static void
show_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct bprogress *b = ctx;

	if (total == 0)
		return;
	if (done > total)
		done = total;
	progress_show(&b->p, "%s: %" PRIu64 " / %" PRIu64 " MiB (%d%%)",
	    b->what, done >> 20, total >> 20, (int)(done * 100 / total));
}

static void
put_info(struct jout *j, const struct dossier_backup_info *b)
{
	jout_put_str(j, "id", b->id);
	if (b->base[0] != '\0')
		jout_put_str(j, "base", b->base);
	else
		jout_put_null(j, "base");
	jout_put_str(j, "kind", b->incremental ? "incremental" : "full");
	jout_put_int(j, "objects", b->objects);
	jout_put_int(j, "referenced", b->referenced);
	jout_put_int(j, "audit_records", b->seq);
	jout_put_int(j, "bytes", (int64_t)b->bytes);
}

static int
create_run(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = {
	    {"since", 0, 1, O_SINCE},
	    {NULL, 0, 0, 0},
	};
	struct dossier_backup_info b;
	struct bprogress bp = { { 0, 0 }, "backing up" };
	struct opt_state o;
	struct dossier *d = NULL;
	struct jout *j;
	const char *since = NULL;
	char **args;
	int ch, n, r, rc;

	opt_init(&o, c, argc, argv, 1);
	while ((ch = opt_next(&o, opts)) != OPT_END) {
		if (ch == O_SINCE)
			since = o.arg;
		else
			return ch == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 1, 1, "backup FILE");
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		return rc;
	progress_init(&bp.p, !c->quiet);
	dossier_set_progress(d, show_progress, &bp);
	r = dossier_backup_create(d, args[0], since, &b);
	progress_clear(&bp.p);
	if (r < 0) {
		rc = cli_fail(d, r);
	} else if (c->json) {
		j = jout_object();
		jout_put_str(j, "file", args[0]);
		put_info(j, &b);
		rc = jout_emit(j);
	} else if (!c->quiet) {
		printf("%s backup %s: %" PRId64 " object%s, %" PRIu64
		    " bytes, %" PRId64 " audit records\n", b.incremental ?
		    "incremental" : "full", args[0], b.objects,
		    b.objects == 1 ? "" : "s", b.bytes, b.seq);
	}
	dossier_close(d);
	return rc;
}

static int
list_run(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = {{NULL, 0, 0, 0}};
	struct dossier_backup_info b;
	struct opt_state o;
	struct dossier *d = NULL;
	struct jout *j;
	char **args, when[32];
	time_t t;
	struct tm tm;
	int ch, n, r, rc;

	opt_init(&o, c, argc, argv, 1);
	ch = opt_next(&o, opts);
	if (ch != OPT_END)
		return ch == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 1, 1, "backup FILE");
	if (rc != CLI_EXIT_OK)
		return rc;
	r = dossier_backup_list(args[0], &b, &d);
	t = (time_t)b.created;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		when[0] = '\0';
	if (r < 0) {
		rc = cli_fail(d, r);
	} else if (c->json) {
		j = jout_object();
		jout_put_str(j, "file", args[0]);
		put_info(j, &b);
		jout_put_str(j, "created", when);
		jout_put_str(j, "created_by", b.created_by);
		rc = jout_emit(j);
	} else {
		printf("backup      %s\nkind        %s\n", b.id, b.incremental ?
		    "incremental" : "full");
		if (b.incremental)
			printf("base        %s\n", b.base);
		printf("created     %s by %s\nobjects     %" PRId64 " in this "
		    "archive, %" PRId64 " in the vault\naudit log   %" PRId64
		    " records\n", when, b.created_by, b.objects, b.referenced,
		    b.seq);
	}
	dossier_close(d);
	return rc;
}

/* The passphrase of the acting user, for verify and restore. */
static int
get_pass(struct cli *c, const char **user, struct pass *p)
{
	*user = cli_user(c);
	if (*user == NULL) {
		cli_err("cannot tell who you are (use --user or DOSSIER_USER)");
		return CLI_EXIT_USAGE;
	}
	return pass_get(c, *user, p);
}

static int
verify_run(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = {
	    {"no-keys", 0, 0, O_NO_KEYS},
	    {NULL, 0, 0, 0},
	};
	struct dossier_backup_info b;
	struct bprogress bp = { { 0, 0 }, "checking" };
	struct opt_state o;
	struct dossier *d = NULL;
	struct pass p;
	struct jout *j;
	const char *user = NULL;
	char **args;
	int ch, n, r, rc, nokeys = 0;

	pass_init(&p);
	opt_init(&o, c, argc, argv, 1);
	while ((ch = opt_next(&o, opts)) != OPT_END) {
		if (ch == O_NO_KEYS)
			nokeys = 1;
		else
			return ch == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 1, -1, "backup FILE");
	if (rc != CLI_EXIT_OK)
		return rc;
	if (!nokeys) {
		rc = get_pass(c, &user, &p);
		if (rc != CLI_EXIT_OK)
			goto out;
	}
	progress_init(&bp.p, !c->quiet);
	r = dossier_backup_verify((const char *const *)args, (size_t)n,
	    nokeys ? DOSSIER_VERIFY_NO_KEYS : 0, user, p.buf, p.len,
	    show_progress, &bp, &b, &d);
	progress_clear(&bp.p);
	pass_wipe(&p);
	if (r < 0) {
		rc = cli_fail(d, r);
	} else if (c->json) {
		j = jout_object();
		jout_put_bool(j, "ok", 1);
		put_info(j, &b);
		rc = jout_emit(j);
	} else {
		printf("backup ok: %s%s\n", nokeys ? "signature and every "
		    "member's hash" : "restored, decrypted and verified",
		    n > 1 ? " (chain)" : "");
		rc = CLI_EXIT_OK;
	}
out:
	pass_wipe(&p);
	dossier_close(d);
	return rc;
}

static int
restore_run(struct cli *c, int argc, char **argv)
{
	static const struct cli_opt opts[] = {
	    {"to", 0, 1, O_TO},
	    {NULL, 0, 0, 0},
	};
	struct dossier_backup_info b;
	struct bprogress bp = { { 0, 0 }, "restoring" };
	struct opt_state o;
	struct dossier *d = NULL;
	struct pass p;
	struct jout *j;
	const char *user = NULL, *to = NULL;
	char **args;
	int ch, n, r, rc;

	pass_init(&p);
	opt_init(&o, c, argc, argv, 1);
	while ((ch = opt_next(&o, opts)) != OPT_END) {
		if (ch == O_TO)
			to = o.arg;
		else
			return ch == OPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 1, -1, "backup FILE");
	if (rc != CLI_EXIT_OK)
		return rc;
	if (to == NULL)
		return cli_usage(c, "missing --to PATH");
	rc = get_pass(c, &user, &p);
	if (rc != CLI_EXIT_OK)
		goto out;
	progress_init(&bp.p, !c->quiet);
	r = dossier_backup_restore((const char *const *)args, (size_t)n, to,
	    user, p.buf, p.len, show_progress, &bp, &b, &d);
	progress_clear(&bp.p);
	pass_wipe(&p);
	if (r < 0) {
		rc = cli_fail(d, r);
	} else if (c->json) {
		j = jout_object();
		jout_put_str(j, "vault", to);
		put_info(j, &b);
		rc = jout_emit(j);
	} else {
		printf("restored vault %s from %d backup%s: %" PRId64
		    " object%s, %" PRId64 " audit records, verified\n", to, n,
		    n == 1 ? "" : "s", b.referenced, b.referenced == 1 ? "" :
		    "s", b.seq);
		rc = CLI_EXIT_OK;
	}
out:
	pass_wipe(&p);
	dossier_close(d);
	return rc;
}

static int
backup_run(struct cli *c, int argc, char **argv)
{
	return cli_run_subcommand(c, &cmd_backup, argc, argv);
}

const struct cli_cmd cmd_backup_create = {
    .name = "create",
    .summary = "write an encrypted backup of the vault",
    .usage = "backup create FILE [--since EARLIER]",
    .help = "options:\n"
            "  --since EARLIER   incremental: only the objects EARLIER "
            "(a backup of this\n"
            "                    vault) does not hold\n"
            "\nNeeds the backup role (or admin), no level key: nothing is "
            "decrypted.\nFILE must not exist.\n",
    .flags = 0,
    .run = create_run,
    .subs = NULL,
};

const struct cli_cmd cmd_backup_list = {
    .name = "list",
    .summary = "show a backup's signed manifest",
    .usage = "backup list FILE",
    .help = NULL,
    .flags = 0,
    .run = list_run,
    .subs = NULL,
};

const struct cli_cmd cmd_backup_verify = {
    .name = "verify",
    .summary = "check a backup (or a chain of them)",
    .usage = "backup verify FILE... [--no-keys]",
    .help = "options:\n"
            "  --no-keys   the signature and every member's SHA-256 only; "
            "no passphrase\n"
            "\nWithout --no-keys the chain (a full backup and its "
            "incremental ones) is\nrestored into a temporary vault beside "
            "the last FILE, unlocked with your\npassphrase, verified with "
            "--read-data and the audit log, then removed.\n",
    .flags = 0,
    .run = verify_run,
    .subs = NULL,
};

const struct cli_cmd cmd_backup_restore = {
    .name = "restore",
    .summary = "restore backups into a new vault",
    .usage = "backup restore FILE... --to PATH",
    .help = "options:\n"
            "  --to PATH   the new vault; must not exist\n"
            "\nFILE... is a full backup and the incremental ones made on "
            "it, in any\norder.  The vault is built beside PATH, checked "
            "whole with your passphrase\n(backup role or admin), and only "
            "then renamed to PATH.\n",
    .flags = 0,
    .run = restore_run,
    .subs = NULL,
};

static const struct cli_cmd *const backup_subs[] = {
    &cmd_backup_create,
    &cmd_backup_verify,
    &cmd_backup_list,
    &cmd_backup_restore,
    NULL,
};

const struct cli_cmd cmd_backup = {
    .name = "backup",
    .summary = "encrypted backups: create, verify, list, restore",
    .usage = "backup create FILE [--since EARLIER]\n"
             "       dossier backup verify FILE... [--no-keys]\n"
             "       dossier backup list FILE\n"
             "       dossier backup restore FILE... --to PATH",
    .help = NULL,
    .flags = 0,
    .run = backup_run,
    .subs = backup_subs,
};
