/*
 * pass.c: passphrase sources (see pass.h): files, stdin, the environment
 * and a terminal prompt with echo off.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "pass.h"

#define PASS_CAP (PASS_MAX + 1)

/* Called through a volatile pointer, so the wipe cannot be optimised out. */
static void *(*const volatile wipe_memset)(void *, int, size_t) = memset;

/* The signal that interrupted a prompt, or 0. */
static volatile sig_atomic_t caught;

/* Interrupting a prompt must not leave the terminal with echo off. */
static const int prompt_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define NPROMPT_SIGNALS (sizeof(prompt_signals) / sizeof(prompt_signals[0]))

/* tty_read() results besides 0 and the read_line() ones. */
#define TTY_NONE 2 /* no terminal to prompt on */

void
pass_init(struct pass *p)
{
	p->buf = NULL;
	p->len = 0;
}

void
pass_wipe(struct pass *p)
{
	if (p->buf != NULL) {
		wipe_memset(p->buf, 0, PASS_CAP);
		(void)munlock(p->buf, PASS_CAP);
		free(p->buf);
	}
	pass_init(p);
}

void
pass_wipe_mem(void *buf, size_t len)
{
	wipe_memset(buf, 0, len);
}

static int
pass_alloc(struct pass *p)
{
	pass_init(p);
	p->buf = malloc(PASS_CAP);
	if (p->buf == NULL)
		return cli_oom();
	memset(p->buf, 0, PASS_CAP);
	/* Best effort: keep it out of swap where the limits allow. */
	(void)mlock(p->buf, PASS_CAP);
	return CLI_EXIT_OK;
}

/*
 * Reads one line from fd into p with read(2): no stdio buffer keeps a
 * copy, and stdin is consumed no further than the line.  Strips the "\n"
 * or "\r\n".  Returns 0, -1 on a read error (errno set; EINTR when a
 * prompt signal was caught), or 1 when the line is longer than PASS_MAX.
 */
static int
read_line(int fd, struct pass *p)
{
	ssize_t n;
	size_t len = 0;
	char ch = '\0';
	int r = 0;

	for (;;) {
		n = read(fd, &ch, 1);
		if (n < 0 && errno == EINTR && caught == 0)
			continue;
		if (n < 0) {
			r = -1;
			break;
		}
		if (n == 0 || ch == '\n')
			break;
		if (len == PASS_MAX) {
			r = 1;
			break;
		}
		p->buf[len++] = ch;
	}
	if (r == 0 && n == 1 && len > 0 && p->buf[len - 1] == '\r')
		len--;
	p->buf[len] = '\0';
	p->len = len;
	wipe_memset(&ch, 0, sizeof(ch));
	return r;
}

