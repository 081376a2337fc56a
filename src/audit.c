/* audit.c: see audit.h and docs/SECURITY.md ("Audit log"). */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dossier.h"
#include "audit.h"
#include "buf.h"
#include "crypto.h"
#include "error.h"
#include "fsutil.h"

#define REC_DOMAIN "dossier-audit-rec-v1"
#define SIG_DOMAIN "dossier-audit-v1"
#define CKPT_DOMAIN "dossier-audit-ckpt-v1"
#define WITNESS_TAG "v1"

/*
 * The longest witness line, '\n' included:
 * "v1 " | 19-digit seq | ' ' | 64 hex | ' ' | user | ' ' | 128 hex | '\n'.
 */
#define LINE_MAX_LEN \
	(3 + 19 + 1 + 2 * AUDIT_HASH_LEN + 1 + AUDIT_USER_MAX + 1 + \
	    2 * AUDIT_SIG_LEN + 1)

/* Is s terminated within its array of n bytes? */
static int
terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

void
audit_rec_init(struct audit_rec *r)
{
	struct buf empty = BUF_INIT;

	memset(r, 0, sizeof(*r));
	r->level = -1;
	r->detail = empty;
}

void
audit_rec_release(struct audit_rec *r)
{
	buf_release(&r->detail);
	audit_rec_init(r);
}

/* NULL when the fields of r are well formed, else the first bad one. */
static const char *
rec_fault(const struct audit_rec *r)
{
	if (r->seq < 1)
		return "sequence number";
	if (!terminated(r->user, sizeof(r->user)))
		return "user";
	if (!terminated(r->action, sizeof(r->action)) || r->action[0] == '\0')
		return "action";
	if (r->doc < 0)
		return "document";
	if (r->version < 0)
		return "version";
	if (r->level < -1)
		return "level";
	if (!terminated(r->outcome, sizeof(r->outcome)) ||
	    r->outcome[0] == '\0')
		return "outcome";
	if (r->detail.len > AUDIT_DETAIL_MAX ||
	    (r->detail.len > 0 && r->detail.data == NULL))
		return "detail";
	return NULL;
}

/* SHA-256 of the canonical encoding of r (audit.h); r is well formed. */
static int
rec_hash(const struct audit_rec *r, unsigned char out[AUDIT_HASH_LEN])
{
	struct buf b = BUF_INIT;
	int rc = DOSSIER_ENOMEM;

	if (buf_put_lv(&b, REC_DOMAIN, strlen(REC_DOMAIN)) == 0 &&
	    buf_put_u64(&b, (uint64_t)r->seq) == 0 &&
	    buf_put_u64(&b, (uint64_t)r->time) == 0 &&
	    buf_put_lv(&b, r->user, strlen(r->user)) == 0 &&
	    buf_put_lv(&b, r->action, strlen(r->action)) == 0 &&
	    buf_put_u64(&b, (uint64_t)r->doc) == 0 &&
	    buf_put_u32(&b, (uint32_t)r->version) == 0 &&
	    buf_put_u32(&b, (uint32_t)(int32_t)r->level) == 0 &&
	    buf_put_lv(&b, r->outcome, strlen(r->outcome)) == 0 &&
	    buf_put_lv(&b, r->detail.data, r->detail.len) == 0 &&
	    buf_append(&b, r->prev, AUDIT_HASH_LEN) == 0 &&
	    buf_put_u32(&b, r->signed_ ? 1 : 0) == 0)
		rc = crypto_sha256(b.data, b.len, out);
	buf_release(&b);
	return rc;
}

/* What a record signature signs: the domain, then the record hash. */
static void
rec_sig_msg(const unsigned char hash[AUDIT_HASH_LEN],
    unsigned char msg[sizeof(SIG_DOMAIN) - 1 + AUDIT_HASH_LEN])
{
	memcpy(msg, SIG_DOMAIN, sizeof(SIG_DOMAIN) - 1);
	memcpy(msg + sizeof(SIG_DOMAIN) - 1, hash, AUDIT_HASH_LEN);
}

int
audit_rec_seal(struct audit_rec *r, const unsigned char prev[AUDIT_HASH_LEN],
    const unsigned char *ed_secret)
{
	unsigned char msg[sizeof(SIG_DOMAIN) - 1 + AUDIT_HASH_LEN];
	int rc;

	if (r == NULL || prev == NULL || rec_fault(r) != NULL)
		return DOSSIER_EUSAGE;
	memmove(r->prev, prev, AUDIT_HASH_LEN);
	r->signed_ = ed_secret != NULL;
	memset(r->sig, 0, sizeof(r->sig));
	rc = rec_hash(r, r->hash);
	if (rc != DOSSIER_OK || ed_secret == NULL)
		return rc;
	rec_sig_msg(r->hash, msg);
	return crypto_ed25519_sign(ed_secret, msg, sizeof(msg), r->sig);
}

