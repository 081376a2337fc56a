/*
 * edit.c: the metadata options of "add" and "meta" (see edit.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "edit.h"

int
edit_init(struct edit *ed, int argc)
{
	size_t n = argc > 0 ? (size_t)argc : 1;

	memset(ed, 0, sizeof(*ed));
	dossier_meta_edit_init(&ed->e);
	ed->tags_add = calloc(n, sizeof(*ed->tags_add));
	ed->tags_remove = calloc(n, sizeof(*ed->tags_remove));
	ed->fields = calloc(n, sizeof(*ed->fields));
	ed->unset_fields = calloc(n, sizeof(*ed->unset_fields));
	if (ed->tags_add == NULL || ed->tags_remove == NULL ||
	    ed->fields == NULL || ed->unset_fields == NULL) {
		edit_release(ed);
		return cli_oom();
	}
	ed->e.tags_add = ed->tags_add;
	ed->e.tags_remove = ed->tags_remove;
	ed->e.fields = ed->fields;
	ed->e.unset_fields = ed->unset_fields;
	return CLI_EXIT_OK;
}

void
edit_release(struct edit *ed)
{
	free(ed->tags_add);
	free(ed->tags_remove);
	free(ed->fields);
	free(ed->unset_fields);
	memset(ed, 0, sizeof(*ed));
}

static int
edit_tag(const struct cli *c, struct edit *ed, const char *arg, int signed_tags)
{
	int remove = 0;

	if (signed_tags && (arg[0] == '+' || arg[0] == '-')) {
		remove = arg[0] == '-';
		arg++;
	}
	if (arg[0] == '\0')
		return cli_usage(c, "empty tag");
	if (remove)
		ed->tags_remove[ed->e.ntags_remove++] = arg;
	else
		ed->tags_add[ed->e.ntags_add++] = arg;
	return CLI_EXIT_OK;
}

static int
edit_field(const struct cli *c, struct edit *ed, char *arg)
{
	char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg)
		return cli_usage(
		    c, "invalid field '%s' (expected KEY=VALUE)", arg);
	*eq = '\0';
	ed->fields[ed->e.nfields].key = arg;
	ed->fields[ed->e.nfields].value = eq + 1;
	ed->e.nfields++;
	return CLI_EXIT_OK;
}

int
edit_option(
    const struct cli *c, struct edit *ed, int id, char *arg, int signed_tags)
{
	int rc = CLI_EXIT_OK;

	switch (id) {
	case EDIT_TITLE:
		ed->e.title = arg;
		break;
	case EDIT_CATEGORY:
		ed->e.category = arg;
		break;
	case EDIT_NUMBER:
		ed->e.number = arg;
		break;
	case EDIT_DATE:
		/* "" clears the date (meta); anything else must be a day. */
		if (arg[0] != '\0')
			rc = cli_arg_date(c, arg);
		ed->e.date = arg;
		break;
	case EDIT_LEVEL:
		rc = cli_arg_level(c, arg, &ed->e.level);
		break;
	case EDIT_TAG:
		rc = edit_tag(c, ed, arg, signed_tags);
		break;
	case EDIT_FIELD:
		rc = edit_field(c, ed, arg);
		break;
	case EDIT_UNSET_FIELD:
		if (arg[0] == '\0')
			return cli_usage(c, "empty field name");
		ed->unset_fields[ed->e.nunset_fields++] = arg;
		break;
	default:
		return cli_usage(c, "unknown option");
	}
	if (rc == CLI_EXIT_OK)
		ed->changes++;
	return rc;
}
