/*
 * cmd_audit.c: "dossier audit log" (the records, as a table, CSV or
 * JSON) and "dossier audit verify" (chain, signatures, checkpoints).
 * "audit report" is in audit_report.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_cli.h"
#include "cli.h"
#include "json_out.h"
#include "opt.h"
#include "out.h"

enum { O_USER = 1, O_ACTION, O_DOC, O_SINCE, O_UNTIL, O_DENIED, O_CSV,
	O_WITNESS };

static const struct cli_opt log_opts[] = {
    {"user", 0, 1, O_USER},
    {"action", 0, 1, O_ACTION},
    {"doc", 0, 1, O_DOC},
    {"since", 0, 1, O_SINCE},
    {"until", 0, 1, O_UNTIL},
    {"denied", 0, 0, O_DENIED},
    {"csv", 0, 0, O_CSV},
    {NULL, 0, 0, 0},
};

struct log_state {
	struct cli *c;
	int csv;
	struct jout *entries;
	struct table *table;
	int oom;
};

/* One CSV field, quoted when it must be (RFC 4180). */
static void
csv_field(const char *s, int last)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, stdout);
	} else {
		putchar('"');
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	}
	fputs(last ? "\r\n" : ",", stdout);
}

static int
log_entry(void *ctx, const struct dossier_audit_entry *e)
{
	struct log_state *s = ctx;
	char when[OUT_TIME_MAX], seq[24], doc[24], ver[16];
	const char *row[9], *level;
	struct jout *j;

	level = e->level >= 0 ? dossier_level_name(e->level, 0) : "";
	if (s->c->json) {
		j = jout_object();
		jout_put_int(j, "seq", e->seq);
		jout_put_time(j, "time", e->time);
		jout_put_str(j, "user", e->user);
		jout_put_str(j, "action", e->action);
		jout_put_id(j, "doc", e->doc);
		jout_put_id(j, "version", e->version);
		if (e->level >= 0)
			jout_put_str(j, "level", level);
		else
			jout_put_null(j, "level");
		jout_put_str(j, "outcome", e->outcome);
		jout_put_str(j, "detail", e->detail);
		if (e->title != NULL)
			jout_put_str(j, "title", e->title);
		jout_push(s->entries, j);
		return 0;
	}
	snprintf(seq, sizeof(seq), "%" PRId64, e->seq);
	doc[0] = ver[0] = '\0';
	if (e->doc != 0)
		snprintf(doc, sizeof(doc), "%" PRId64, e->doc);
	if (e->version != 0)
		snprintf(ver, sizeof(ver), "%d", e->version);
	out_time(when, e->time, s->csv);
	if (s->csv) {
		csv_field(seq, 0);
		csv_field(when, 0);
		csv_field(e->user, 0);
		csv_field(e->action, 0);
		csv_field(doc, 0);
		csv_field(ver, 0);
		csv_field(level != NULL ? level : "", 0);
		csv_field(e->outcome, 0);
		csv_field(e->title != NULL ? e->title : "", 0);
		csv_field(e->detail, 1);
		return 0;
	}
	row[0] = seq;
	row[1] = when;
	row[2] = e->user;
	row[3] = e->action;
	row[4] = doc;
	row[5] = e->level >= 0 ? dossier_level_name(e->level, 1) : "";
	row[6] = e->outcome;
	row[7] = e->title != NULL ? e->title : "";
	row[8] = e->detail;
	table_add(s->table, row);
	return 0;
}