int
audit_rec_check(const struct audit_rec *r,
    const unsigned char expected_prev[AUDIT_HASH_LEN],
    const unsigned char *pub, struct err *e)
{
	unsigned char msg[sizeof(SIG_DOMAIN) - 1 + AUDIT_HASH_LEN];
	unsigned char hash[AUDIT_HASH_LEN];
	long long seq = (long long)r->seq;
	const char *fault;
	int rc;

	fault = rec_fault(r);
	if (fault != NULL)
		return err_set(e, DOSSIER_ECORRUPT,
		    "record %lld: malformed (%s)", seq, fault);
	rc = rec_hash(r, hash);
	if (rc == DOSSIER_ENOMEM)
		return err_nomem(e);
	if (rc != DOSSIER_OK)
		return err_set(e, rc, "record %lld: cannot hash", seq);
	if (!crypto_equal(hash, r->hash, AUDIT_HASH_LEN))
		return err_set(e, DOSSIER_ECORRUPT, "record %lld: changed",
		    seq);
	if (!crypto_equal(r->prev, expected_prev, AUDIT_HASH_LEN)) {
		if (seq > 1)
			return err_set(e, DOSSIER_ECORRUPT,
			    "record %lld: out of order (does not follow "
			    "record %lld)", seq, seq - 1);
		return err_set(e, DOSSIER_ECORRUPT,
		    "record %lld: out of order (does not follow the record "
		    "before it)", seq);
	}
	if (pub == NULL)
		return DOSSIER_OK;
	if (!r->signed_)
		return err_set(e, DOSSIER_ECORRUPT, "record %lld: not signed",
		    seq);
	rec_sig_msg(r->hash, msg);
	rc = crypto_ed25519_verify(pub, msg, sizeof(msg), r->sig);
	if (rc == DOSSIER_ECORRUPT)
		return err_set(e, rc, "record %lld: bad signature", seq);
	if (rc != DOSSIER_OK)
		return err_set(e, rc, "record %lld: cannot check the signature",
		    seq);
	return DOSSIER_OK;
}

/*
 * A user name that can be a field of a witness line: 1 to AUDIT_USER_MAX
 * bytes, no space, control character or DEL.
 */
static int
witness_user_ok(const char *user, size_t size)
{
	const unsigned char *p;

	if (!terminated(user, size) || user[0] == '\0')
		return 0;
	for (p = (const unsigned char *)user; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

static int
ckpt_msg(const struct audit_ckpt *c, struct buf *b)
{
	size_t n = strlen(c->user);

	if (buf_append(b, CKPT_DOMAIN, sizeof(CKPT_DOMAIN) - 1) != 0 ||
	    buf_put_u64(b, (uint64_t)c->seq) != 0 ||
	    buf_append(b, c->hash, AUDIT_HASH_LEN) != 0 ||
	    buf_put_lv(b, c->user, n) != 0)
		return DOSSIER_ENOMEM;
	return DOSSIER_OK;
}

int
audit_ckpt_sign(struct audit_ckpt *c, const unsigned char *ed_secret)
{
	struct buf b = BUF_INIT;
	int rc;

	if (c == NULL || ed_secret == NULL || c->seq < 0 ||
	    !witness_user_ok(c->user, sizeof(c->user)))
		return DOSSIER_EUSAGE;
	rc = ckpt_msg(c, &b);
	if (rc == DOSSIER_OK)
		rc = crypto_ed25519_sign(ed_secret, b.data, b.len, c->sig);
	buf_release(&b);
	return rc;
}

int
audit_ckpt_check(const struct audit_ckpt *c, const unsigned char *pub,
    struct err *e)
{
	struct buf b = BUF_INIT;
	long long seq = (long long)c->seq;
	int rc;

	if (pub == NULL)
		return err_set(e, DOSSIER_EUSAGE,
		    "checkpoint %lld: no key to check it with", seq);
	if (c->seq < 0)
		return err_set(e, DOSSIER_ECORRUPT,
		    "checkpoint %lld: malformed (sequence number)", seq);
	if (!witness_user_ok(c->user, sizeof(c->user)))
		return err_set(e, DOSSIER_ECORRUPT,
		    "checkpoint %lld: malformed (user)", seq);
	rc = ckpt_msg(c, &b);
	if (rc == DOSSIER_OK)
		rc = crypto_ed25519_verify(pub, b.data, b.len, c->sig);
	buf_release(&b);
	if (rc == DOSSIER_ECORRUPT)
		return err_set(e, rc, "checkpoint %lld: bad signature", seq);
	if (rc == DOSSIER_ENOMEM)
		return err_nomem(e);
	if (rc != DOSSIER_OK)
		return err_set(e, rc,
		    "checkpoint %lld: cannot check the signature", seq);
	return DOSSIER_OK;
}

/* The directory part of path ("." when none). */
static int
dir_of(const char *path, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL)
		return snprintf(out, outsz, ".") < (int)outsz ? 0 : -1;
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= outsz)
		return -1;
	memcpy(out, path, n);
	out[n] = '\0';
	return 0;
}

