/*
 * audit_report.c: "dossier audit report --month YYYY-MM [--html FILE]": a
 * month's accesses per user, action and level, the denied attempts and
 * the documents read by more users than usual, as tables, and as one
 * self-contained HTML page with bar charts drawn in inline SVG (no
 * script, no fetch: it opens offline).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit_cli.h"
#include "json_out.h"
#include "opt.h"
#include "out.h"

enum { O_MONTH = 1, O_HTML };

static const struct cli_opt report_opts[] = {
    {"month", 0, 1, O_MONTH},
    {"html", 0, 1, O_HTML},
    {NULL, 0, 0, 0},
};

static int
print_counts(const char *title, const struct dossier_audit_count *v,
    size_t n)
{
	static const char *const headers[] = { "", "RECORDS", "DENIED" };
	const char *row[3];
	char count[24], denied[24];
	struct table *t;
	size_t i;
	int rc;

	printf("%s\n", title);
	if (n == 0) {
		puts("  (none)\n");
		return 0;
	}
	t = table_new(3, headers);
	if (t == NULL)
		return -1;
	table_right(t, 1);
	table_right(t, 2);
	for (i = 0; i < n; i++) {
		snprintf(count, sizeof(count), "%" PRId64, v[i].count);
		snprintf(denied, sizeof(denied), "%" PRId64, v[i].denied);
		row[0] = v[i].key;
		row[1] = count;
		row[2] = denied;
		table_add(t, row);
	}
	rc = table_print(t, stdout);
	table_free(t);
	putchar('\n');
	return rc;
}

static int
print_text(const struct dossier_audit_report *r)
{
	static const char *const headers[] = { "SEQ", "TIME", "USER",
	    "ACTION", "DOC", "DETAIL" };
	char when[OUT_TIME_MAX], seq[24], doc[24], count[24];
	const char *row[6];
	struct table *t;
	size_t i;

	printf("audit report %s: %" PRId64 " records, %" PRId64 " denied\n\n",
	    r->month, r->records, r->denied);
	if (print_counts("by user", r->users, r->nusers) != 0 ||
	    print_counts("by action", r->actions, r->nactions) != 0 ||
	    print_counts("by level", r->levels, r->nlevels) != 0)
		return -1;
	printf("documents read by more users than usual (over %.1f; mean "
	    "%.1f)\n", r->readers_limit, r->readers_mean);
	if (r->ndocs == 0)
		puts("  (none)");
	for (i = 0; i < r->ndocs; i++) {
		snprintf(count, sizeof(count), "%" PRId64, r->docs[i].count);
		printf("  document %s: %s readers\n", r->docs[i].key, count);
	}
	printf("\ndenied attempts\n");
	if (r->ndenials == 0) {
		puts("  (none)");
		return 0;
	}
	t = table_new(6, headers);
	if (t == NULL)
		return -1;
	table_max(t, 5, 60);
	for (i = 0; i < r->ndenials; i++) {
		snprintf(seq, sizeof(seq), "%" PRId64, r->denials[i].seq);
		doc[0] = '\0';
		if (r->denials[i].doc != 0)
			snprintf(doc, sizeof(doc), "%" PRId64,
			    r->denials[i].doc);
		row[0] = seq;
		row[1] = out_time(when, r->denials[i].time, 0);
		row[2] = r->denials[i].user;
		row[3] = r->denials[i].action;
		row[4] = doc;
		row[5] = r->denials[i].detail;
		table_add(t, row);
	}
	i = table_print(t, stdout) != 0;
	table_free(t);
	return i ? -1 : 0;
}

/* Text for HTML: & < > " escaped. */
static void
html_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* A horizontal bar chart: one bar per key, denied in a second colour. */
static void
html_chart(FILE *f, const char *title, const struct dossier_audit_count *v,
    size_t n)
{
	int64_t max = 1;
	size_t i;
	double w, dw;

	fputs("<h2>", f);
	html_text(f, title);
	fputs("</h2>\n", f);
	if (n == 0) {
		fputs("<p>(none)</p>\n", f);
		return;
	}
	for (i = 0; i < n; i++)
		if (v[i].count > max)
			max = v[i].count;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" "
	    "height=\"%zu\" role=\"img\">\n", 24 * n + 8);
	for (i = 0; i < n; i++) {
		w = 440.0 * (double)v[i].count / (double)max;
		dw = 440.0 * (double)v[i].denied / (double)max;
		fprintf(f, "<text x=\"0\" y=\"%zu\" font-size=\"13\">",
		    24 * i + 18);
		html_text(f, v[i].key);
		fprintf(f, "</text><rect x=\"180\" y=\"%zu\" width=\"%.1f\" "
		    "height=\"16\" fill=\"#4a7bb7\"/><rect x=\"180\" y=\"%zu\" "
		    "width=\"%.1f\" height=\"16\" fill=\"#c0392b\"/>"
		    "<text x=\"%.1f\" y=\"%zu\" font-size=\"12\">%" PRId64,
		    24 * i + 5, w, 24 * i + 5, dw, 186 + w, 24 * i + 18,
		    v[i].count);
		if (v[i].denied > 0)
			fprintf(f, " (denied %" PRId64 ")", v[i].denied);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
}

