/* error.c: see error.h. */
#include <stdio.h>
#include <string.h>

#include "dossier.h"
#include "error.h"

void
err_clear(struct err *e)
{
	e->code = DOSSIER_OK;
	e->msg[0] = '\0';
}

int
err_vset(struct err *e, int code, const char *fmt, va_list ap)
{
	int n;

	e->code = code;
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	if (n < 0)
		snprintf(e->msg, sizeof(e->msg), "%s", dossier_strerror(code));
	return code;
}

int
err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int
err_nomem(struct err *e)
{
	return err_set(e, DOSSIER_ENOMEM, "out of memory");
}
