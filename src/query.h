/*
 * query.h: turns what a user typed into an FTS5 MATCH expression for the
 * search index (columns title, number, tags, body; tokenizer "dossier").
 * User text never reaches MATCH unquoted: every term becomes one FTS5
 * string with its double quotes doubled, so no input can make an invalid
 * expression.
 *
 * Syntax (docs/SEARCH.md):
 *	合同 客户          both terms (AND)
 *	"购房 合同"        an exact phrase (“ ” work too; an unclosed quote
 *	                   runs to the end)
 *	合同 OR 协议       either; OR (upper case) is an operator only between
 *	                   two terms, and binds tighter than AND
 *	-草稿              exclude
 *	title:合同         only in the title; also number:, tag: and
 *	                   标题: 编号: 文号: 标签: (':' or '：'); an unknown
 *	                   scope (客户:张三) is plain text
 *	contr*             prefix of the last word
 * A term with nothing to index (only punctuation: "-", "++", "，") is
 * dropped.
 */
#ifndef DOSSIER_QUERY_H
#define DOSSIER_QUERY_H

#include "buf.h"
#include "error.h"

/* Limits on what one query may ask. */
#define QUERY_MAX_BYTES 2048
#define QUERY_MAX_TERMS 64

/*
 * Appends the FTS5 expression for user (UTF-8, NUL-terminated) to match.
 * Returns DOSSIER_OK; DOSSIER_EUSAGE with a message in e when there is
 * nothing to search for (empty, only punctuation, only exclusions) or the
 * query is over the limits; DOSSIER_ENOMEM.  On failure match is left as
 * it was.
 */
int query_build(const char *user, struct buf *match, struct err *e);

#endif