static int
write_html(const char *path, const struct dossier_audit_report *r)
{
	char when[OUT_TIME_MAX], tmp[4096];
	FILE *f;
	size_t i;
	int fd, ok;

	if (access(path, F_OK) == 0) {
		cli_err("'%s' exists: not overwriting it", path);
		return CLI_EXIT_CONFLICT;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		cli_err("cannot write '%s'", path);
		if (fd >= 0)
			close(fd);
		return CLI_EXIT_RUNTIME;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta "
	    "charset=\"utf-8\">\n<title>dossier audit report ", f);
	html_text(f, r->month);
	fputs("</title>\n<style>body{font-family:sans-serif;margin:2em}"
	    "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
	    "padding:2px 8px;text-align:left}</style></head><body>\n", f);
	fprintf(f, "<h1>Audit report %s</h1>\n<p>%" PRId64 " records, %"
	    PRId64 " denied attempts.</p>\n", r->month, r->records, r->denied);
	html_chart(f, "Accesses per user", r->users, r->nusers);
	html_chart(f, "Accesses per action", r->actions, r->nactions);
	html_chart(f, "Accesses per level", r->levels, r->nlevels);
	fprintf(f, "<h2>Documents read by more users than usual</h2>\n<p>"
	    "Mean %.1f readers per document read; flagged above %.1f.</p>\n",
	    r->readers_mean, r->readers_limit);
	if (r->ndocs == 0)
		fputs("<p>(none)</p>\n", f);
	else
		html_chart(f, "Readers per flagged document", r->docs,
		    r->ndocs);
	fputs("<h2>Denied attempts</h2>\n", f);
	if (r->ndenials == 0) {
		fputs("<p>(none)</p>\n", f);
	} else {
		fputs("<table><tr><th>seq</th><th>time</th><th>user</th>"
		    "<th>action</th><th>doc</th><th>detail</th></tr>\n", f);
		for (i = 0; i < r->ndenials; i++) {
			fprintf(f, "<tr><td>%" PRId64 "</td><td>%s</td><td>",
			    r->denials[i].seq, out_time(when,
			    r->denials[i].time, 0));
			html_text(f, r->denials[i].user);
			fputs("</td><td>", f);
			html_text(f, r->denials[i].action);
			fprintf(f, "</td><td>%" PRId64 "</td><td>",
			    r->denials[i].doc);
			html_text(f, r->denials[i].detail);
			fputs("</td></tr>\n", f);
		}
		fputs("</table>\n", f);
	}
	fputs("</body></html>\n", f);
	ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || link(tmp, path) != 0) {
		cli_err("cannot write '%s'", path);
		unlink(tmp);
		return CLI_EXIT_RUNTIME;
	}
	unlink(tmp);
	return CLI_EXIT_OK;
}

static struct jout *
jout_counts(const struct dossier_audit_count *v, size_t n)
{
	struct jout *a = jout_array(), *j;
	size_t i;

	for (i = 0; i < n; i++) {
		j = jout_object();
		jout_put_str(j, "key", v[i].key);
		jout_put_int(j, "count", v[i].count);
		jout_put_int(j, "denied", v[i].denied);
		jout_push(a, j);
	}
	return a;
}

static int
report_run(struct cli *c, int argc, char **argv)
{
	struct dossier_audit_report *r = NULL;
	struct opt_state o;
	struct dossier *d = NULL;
	const char *month = NULL, *html = NULL;
	struct jout *j;
	char **args;
	int ch, n, rc;

	opt_init(&o, c, argc, argv, 1);
	while ((ch = opt_next(&o, report_opts)) != OPT_END) {
		if (ch == OPT_HELP)
			return CLI_EXIT_OK;
		if (ch == O_MONTH)
			month = o.arg;
		else if (ch == O_HTML)
			html = o.arg;
		else
			return CLI_EXIT_USAGE;
	}
	n = opt_operands(&o, &args);
	rc = cli_arg_nargs(c, n, args, 0, 0, "");
	if (rc != CLI_EXIT_OK)
		return rc;
	if (month == NULL)
		return cli_usage(c, "--month YYYY-MM is required");
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = dossier_audit_report(d, month, &r);
	if (rc < 0) {
		rc = cli_fail(d, rc);
		goto out;
	}
	if (html != NULL) {
		rc = write_html(html, r);
	} else if (c->json) {
		j = jout_object();
		jout_put_str(j, "month", r->month);
		jout_put_int(j, "records", r->records);
		jout_put_int(j, "denied", r->denied);
		jout_put(j, "users", jout_counts(r->users, r->nusers));
		jout_put(j, "actions", jout_counts(r->actions, r->nactions));
		jout_put(j, "levels", jout_counts(r->levels, r->nlevels));
		jout_put(j, "unusual_documents", jout_counts(r->docs,
		    r->ndocs));
		jout_put_num(j, "readers_mean", r->readers_mean);
		jout_put_num(j, "readers_limit", r->readers_limit);
		rc = jout_emit(j);
	} else {
		rc = print_text(r) == 0 ? CLI_EXIT_OK : cli_oom();
	}
out:
	dossier_audit_report_free(r);
	dossier_close(d);
	return rc;
}

const struct cli_cmd cmd_audit_report = {
    .name = "audit report",
    .summary = "a month's accesses, denials and unusual reads",
    .usage = "audit report --month YYYY-MM [--html FILE]",
    .help = "options:\n"
            "  --month YYYY-MM  the month (UTC)\n"
            "  --html FILE      write a self-contained HTML page with "
            "charts to FILE\n"
            "                   (not overwritten if it exists)\n"
            "\nDocuments read by more users than usual: more distinct "
            "readers (get,\nshow, history) than the month's mean plus two "
            "standard deviations.\n",
    .flags = 0,
    .run = report_run,
    .subs = NULL,
};
