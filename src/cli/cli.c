/*
 * cli.c: helpers shared by the commands: the environment, errors and exit
 * codes, opening and unlocking the vault, argument checks.
 */
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "out.h"
#include "pass.h"

const char *
cli_env(const char *var)
{
	const char *s = getenv(var);

	return (s != NULL && s[0] != '\0') ? s : NULL;
}

void
cli_init(struct cli *c)
{
	memset(c, 0, sizeof(*c));
	c->vault = cli_env("DOSSIER_VAULT");
	c->user = cli_env("DOSSIER_USER");
}

const char *
cli_user(struct cli *c)
{
	struct passwd *pw;

	if (c->user == NULL) {
		pw = getpwuid(geteuid());
		if (pw != NULL && pw->pw_name != NULL && pw->pw_name[0] != '\0')
			c->user = pw->pw_name;
	}
	return c->user;
}

int
cli_exit_code(int rc)
{
	switch (rc) {
	case DOSSIER_OK:
	case DOSSIER_DONE:
		return CLI_EXIT_OK;
	case DOSSIER_EUSAGE:
		return CLI_EXIT_USAGE;
	case DOSSIER_ENOTFOUND:
		return CLI_EXIT_NOTFOUND;
	case DOSSIER_EAUTH:
		return CLI_EXIT_AUTH;
	case DOSSIER_EDENIED:
		return CLI_EXIT_DENIED;
	case DOSSIER_ECORRUPT:
		return CLI_EXIT_CORRUPT;
	case DOSSIER_ECONFLICT:
	case DOSSIER_EBUSY:
		return CLI_EXIT_CONFLICT;
	case DOSSIER_EBADINPUT:
		return CLI_EXIT_BADINPUT;
	default:
		/* EIO, ENOMEM, EINTERNAL, EVERSION, EMISUSE, unknown codes */
		return CLI_EXIT_RUNTIME;
	}
}

static void verr(const char *fmt, va_list ap) CLI_PRINTF(1, 0);

/* "dossier: MESSAGE"; stdout goes first, to keep the order on a tty. */
static void
verr(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("dossier: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cli_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(fmt, ap);
	va_end(ap);
}

int
cli_fail(const struct dossier *d, int rc)
{
	cli_err("%s", dossier_errmsg(d));
	return cli_exit_code(rc);
}

int
cli_oom(void)
{
	cli_err("out of memory");
	return CLI_EXIT_RUNTIME;
}

void
cli_print_usage(const struct cli_cmd *cmd, FILE *f)
{
	if (cmd != NULL)
		fprintf(f, "usage: dossier %s\n", cmd->usage);
	else
		fputs("usage: dossier [-V VAULT] [-u USER] [--json] [-q] "
		      "COMMAND [ARGS]\n",
		    f);
}

int
cli_usage(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(fmt, ap);
	va_end(ap);
	cli_print_usage(c->cmd, stderr);
	return CLI_EXIT_USAGE;
}

int
cli_open(struct cli *c, unsigned flags, struct dossier **dp)
{
	struct dossier *d = NULL;
	struct pass p;
	const char *user = NULL;
	int rc;

	*dp = NULL;
	pass_init(&p);
	if (c->vault == NULL) {
		cli_err("no vault given (use --vault or DOSSIER_VAULT)");
		return CLI_EXIT_USAGE;
	}
	if (flags & CLI_OPEN_UNLOCK) {
		user = cli_user(c);
		if (user == NULL) {
			cli_err("cannot tell who you are (use --user or "
			        "DOSSIER_USER)");
			return CLI_EXIT_USAGE;
		}
	}
	/* Open first: no prompt for a vault that is not there. */
	rc = dossier_open(c->vault, &d);
	if (rc < 0) {
		rc = cli_fail(d, rc);
		goto out;
	}
	if (flags & CLI_OPEN_UNLOCK) {
		rc = pass_get(c, user, &p);
		if (rc != CLI_EXIT_OK)
			goto out;
		rc = dossier_unlock(d, user, p.buf, p.len);
		pass_wipe(&p);
		if (rc < 0) {
			rc = cli_fail(d, rc);
			goto out;
		}
	}
	*dp = d;
	d = NULL;
	rc = CLI_EXIT_OK;
out:
	pass_wipe(&p);
	dossier_close(d);
	return rc;
}

/* Parses a decimal integer of digits only into *n; -1 if not one. */
static int
parse_decimal(const char *s, int64_t max, int64_t *n)
{
	int64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*n = v;
	return 0;
}

int
cli_arg_id(const struct cli *c, const char *s, int64_t *id)
{
	if (parse_decimal(s, INT64_MAX, id) != 0 || *id == 0)
		return cli_usage(c, "invalid document id '%s'", s);
	return CLI_EXIT_OK;
}

int
cli_arg_ref(const struct cli *c, const char *s, int64_t *id, int *version)
{
	const char *at = strchr(s, '@');
	char idbuf[32];
	int64_t v;
	size_t len;

	*version = 0;
	if (at == NULL)
		return cli_arg_id(c, s, id);
	len = (size_t)(at - s);
	if (len >= sizeof(idbuf))
		return cli_usage(c, "invalid document id '%.*s'", (int)len, s);
	memcpy(idbuf, s, len);
	idbuf[len] = '\0';
	if (cli_arg_id(c, idbuf, id) != CLI_EXIT_OK)
		return CLI_EXIT_USAGE;
	if (parse_decimal(at + 1, INT32_MAX, &v) != 0 || v == 0)
		return cli_usage(c, "invalid version '%s'", at + 1);
	*version = (int)v;
	return CLI_EXIT_OK;
}

int
cli_arg_count(const struct cli *c, const char *what, const char *s, int64_t *n)
{
	if (parse_decimal(s, INT64_MAX, n) != 0)
		return cli_usage(c, "invalid %s '%s'", what, s);
	return CLI_EXIT_OK;
}

int
cli_arg_date(const struct cli *c, const char *s)
{
	static const int mdays[] = {
	    31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int i, y, m, d, leap;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				goto bad;
		} else if (s[i] < '0' || s[i] > '9') {
			goto bad;
		}
	}
	if (s[10] != '\0')
		goto bad;
	y = atoi(s);
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !leap))
		goto bad;
	return CLI_EXIT_OK;
