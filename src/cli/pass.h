/*
 * pass.h: where passphrases come from: a file (or the first line of
 * stdin), an environment variable, or the terminal with echo off.
 *
 * A passphrase lives in one locked buffer (mlock, best effort) that
 * pass_wipe() clears with a memset the compiler may not remove.  It is
 * never printed and never part of an error message.
 */
#ifndef CLI_PASS_H
#define CLI_PASS_H

#include <stddef.h>

struct cli;

/* The longest passphrase accepted, in bytes. */
#define PASS_MAX 1024

struct pass {
	char *buf; /* NUL-terminated, or NULL */
	size_t len;
};

/* Initialises p to "no passphrase" (safe to pass_wipe()). */
void pass_init(struct pass *p);

/* Wipes and frees p's buffer; p is then as after pass_init(). */
void pass_wipe(struct pass *p);

/* Wipes len bytes at buf (a one-time passphrase) so that it stays wiped. */
void pass_wipe_mem(void *buf, size_t len);

/*
 * The passphrase of user: --passphrase-file, else DOSSIER_PASSPHRASE, else
 * a prompt on /dev/tty.  Returns CLI_EXIT_OK, or an exit status after
 * printing the error.
 */
int pass_get(struct cli *c, const char *user, struct pass *p);

/*
 * A new passphrase for user: --new-passphrase-file, else
 * DOSSIER_NEW_PASSPHRASE, else asked twice on /dev/tty.  With fallback, and
 * none of these given but --passphrase-file or DOSSIER_PASSPHRASE is, that
 * one (for "init", where no old passphrase exists).  Returns as pass_get().
 */
int pass_get_new(struct cli *c, const char *user, int fallback, struct pass *p);

#endif /* CLI_PASS_H */
