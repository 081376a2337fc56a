/*
 * cmd_search.c: "dossier search QUERY": full-text search, best hits
 * first, each with a snippet whose matches are bold on a terminal (or
 * JSON with match offsets in code points).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json_out.h"
#include "opt.h"
#include "out.h"

static const struct cli_opt search_opts[] = {
    {"category", 0, 1, CLI_F_CATEGORY},
    {"tag", 0, 1, CLI_F_TAG},
    {"level", 0, 1, CLI_F_LEVEL},
    {"type", 0, 1, CLI_F_TYPE},
    {"since", 0, 1, CLI_F_SINCE},
    {"until", 0, 1, CLI_F_UNTIL},
    {"limit", 0, 1, CLI_F_LIMIT},
    {NULL, 0, 0, 0},
};

struct search_out {
	struct cli *c;
	struct jout *hits;
	int bold;
	size_t shown;
};

/* Byte offset of code point cp in s. */
static size_t
cp_offset(const char *s, size_t cp)
{
	size_t i = 0;

	while (s[i] != '\0' && cp > 0) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		cp--;
	}
	return i;
}

/* The snippet on one line, matches in bold on a terminal. */
static int
print_snippet(const struct dossier_hit *h, int bold)
{
	size_t at = 0, i, a, b;
	char *s;

	/* Line breaks and tabs of the document become spaces (1 byte each). */
	s = strdup(h->snippet);
	if (s == NULL)
		return -1;
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
			s[i] = ' ';
	fputs("    ", stdout);
	for (i = 0; i < h->nmatches; i++) {
		a = cp_offset(s, h->matches[i][0]);
		b = cp_offset(s, h->matches[i][1]);
		if (a < at)
			continue;
		fwrite(s + at, 1, a - at, stdout);
		fputs(bold ? "\033[1m" : "", stdout);
		fwrite(s + a, 1, b - a, stdout);
		fputs(bold ? "\033[0m" : "", stdout);
		at = b;
	}
	fputs(s + at, stdout);
	putchar('\n');
	free(s);
	return 0;
}

static int
on_hit(void *ctx, const struct dossier_hit *h)
{
	struct search_out *o = ctx;
	struct jout *j, *m, *pair;
	const char *level;
	size_t i;

	o->shown++;
	if (o->c->json) {
		j = jout_object();
		jout_put_int(j, "id", h->doc->id);
		jout_put_int(j, "version", h->doc->version);
		jout_put_str(j, "title", h->doc->title);
		jout_put_str(j, "level", dossier_level_name(h->doc->level, 0));
		jout_put_num(j, "score", h->score);
		jout_put_str(j, "snippet", h->snippet);
		m = jout_array();
		for (i = 0; i < h->nmatches; i++) {
			pair = jout_array();
			jout_push(pair, jout_int((int64_t)h->matches[i][0]));
			jout_push(pair, jout_int((int64_t)h->matches[i][1]));
			jout_push(m, pair);
		}
		jout_put(j, "matches", m);
		jout_push(o->hits, j);
		return 0;
	}
	level = dossier_level_name(h->doc->level, 1);
	printf("%" PRId64 "  %s  %s\n", h->doc->id, level != NULL ? level : "?",
	    h->doc->title);
	return print_snippet(h, o->bold) == 0 ? 0 : DOSSIER_ENOMEM;
}

static int
search_run(struct cli *c, int argc, char **argv)
{
	struct dossier_filter f;
	struct search_out o;
	struct opt_state st;
	struct dossier *d = NULL;
	struct jout *j;
	char **args;
	int64_t total = 0;
	int ch, n, r, rc = CLI_EXIT_OK;

	dossier_filter_init(&f);
	memset(&o, 0, sizeof(o));
	o.c = c;
	opt_init(&st, c, argc, argv, 1);
	for (;;) {
		ch = opt_next(&st, search_opts);
		if (ch == OPT_END)
			break;
		if (ch == OPT_HELP)
			return CLI_EXIT_OK;
		rc = ch > 0 && ch < CLI_F_END ?
		    cli_filter_opt(c, ch, st.arg, &f) : CLI_EXIT_USAGE;
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	n = opt_operands(&st, &args);
	rc = cli_arg_nargs(c, n, args, 1, 1, "QUERY");
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_open(c, CLI_OPEN_UNLOCK, &d);
	if (rc != CLI_EXIT_OK)
		goto out;
	o.bold = !c->json && isatty(STDOUT_FILENO);
	if (c->json)
		o.hits = jout_array();
	r = dossier_search(d, args[0], &f, on_hit, &o, &total);
	if (r < 0) {
		rc = cli_fail(d, r);
		goto out;
	}
	if (c->json) {
		j = jout_object();
		jout_put_str(j, "query", args[0]);
		jout_put_int(j, "total", total);
		jout_put(j, "hits", o.hits);
		o.hits = NULL;
		rc = jout_emit(j);
		goto out;
	}
	if (total == 0)
		puts("no hits");
	else if ((int64_t)o.shown < total)
		printf("showing %zu of %" PRId64 " hits\n", o.shown, total);
	else
		printf("%" PRId64 " hit%s\n", total, total == 1 ? "" : "s");
out:
	jout_free(o.hits);
	dossier_close(d);
	return rc;
}

const struct cli_cmd cmd_search = {
    .name = "search",
    .summary = "full-text search (Chinese words, single characters, numbers)",
    .usage = "search QUERY [--category C] [--tag T] [--level L] [--type EXT]\n"
             "                    [--since D] [--until D] [--limit N]",
    .help = "QUERY: words are ANDed; \"exact phrase\"; A OR B; -exclude;\n"
            "title:, number:, tag: scopes; word* for an English prefix.\n"
            "Full-width and half-width, upper and lower case, traditional\n"
            "and simplified characters are the same to the search.\n"
            "\n"
            "options:\n"
            "  --category C   only this category\n"
            "  --tag T        only documents with this tag\n"
            "  --level L      only this level (English or Chinese name)\n"
            "  --type EXT     only this file type (docx, pdf, txt, ...)\n"
            "  --since D      document date on or after D (YYYY-MM-DD)\n"
            "  --until D      document date on or before D\n"
            "  --limit N      at most N hits (default 20)\n",
    .flags = 0,
    .run = search_run,
};