static int
from_file(const char *path, struct pass *p)
{
	const char *name = path;
	int fd, r, e;

	if (strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
		name = "standard input";
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			cli_err("cannot open '%s': %s", path, strerror(errno));
			return CLI_EXIT_RUNTIME;
		}
	}
	r = read_line(fd, p);
	e = errno;
	if (fd != STDIN_FILENO)
		(void)close(fd);
	if (r < 0) {
		cli_err("cannot read '%s': %s", name, strerror(e));
		return CLI_EXIT_RUNTIME;
	}
	if (r > 0) {
		cli_err("passphrase in '%s' is longer than %d bytes", name,
		    PASS_MAX);
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

static int
from_env(const char *var, const char *value, struct pass *p)
{
	size_t len = strlen(value);

	if (len > PASS_MAX) {
		cli_err(
		    "passphrase in %s is longer than %d bytes", var, PASS_MAX);
		return CLI_EXIT_USAGE;
	}
	memcpy(p->buf, value, len + 1);
	p->len = len;
	return CLI_EXIT_OK;
}

static void
on_prompt_signal(int sig)
{
	caught = sig;
}

static void
tty_write(int fd, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;

	while (len > 0) {
		n = write(fd, s, len);
		if (n < 0 && errno == EINTR && caught == 0)
			continue;
		if (n <= 0)
			break;
		s += n;
		len -= (size_t)n;
	}
}

/*
 * Prompts on /dev/tty and reads a line with echo off, restoring the
 * terminal on every path; a caught INT/TERM/HUP/QUIT is re-raised once the
 * terminal is restored.  Returns 0, TTY_NONE, or a read_line() failure.
 */
static int
tty_read(const char *prompt, struct pass *p)
{
	struct sigaction sa, old[NPROMPT_SIGNALS];
	struct termios saved, t;
	size_t i;
	int fd, r, e;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return TTY_NONE;
	if (tcgetattr(fd, &saved) != 0) {
		(void)close(fd);
		return TTY_NONE;
	}
	caught = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_prompt_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: read() must return EINTR */
	for (i = 0; i < NPROMPT_SIGNALS; i++)
		(void)sigaction(prompt_signals[i], &sa, &old[i]);

	tty_write(fd, prompt);
	t = saved;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	(void)tcsetattr(fd, TCSAFLUSH, &t);
	r = read_line(fd, p);
	e = errno;
	(void)tcsetattr(fd, TCSAFLUSH, &saved);
	tty_write(fd, "\n");
	(void)close(fd);

	for (i = 0; i < NPROMPT_SIGNALS; i++)
		(void)sigaction(prompt_signals[i], &old[i], NULL);
	if (caught != 0) {
		p->len = 0;
		wipe_memset(p->buf, 0, PASS_CAP);
		(void)raise(caught);
		/* Still here: the signal was ignored before we came. */
		e = EINTR;
		r = -1;
	}
	errno = e;
	return r;
}

/* Prompts with tty_read(); nosource is the error when there is no tty. */
static int
from_tty(const char *prompt, const char *nosource, struct pass *p)
{
	int r;

	r = tty_read(prompt, p);
	if (r == TTY_NONE) {
		cli_err("%s", nosource);
		return CLI_EXIT_USAGE;
	}
	if (r < 0 && errno == EINTR) {
		cli_err("interrupted");
		return CLI_EXIT_RUNTIME;
	}
	if (r < 0) {
		cli_err("cannot read the terminal: %s", strerror(errno));
		return CLI_EXIT_RUNTIME;
	}
	if (r > 0) {
		cli_err("passphrase is longer than %d bytes", PASS_MAX);
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

static int
check_empty(const struct pass *p)
{
	if (p->len > 0)
		return CLI_EXIT_OK;
	cli_err("empty passphrase");
	return CLI_EXIT_USAGE;
}

int
pass_get(struct cli *c, const char *user, struct pass *p)
{
	char prompt[128];
	const char *s;
	int rc;

	rc = pass_alloc(p);
	if (rc != CLI_EXIT_OK)
		return rc;
	s = cli_env("DOSSIER_PASSPHRASE");
	if (c->passfile != NULL) {
		rc = from_file(c->passfile, p);
	} else if (s != NULL) {
		rc = from_env("DOSSIER_PASSPHRASE", s, p);
	} else {
		snprintf(
		    prompt, sizeof(prompt), "passphrase for %.64s: ", user);
		rc = from_tty(prompt,
		    "no passphrase given (use --passphrase-file or "
		    "DOSSIER_PASSPHRASE)",
		    p);
	}
	if (rc == CLI_EXIT_OK)
		rc = check_empty(p);
	if (rc != CLI_EXIT_OK)
		pass_wipe(p);
	return rc;
}

/* Asks twice on the terminal; the answers must match. */
static int
new_from_tty(const char *user, struct pass *p)
{
	struct pass again;
	char prompt[128];
	int rc;

	pass_init(&again);
	snprintf(prompt, sizeof(prompt), "new passphrase for %.64s: ", user);
	rc = from_tty(prompt,
	    "no passphrase given (use --new-passphrase-file or "
	    "DOSSIER_NEW_PASSPHRASE)",
	    p);
	if (rc == CLI_EXIT_OK)
		rc = check_empty(p);
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = pass_alloc(&again);
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = from_tty("repeat the new passphrase: ",
	    "no passphrase given (use --new-passphrase-file or "
	    "DOSSIER_NEW_PASSPHRASE)",
	    &again);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (again.len != p->len || memcmp(again.buf, p->buf, p->len) != 0) {
		cli_err("passphrases do not match");
		rc = CLI_EXIT_USAGE;
	}
out:
	pass_wipe(&again);
	return rc;
}

int
pass_get_new(struct cli *c, const char *user, int fallback, struct pass *p)
{
	const char *s;
	int rc;

	s = cli_env("DOSSIER_NEW_PASSPHRASE");
	if (c->newpassfile == NULL && s == NULL && fallback &&
	    (c->passfile != NULL || cli_env("DOSSIER_PASSPHRASE") != NULL))
		return pass_get(c, user, p);
	rc = pass_alloc(p);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (c->newpassfile != NULL)
		rc = from_file(c->newpassfile, p);
	else if (s != NULL)
		rc = from_env("DOSSIER_NEW_PASSPHRASE", s, p);
	else
		rc = new_from_tty(user, p);
	if (rc == CLI_EXIT_OK)
		rc = check_empty(p);
	if (rc != CLI_EXIT_OK)
		pass_wipe(p);
	return rc;
}