bad:
	return cli_usage(c, "invalid date '%s' (expected YYYY-MM-DD)", s);
}

int
cli_arg_level(const struct cli *c, const char *s, int *level)
{
	if (dossier_level_parse(s, level) != DOSSIER_OK)
		return cli_usage(c,
		    "unknown level '%s' (public, internal, confidential, "
		    "secret, top-secret or 公开, 内部, 秘密, 机密, 绝密)",
		    s);
	return CLI_EXIT_OK;
}

int
cli_arg_nargs(const struct cli *c, int argc, char **argv, int min, int max,
    const char *what)
{
	if (argc < min)
		return cli_usage(c, "missing %s", what);
	if (max >= 0 && argc > max)
		return cli_usage(c, "unexpected argument '%s'", argv[max]);
	return CLI_EXIT_OK;
}

int
cli_arg_perm(const struct cli *c, const char *s, unsigned *perm)
{
	if (dossier_perm_parse(s, perm) != DOSSIER_OK)
		return cli_usage(c,
		    "unknown permission '%s' (read, file, edit, delete, "
		    "export, audit, backup, admin)",
		    s);
	return CLI_EXIT_OK;
}

int
cli_arg_role(const struct cli *c, const char *s)
{
	unsigned perms;

	if (dossier_role_perms(s, &perms) != DOSSIER_OK)
		return cli_usage(c,
		    "unknown role '%s' (admin, clerk, viewer, auditor, "
		    "backup)",
		    s);
	return CLI_EXIT_OK;
}

char *
cli_perm_names(unsigned perms, const char *sep)
{
	const char *names[8];
	size_t n = 0;
	unsigned bit;

	for (bit = 1; bit <= DOSSIER_PERM_ALL && n < 8; bit <<= 1) {
		if (perms & bit)
			names[n++] = dossier_perm_name(bit);
	}
	return out_join(names, n, sep);
}

char *
cli_level_both(char *buf, size_t bufsize, int level)
{
	const char *en, *zh;

	en = dossier_level_name(level, 0);
	zh = dossier_level_name(level, 1);
	snprintf(buf, bufsize, "%s (%s)", zh != NULL ? zh : "?",
	    en != NULL ? en : "?");
	return buf;
}

int
cli_filter_opt(const struct cli *c, int which, const char *arg,
    struct dossier_filter *f)
{
	switch (which) {
	case CLI_F_CATEGORY:
		f->category = arg;
		return CLI_EXIT_OK;
	case CLI_F_TAG:
		f->tag = arg;
		return CLI_EXIT_OK;
	case CLI_F_LEVEL:
		return cli_arg_level(c, arg, &f->level);
	case CLI_F_SINCE:
		f->since = arg;
		return cli_arg_date(c, arg);
	case CLI_F_UNTIL:
		f->until = arg;
		return cli_arg_date(c, arg);
	case CLI_F_LIMIT:
		return cli_arg_count(c, "limit", arg, &f->limit);
	case CLI_F_TYPE:
		f->type = arg;
		return CLI_EXIT_OK;
	case CLI_F_DELETED:
		f->deleted = 1;
		return CLI_EXIT_OK;
	default:
		return CLI_EXIT_USAGE;
	}
}
