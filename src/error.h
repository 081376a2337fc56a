/*
 * error.h: the message slot every module writes its failures into.
 *
 * Modules take a struct err * and report failures with
 *	return err_set(e, DOSSIER_EIO, "cannot open '%s': %s", path, strerror(errno));
 * The vault handle owns one; dossier_errmsg() returns its text.
 */
#ifndef DOSSIER_ERROR_H
#define DOSSIER_ERROR_H

#include <stdarg.h>

#define ERR_MSG_MAX 512

struct err {
	int code;
	char msg[ERR_MSG_MAX];
};

/* Clears e to "no error". */
void err_clear(struct err *e);

/* Records code and a printf-style message in e; returns code. */
int err_set(struct err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

int err_vset(struct err *e, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Out of memory, in the standard words; returns DOSSIER_ENOMEM. */
int err_nomem(struct err *e);

#endif