/* Waits for an fcntl() lock of type (F_RDLCK, F_WRLCK) on the whole file. */
static int
lock_file(int fd, short type, const char *path, struct err *e)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = 0;
	fl.l_len = 0;
	while (fcntl(fd, F_SETLKW, &fl) != 0)
		if (errno != EINTR)
			return err_set(e, DOSSIER_EIO, "cannot lock '%s': %s",
			    path, strerror(errno));
	return DOSSIER_OK;
}

/*
 * Opens the witness for appending, creating it (0600) if missing; *created
 * tells which.  O_EXCL first, so that the creator knows it created it.
 */
static int
open_witness(const char *path, int *fd, int *created, struct err *e)
{
	int i;

	*created = 0;
	for (i = 0; i < 8; i++) {
		*fd = open(path,
		    O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (*fd >= 0) {
			*created = 1;
			return DOSSIER_OK;
		}
		if (errno != EEXIST)
			break;
		*fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
		if (*fd >= 0)
			return DOSSIER_OK;
		if (errno != ENOENT)
			break;
	}
	return err_set(e, DOSSIER_EIO, "cannot open '%s': %s", path,
	    strerror(errno));
}

/* Reads n bytes at off, or fails. */
static int
pread_all(int fd, unsigned char *p, size_t n, off_t off, const char *path,
    struct err *e)
{
	ssize_t r;

	while (n > 0) {
		r = pread(fd, p, n, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return err_set(e, DOSSIER_EIO, "cannot read '%s': %s",
			    path, r < 0 ? strerror(errno) : "file shrank");
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return DOSSIER_OK;
}

/*
 * A crash in an append can leave a last line without its '\n'; such a
 * line never became a checkpoint (its fsync did not return), so it is
 * cut off, else the next line would be glued to it.  *empty is set when
 * the file then holds nothing.  Called with the write lock held.
 */
static int
cut_torn_tail(int fd, const char *path, int *empty, struct err *e)
{
	unsigned char tail[LINE_MAX_LEN];
	struct stat st;
	size_t n, i;
	off_t keep;
	int rc;

	*empty = 0;
	if (fstat(fd, &st) != 0)
		return err_set(e, DOSSIER_EIO, "cannot stat '%s': %s", path,
		    strerror(errno));
	if (st.st_size == 0) {
		*empty = 1;
		return DOSSIER_OK;
	}
	n = st.st_size < (off_t)sizeof(tail) ? (size_t)st.st_size :
	    sizeof(tail);
	rc = pread_all(fd, tail, n, st.st_size - (off_t)n, path, e);
	if (rc != DOSSIER_OK)
		return rc;
	if (tail[n - 1] == '\n')
		return DOSSIER_OK;
	for (i = n - 1; i > 0 && tail[i - 1] != '\n'; i--)
		;
	if (i == 0 && (size_t)st.st_size > n)
		return err_set(e, DOSSIER_ECORRUPT,
		    "witness '%s' ends in a line too long for a checkpoint",
		    path);
	keep = st.st_size - (off_t)n + (off_t)i;
	if (ftruncate(fd, keep) != 0)
		return err_set(e, DOSSIER_EIO, "cannot truncate '%s': %s", path,
		    strerror(errno));
	*empty = keep == 0;
	return DOSSIER_OK;
}

int
audit_witness_append(const char *path, const struct audit_ckpt *c,
    struct err *e)
{
	char hash[2 * AUDIT_HASH_LEN + 1], sig[2 * AUDIT_SIG_LEN + 1];
	char line[LINE_MAX_LEN + 1], dir[PATH_MAX];
	int fd = -1, created, empty, n, rc;

	if (c->seq < 0)
		return err_set(e, DOSSIER_EUSAGE,
		    "checkpoint %lld: negative sequence number",
		    (long long)c->seq);
	if (!witness_user_ok(c->user, sizeof(c->user)))
		return err_set(e, DOSSIER_EUSAGE,
		    "checkpoint user '%.*s' is empty or contains a space or "
		    "control character", AUDIT_USER_MAX, c->user);
	hex_encode(c->hash, AUDIT_HASH_LEN, hash);
	hex_encode(c->sig, AUDIT_SIG_LEN, sig);
	n = snprintf(line, sizeof(line), WITNESS_TAG " %lld %s %s %s\n",
	    (long long)c->seq, hash, c->user, sig);
	assert(n > 0 && (size_t)n <= LINE_MAX_LEN);
	rc = open_witness(path, &fd, &created, e);
	if (rc != DOSSIER_OK)
		return rc;
	rc = lock_file(fd, F_WRLCK, path, e);
	if (rc == DOSSIER_OK)
		rc = cut_torn_tail(fd, path, &empty, e);
	if (rc == DOSSIER_OK)
		rc = fs_write_all(fd, line, (size_t)n, path, e);
	if (rc == DOSSIER_OK && fsync(fd) != 0)
		rc = err_set(e, DOSSIER_EIO, "cannot sync '%s': %s", path,
		    strerror(errno));
	/* Closing drops the lock. */
	if (close(fd) != 0 && rc == DOSSIER_OK)
		rc = err_set(e, DOSSIER_EIO, "cannot close '%s': %s", path,
		    strerror(errno));
	if (rc != DOSSIER_OK || !(created || empty))
		return rc;
	/* A new file lasts once its directory entry does. */
	if (dir_of(path, dir, sizeof(dir)) != 0)
		return err_set(e, DOSSIER_EIO, "path too long: '%s'", path);
	return fs_sync_dir(dir, e);
}

/* Is s (NUL-terminated) exactly n lower-case hex digits? */
static int
lower_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

/* A decimal int64 without sign or leading zeros. */
static int
parse_seq(const char *s, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    v > (INT64_MAX - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * Parses one line (without its '\n', n bytes, NUL-terminated in place)
 * into c; returns NULL or what is wrong.
 */
static const char *
parse_line(char *line, size_t n, struct audit_ckpt *c)
{
	char *field[5], *p = line;
	size_t i;

	if (strlen(line) != n)
		return "NUL byte";
	for (i = 0; i < 5; i++) {
		field[i] = p;
		p = strchr(p, ' ');
		if (i < 4) {
			if (p == NULL)
				return "too few fields";
			*p++ = '\0';
		} else if (p != NULL) {
			return "too many fields";
		}
	}
	memset(c, 0, sizeof(*c));
	if (strcmp(field[0], WITNESS_TAG) != 0)
		return "not v1";
	if (parse_seq(field[1], &c->seq) != 0)
		return "bad sequence number";
	if (!lower_hex(field[2], 2 * AUDIT_HASH_LEN) ||
	    hex_decode(field[2], c->hash, AUDIT_HASH_LEN) != 0)
		return "bad hash";
	if (strlen(field[3]) > AUDIT_USER_MAX)
		return "bad user";
	memcpy(c->user, field[3], strlen(field[3]) + 1);
	if (!witness_user_ok(c->user, sizeof(c->user)))
		return "bad user";
	if (!lower_hex(field[4], 2 * AUDIT_SIG_LEN) ||
	    hex_decode(field[4], c->sig, AUDIT_SIG_LEN) != 0)
		return "bad signature";
	return NULL;
}

int
audit_witness_each(const char *path, audit_ckpt_fn fn, void *ctx,
    struct err *e)
{
	unsigned char chunk[16384];
	char line[LINE_MAX_LEN + 1];
	struct audit_ckpt c;
	unsigned long lineno = 0;
	const char *why;
	size_t len = 0, got, i;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return err_set(e, DOSSIER_ENOTFOUND, "no witness file '%s'",
		    path);
	if (fd < 0)
		return err_set(e, DOSSIER_EIO, "cannot open '%s': %s", path,
		    strerror(errno));
	/* Shared with readers, excludes an append (and its tail cut). */
	rc = lock_file(fd, F_RDLCK, path, e);
	while (rc == DOSSIER_OK) {
		rc = fs_read_full(fd, chunk, sizeof(chunk), &got, path, e);
		if (rc != DOSSIER_OK || got == 0)
			break;
		for (i = 0; i < got && rc == DOSSIER_OK; i++) {
			if (chunk[i] != '\n') {
				/* Too long even for its '\n': malformed. */
				if (len == LINE_MAX_LEN - 1) {
					rc = err_set(e, DOSSIER_ECORRUPT,
					    "witness '%s' line %lu: malformed "
					    "checkpoint (too long)", path,
					    lineno + 1);
					break;
				}
				line[len++] = (char)chunk[i];
				continue;
			}
			lineno++;
			line[len] = '\0';
			why = parse_line(line, len, &c);
			len = 0;
			if (why != NULL)
				rc = err_set(e, DOSSIER_ECORRUPT,
				    "witness '%s' line %lu: malformed "
				    "checkpoint (%s)", path, lineno, why);
			else
				rc = fn(ctx, &c);
		}
	}
	/* line[0, len) is a torn last line: never a checkpoint, ignored. */
	close(fd);
	return rc;
}