static int
log_run(struct cli *c, int argc, char **argv)
{
	static const char *const headers[] = { "SEQ", "TIME", "USER",
	    "ACTION", "DOC", "LEVEL", "OUTCOME", "TITLE", "DETAIL" };
	struct dossier_audit_filter f;
	struct log_state s;
	struct opt_state o;
	struct dossier *d = NULL;
	struct jout *j;
	char **args;
	int ch, n, r, rc = CLI_EXIT_OK;

	dossier_audit_filter_init(&f);
	memset(&s, 0, sizeof(s));
	s.c = c;
	opt_init(&o, c, argc, argv, 1);
	while ((ch = opt_next(&o, log_opts)) != OPT_END) {
		switch (ch) {
		case O_USER:
			f.user = o.arg;
			break;
		case O_ACTION:
			f.action = o.arg;
			break;
		case O_DOC:
			rc = cli_arg_id(c, o.arg, &f.doc);
			break;
		case O_SINCE:
			rc = cli_arg_date(c, o.arg);
			f.since = o.arg;
			break;
		case O_UNTIL:
			rc = cli_arg_date(c, o.arg);
			f.until = o.arg;
			break;
		case O_DENIED:
			f.denied = 1;
			break;
		case O_CSV:
			s.csv = 1;
			break;
		case OPT_HELP:
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 0, 0, "");
	if (rc != CLI_EXIT_OK)
		return rc;
	if (s.csv && c->json)
		return cli_usage(c, "--csv and --json do not go together");
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (c->json) {
		s.entries = jout_array();
	} else if (s.csv) {
		fputs("seq,time,user,action,doc,version,level,outcome,title,"
		    "detail\r\n", stdout);
	} else {
		s.table = table_new(9, headers);
		if (s.table == NULL) {
			rc = cli_oom();
			goto out;
		}
		table_right(s.table, 0);
		table_right(s.table, 4);
		table_max(s.table, 7, 24);
		table_max(s.table, 8, 48);
	}
	r = dossier_audit_each(d, &f, log_entry, &s);
	if (r < 0) {
		rc = cli_fail(d, r);
		goto out;
	}
	if (c->json) {
		j = jout_object();
		jout_put(j, "entries", s.entries);
		s.entries = NULL;
		rc = jout_emit(j);
	} else if (s.table != NULL) {
		if (table_rows(s.table) == 0)
			puts("no records");
		else if (table_print(s.table, stdout) != 0)
			rc = cli_oom();
	}
out:
	jout_free(s.entries);
	table_free(s.table);
	dossier_close(d);
	return rc;
}

static const struct cli_opt verify_opts[] = {
    {"witness", 0, 1, O_WITNESS},
    {NULL, 0, 0, 0},
};

struct verify_state {
	struct cli *c;
	struct jout *problems;
};

static void
verify_problem(void *ctx, const struct dossier_problem *p)
{
	struct verify_state *v = ctx;

	if (v->c->json)
		jout_push(v->problems, jout_str(p->detail));
	else
		printf("damaged: %s\n", p->detail);
}

static int
verify_run(struct cli *c, int argc, char **argv)
{
	struct verify_state v;
	struct opt_state o;
	struct dossier *d = NULL;
	const char *witness = NULL;
	struct jout *j;
	char **args;
	int64_t records = 0;
	int ch, n, r, rc;

	memset(&v, 0, sizeof(v));
	v.c = c;
	opt_init(&o, c, argc, argv, 1);
	while ((ch = opt_next(&o, verify_opts)) != OPT_END) {
		if (ch == OPT_HELP)
			return CLI_EXIT_OK;
		if (ch != O_WITNESS)
			return CLI_EXIT_USAGE;
		witness = o.arg;
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 0, 0, "");
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (c->json)
		v.problems = jout_array();
	r = dossier_audit_verify(d, witness, verify_problem, &v, &records);
	if (r < 0 && r != DOSSIER_ECORRUPT) {
		rc = cli_fail(d, r);
		goto out;
	}
	if (c->json) {
		j = jout_object();
		jout_put_bool(j, "ok", r == DOSSIER_OK);
		jout_put_int(j, "records", records);
		jout_put(j, "problems", v.problems);
		v.problems = NULL;
		rc = jout_emit(j);
	} else if (r == DOSSIER_OK) {
		printf("audit log intact: %" PRId64 " records\n", records);
	}
	if (r == DOSSIER_ECORRUPT) {
		if (!c->json)
			cli_fail(d, r);
		rc = CLI_EXIT_CORRUPT;
	}
out:
	jout_free(v.problems);
	dossier_close(d);
	return rc;
}

static const struct cli_cmd cmd_audit_log = {
    .name = "audit log",
    .summary = "the audit records",
    .usage = "audit log [--user U] [--action A] [--doc ID] [--since D]\n"
             "                   [--until D] [--denied] [--csv]",
    .help = "options:\n"
            "  --user U      only what user U did\n"
            "  --action A    only this action (add, get, search, ...)\n"
            "  --doc ID      only records about document ID\n"
            "  --since D     from day D (YYYY-MM-DD, UTC)\n"
            "  --until D     to day D, included\n"
            "  --denied      only denied attempts\n"
            "  --csv         CSV (RFC 4180) instead of a table\n"
            "\nNeeds the audit permission (auditor, admin).  Titles show "
            "only for levels\nyou are cleared for.\n",
    .flags = 0,
    .run = log_run,
    .subs = NULL,
};

static const struct cli_cmd cmd_audit_verify = {
    .name = "audit verify",
    .summary = "check the audit log is the one that was written",
    .usage = "audit verify [--witness FILE]",
    .help = "Checks the sequence, the hash chain, every signature against "
            "the key\ncertified for its user then, and every checkpoint "
            "of audit.witness (or\nof FILE, a copy kept elsewhere).  Exit "
            "6 names the first bad record.\n",
    .flags = 0,
    .run = verify_run,
    .subs = NULL,
};

static const struct cli_cmd *const audit_subs[] = {
    &cmd_audit_log,
    &cmd_audit_verify,
    &cmd_audit_report,
    NULL,
};

static int
audit_run(struct cli *c, int argc, char **argv)
{
	return cli_run_subcommand(c, &cmd_audit, argc, argv);
}

const struct cli_cmd cmd_audit = {
    .name = "audit",
    .summary = "read, verify and report the audit log",
    .usage = "audit log [--user U] [--action A] [--doc ID] [--since D] "
             "[--until D]\n"
             "                   [--denied] [--csv]\n"
             "       dossier audit verify [--witness FILE]\n"
             "       dossier audit report --month YYYY-MM [--html FILE]",
    .help = "Every operation is recorded, reads and refusals included, "
            "hash-chained and\nsigned; see docs/AUDIT.md.\n",
    .flags = 0,
    .run = audit_run,
    .subs = audit_subs,
};
