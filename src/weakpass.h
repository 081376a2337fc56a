/*
 * weakpass.h: refusal of passphrases an attacker tries first.
 *
 * A passphrase is weak when, lower-cased, it is on the built-in list of
 * common passphrases (weakpass.c), or when it is a short pattern repeated
 * ("aaaaaaaaaaaa", "abcabcabcabc", "121212121212"), or a run of
 * consecutive characters ("123456789012", "abcdefghijkl").
 */
#ifndef DOSSIER_WEAKPASS_H
#define DOSSIER_WEAKPASS_H

#include <stddef.h>

/* Non-zero when pass (len bytes) is weak; *why gets a static reason. */
int weakpass_check(const char *pass, size_t len, const char **why);

#endif
