/*
 * test_audit.c: the audit log's hash chain and witness file (audit.h,
 * docs/SECURITY.md "Audit log"): a chain signed by two users verifies;
 * every attack of the threat model (a changed, deleted, inserted or
 * reordered record, re-signing with another key, a signed record passed
 * off as unsigned) fails with DOSSIER_ECORRUPT naming the record and the
 * damage; checkpoints round-trip through the witness file, whose damage
 * is reported with its line number, and whose torn last line is ignored.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dossier.h"
#include "audit.h"
#include "buf.h"
#include "crypto.h"
#include "error.h"

#define NREC 20
#define ALICE 0
#define BOB 1
#define MALLORY 2 /* holds a key, but no certificate */

static const char *const names[] = { "alice", "bob", "mallory" };
static const char *const actions[] = { "add", "get", "search", "update",
	"export" };

struct fixture {
	char dir[64];
	char witness[128];
	unsigned char pub[3][CRYPTO_ED25519_PUB_LEN];
	unsigned char sec[3][CRYPTO_ED25519_SEC_LEN];
	struct audit_rec rec[NREC + 1]; /* room for one inserted record */
	size_t n;
};

/* Fills record i (0-based) of the test chain; odd seqs are alice's. */
static void
fill(struct audit_rec *r, int64_t seq, int who)
{
	audit_rec_init(r);
	r->seq = seq;
	r->time = 1700000000 + seq * 60;
	snprintf(r->user, sizeof(r->user), "%s", names[who]);
	snprintf(r->action, sizeof(r->action), "%s",
	    actions[seq % (int64_t)(sizeof(actions) / sizeof(actions[0]))]);
	r->doc = seq % 4 == 0 ? 0 : 100 + seq;
	r->version = seq % 4 == 0 ? 0 : (int)(seq % 3) + 1;
	r->level = seq % 4 == 0 ? -1 : (int)(seq % 5);
	snprintf(r->outcome, sizeof(r->outcome), "%s",
	    seq % 7 == 0 ? "denied" : "allowed");
	/* Opaque bytes, a NUL among them. */
	assert_int_equal(buf_append(&r->detail, "\0sealed-", 8), 0);
	assert_int_equal(buf_printf(&r->detail, "%lld", (long long)seq), 0);
}

static void
build_chain(struct fixture *f)
{
	static const unsigned char zero[AUDIT_HASH_LEN];
	size_t i;

	for (i = 0; i < NREC; i++) {
		int who = i % 2 == 0 ? ALICE : BOB;

		fill(&f->rec[i], (int64_t)i + 1, who);
		assert_int_equal(audit_rec_seal(&f->rec[i],
		    i == 0 ? zero : f->rec[i - 1].hash, f->sec[who]), 0);
		assert_int_equal(f->rec[i].signed_, 1);
	}
	f->n = NREC;
}

static void
release_chain(struct fixture *f)
{
	size_t i;

	for (i = 0; i < sizeof(f->rec) / sizeof(f->rec[0]); i++)
		audit_rec_release(&f->rec[i]);
	f->n = 0;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int i;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/dossier-audit-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->witness, sizeof(f->witness), "%s/audit.witness", f->dir);
	for (i = 0; i < 3; i++)
		assert_int_equal(crypto_ed25519_keypair(f->pub[i], f->sec[i]),
		    0);
	for (i = 0; i < NREC + 1; i++)
		audit_rec_init(&f->rec[i]);
	build_chain(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	release_chain(f);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* The certified key of r's user, as a verifier finds it; NULL if none. */
static const unsigned char *
certified(struct fixture *f, const struct audit_rec *r)
{
	if (strcmp(r->user, "alice") == 0)
		return f->pub[ALICE];
	if (strcmp(r->user, "bob") == 0)
		return f->pub[BOB];
	return NULL;
}

/*
 * What `dossier audit verify` does: walk in storage order, stop at the
 * first bad record.  Only a failed unlock (moved in from audit.pending)
 * may lack a certified user, and then it is unsigned.
 */
static int
verify_chain(struct fixture *f, struct err *e)
{
	static const unsigned char zero[AUDIT_HASH_LEN];
	const struct audit_rec *r;
	const unsigned char *pub;
	size_t i;
	int rc;

	err_clear(e);
	for (i = 0; i < f->n; i++) {
		r = &f->rec[i];
		pub = certified(f, r);
		rc = audit_rec_check(r, i == 0 ? zero : f->rec[i - 1].hash,
		    pub, e);
		if (rc != DOSSIER_OK)
			return rc;
		if (pub == NULL && (r->signed_ ||
		    strcmp(r->action, "unlock") != 0 ||
		    strcmp(r->outcome, "failed") != 0))
			return err_set(e, DOSSIER_ECORRUPT,
			    "record %lld: unknown user", (long long)r->seq);
	}
	return DOSSIER_OK;
}

static void
expect_corrupt(struct fixture *f, const char *msg)
{
	struct err e;

	assert_int_equal(verify_chain(f, &e), DOSSIER_ECORRUPT);
	assert_int_equal(e.code, DOSSIER_ECORRUPT);
	assert_string_equal(e.msg, msg);
}

static void
rebuild(struct fixture *f)
{
	release_chain(f);
	build_chain(f);
}

static void
test_chain_verifies(void **state)
{
	struct fixture *f = *state;
	struct err e;
	size_t i;

	assert_int_equal(verify_chain(f, &e), DOSSIER_OK);
	for (i = 0; i < f->n; i++)
		assert_int_equal(f->rec[i].seq, (int64_t)i + 1);
	/* Two signers, and sealing is deterministic. */
	assert_string_equal(f->rec[0].user, "alice");
	assert_string_equal(f->rec[1].user, "bob");
	{
		unsigned char h[AUDIT_HASH_LEN], s[AUDIT_SIG_LEN];

		memcpy(h, f->rec[9].hash, sizeof(h));
		memcpy(s, f->rec[9].sig, sizeof(s));
		assert_int_equal(audit_rec_seal(&f->rec[9], f->rec[8].hash,
		    f->sec[BOB]), 0);
		assert_memory_equal(h, f->rec[9].hash, sizeof(h));
		assert_memory_equal(s, f->rec[9].sig, sizeof(s));
	}
}

/* The canonical encoding of audit.h, pinned by a hash computed elsewhere. */
static void
test_golden_encoding(void **state)
{
	struct fixture *f = *state;
	unsigned char prev[AUDIT_HASH_LEN], want[AUDIT_HASH_LEN];
	unsigned char msg[16 + AUDIT_HASH_LEN];
	struct audit_rec r;
	int i;

	for (i = 0; i < AUDIT_HASH_LEN; i++)
		prev[i] = (unsigned char)i;
	audit_rec_init(&r);
	assert_int_equal(r.level, -1);
	r.seq = 3;
	r.time = 1700000000;
	strcpy(r.user, "alice");
	strcpy(r.action, "get");
	r.doc = 42;
	r.version = 2;
	strcpy(r.outcome, "allowed");
	assert_int_equal(buf_append(&r.detail, "\0sealed", 7), 0);

	/* python3: sha256(lv(domain) | >QQ | lv.. | >QIi | ... | >I 1) */
	assert_int_equal(audit_rec_seal(&r, prev, f->sec[ALICE]), 0);
	assert_int_equal(hex_decode("cb495607a8081b6952679270727a0faa"
	    "0f25bbb940c4e60fd51703330eccbbc3", want, sizeof(want)), 0);
	assert_memory_equal(r.hash, want, sizeof(want));
	assert_memory_equal(r.prev, prev, sizeof(prev));
	memcpy(msg, "dossier-audit-v1", 16);
	memcpy(msg + 16, r.hash, AUDIT_HASH_LEN);
	assert_int_equal(crypto_ed25519_verify(f->pub[ALICE], msg, sizeof(msg),
	    r.sig), 0);

	/* Unsigned: the flag is hashed, the signature is zeros. */
	assert_int_equal(audit_rec_seal(&r, prev, NULL), 0);
	assert_int_equal(r.signed_, 0);
	assert_int_equal(hex_decode("4b7bf296ce581255b3a81b015d60785e"
	    "ee1a2164994e2a5c86d6ad167872f56d", want, sizeof(want)), 0);
	assert_memory_equal(r.hash, want, sizeof(want));
	for (i = 0; i < AUDIT_SIG_LEN; i++)
		assert_int_equal(r.sig[i], 0);
	audit_rec_release(&r);
	assert_null(r.detail.data);
}

static void
test_changed_fields(void **state)
{
	struct fixture *f = *state;
	struct audit_rec *r = &f->rec[6]; /* seq 7: alice, denied */
	int kind;

	for (kind = 0; kind < 12; kind++) {
		switch (kind) {
		case 0:
			strcpy(r->user, "bob");
			break;
		case 1:
			strcpy(r->action, "purge");
			break;
		case 2:
			r->doc++;
			break;
		case 3:
			strcpy(r->outcome, "allowed");
			break;
		case 4:
			r->detail.data[r->detail.len - 1] ^= 1;
			break;
		case 5:
			r->time -= 3600;
			break;
		case 6:
			r->version++;
			break;
		case 7:
			r->level = 4;
			break;
		case 8:
			r->prev[5] ^= 0x80;
			break;
		case 9:
			r->hash[31] ^= 1;
			break;
		case 10: /* one byte cut off the detail */
			r->detail.len--;
			break;
		case 11:
			strcpy(r->user, "");
			break;
		}
		expect_corrupt(f, "record 7: changed");
		rebuild(f);
	}
	/* The seq is covered too; a changed seq of the next record as well. */
	f->rec[7].seq = 9;
	expect_corrupt(f, "record 9: changed");
}

static void
test_deleted_record(void **state)
{
	struct fixture *f = *state;

	/* Record 8 goes: record 9 no longer follows what precedes it. */
	audit_rec_release(&f->rec[7]);
	memmove(&f->rec[7], &f->rec[8], (f->n - 8) * sizeof(f->rec[0]));
	f->n--;
	audit_rec_init(&f->rec[f->n]);
	expect_corrupt(f, "record 9: out of order (does not follow record 8)");
	rebuild(f);

	/* The first record goes. */
	audit_rec_release(&f->rec[0]);
	memmove(&f->rec[0], &f->rec[1], (f->n - 1) * sizeof(f->rec[0]));
	f->n--;
	audit_rec_init(&f->rec[f->n]);
	expect_corrupt(f, "record 2: out of order (does not follow record 1)");
}

/* Moves the records from position at up by one and puts r there. */
static void
insert_at(struct fixture *f, size_t at, const struct audit_rec *r)
{
	memmove(&f->rec[at + 1], &f->rec[at], (f->n - at) * sizeof(f->rec[0]));
	f->rec[at] = *r;
	f->n++;
}

static void
test_inserted_record(void **state)
{
	struct fixture *f = *state;
	struct audit_rec r;

	/*
	 * An insider with a certified key makes a well-formed record 8
	 * after record 7: it checks, but the real record 8 then fails.
	 */
	fill(&r, 8, ALICE);
	strcpy(r.action, "get");
	r.doc = 555;
	assert_int_equal(audit_rec_seal(&r, f->rec[6].hash, f->sec[ALICE]), 0);
	insert_at(f, 7, &r);
	expect_corrupt(f, "record 8: out of order (does not follow record 7)");
	rebuild(f);

	/* A record in bob's name with a key no certificate vouches for. */
	fill(&r, 8, BOB);
	assert_int_equal(audit_rec_seal(&r, f->rec[6].hash, f->sec[MALLORY]),
	    0);
	insert_at(f, 7, &r);
	expect_corrupt(f, "record 8: bad signature");
	rebuild(f);

	/* Appended past the head under a forged name: bad signature too. */
	fill(&r, 21, ALICE);
	assert_int_equal(audit_rec_seal(&r, f->rec[19].hash, f->sec[BOB]), 0);
	insert_at(f, 20, &r);
	expect_corrupt(f, "record 21: bad signature");
}

static void
test_swapped_records(void **state)
{
	struct fixture *f = *state;
	struct audit_rec t;

	t = f->rec[4];
	f->rec[4] = f->rec[5];
	f->rec[5] = t;
	expect_corrupt(f, "record 6: out of order (does not follow record 5)");
	rebuild(f);

	/* The first two: record 2 does not start the log. */
	t = f->rec[0];
	f->rec[0] = f->rec[1];
	f->rec[1] = t;
	expect_corrupt(f, "record 2: out of order (does not follow record 1)");
}

static void
test_resigned_record(void **state)
{
	struct fixture *f = *state;
	struct err e;

	/* Bob re-signs alice's record 11: same hash, bob's signature. */
	assert_string_equal(f->rec[10].user, "alice");
	assert_int_equal(audit_rec_seal(&f->rec[10], f->rec[9].hash,
	    f->sec[BOB]), 0);
	expect_corrupt(f, "record 11: bad signature");
	/* Checked under the key that signed it, it would pass. */
	assert_int_equal(audit_rec_check(&f->rec[10], f->rec[9].hash,
	    f->pub[BOB], &e), 0);

	/* A flipped signature bit. */
	rebuild(f);
	f->rec[11].sig[17] ^= 4;
	expect_corrupt(f, "record 12: bad signature");
}

static void
test_unsigned_records(void **state)
{
	struct fixture *f = *state;
	struct audit_rec r;
	struct err e;

	/* A signed record passed off as unsigned: the flag is hashed. */
	f->rec[3].signed_ = 0;
	memset(f->rec[3].sig, 0, sizeof(f->rec[3].sig));
	expect_corrupt(f, "record 4: changed");
	rebuild(f);

	/* Re-sealed unsigned (hash redone): refused where a key is expected. */
	assert_int_equal(audit_rec_seal(&f->rec[3], f->rec[2].hash, NULL), 0);
	expect_corrupt(f, "record 4: not signed");
	rebuild(f);

	/*
	 * A failed unlock by an unknown user, moved in from audit.pending:
	 * unsigned, accepted when the verifier passes no key for it, and
	 * refused when a key says it must be signed.
	 */
	audit_rec_release(&f->rec[NREC - 1]);
	audit_rec_init(&r);
	r.seq = NREC;
	r.time = 1700009999;
	strcpy(r.action, "unlock");
	strcpy(r.outcome, "failed");
	assert_int_equal(audit_rec_seal(&r, f->rec[NREC - 2].hash, NULL), 0);
	f->rec[NREC - 1] = r;
	assert_int_equal(verify_chain(f, &e), DOSSIER_OK);
	assert_int_equal(audit_rec_check(&f->rec[NREC - 1],
	    f->rec[NREC - 2].hash, f->pub[ALICE], &e), DOSSIER_ECORRUPT);
	assert_string_equal(e.msg, "record 20: not signed");
}

static void
test_malformed_records(void **state)
{
	struct fixture *f = *state;
	static const unsigned char zero[AUDIT_HASH_LEN];
	struct audit_rec r;
	struct err e;

	fill(&r, 1, ALICE);
	r.seq = 0;
	assert_int_equal(audit_rec_seal(&r, zero, f->sec[ALICE]),
	    DOSSIER_EUSAGE);
	assert_int_equal(audit_rec_check(&r, zero, f->pub[ALICE], &e),
	    DOSSIER_ECORRUPT);
	assert_string_equal(e.msg, "record 0: malformed (sequence number)");
	r.seq = 1;
	r.action[0] = '\0';
	assert_int_equal(audit_rec_seal(&r, zero, NULL), DOSSIER_EUSAGE);
	strcpy(r.action, "get");
	memset(r.outcome, 'x', sizeof(r.outcome)); /* not terminated */
	assert_int_equal(audit_rec_seal(&r, zero, NULL), DOSSIER_EUSAGE);
	assert_int_equal(audit_rec_check(&r, zero, NULL, &e),
	    DOSSIER_ECORRUPT);
	assert_string_equal(e.msg, "record 1: malformed (outcome)");
	strcpy(r.outcome, "allowed");
	r.level = -2;
	assert_int_equal(audit_rec_seal(&r, zero, NULL), DOSSIER_EUSAGE);
	r.level = -1;
	r.version = -1;
	assert_int_equal(audit_rec_seal(&r, zero, NULL), DOSSIER_EUSAGE);
	r.version = 0;
	r.doc = -5;
	assert_int_equal(audit_rec_seal(&r, zero, NULL), DOSSIER_EUSAGE);
	r.doc = 0;
	assert_int_equal(audit_rec_seal(&r, zero, NULL), DOSSIER_OK);
	assert_int_equal(audit_rec_check(&r, zero, NULL, &e), DOSSIER_OK);
	audit_rec_release(&r);
}

/* Witness helpers. */

static void
make_ckpt(struct fixture *f, int who, size_t seq, struct audit_ckpt *c)
{
	memset(c, 0, sizeof(*c));
	c->seq = (int64_t)seq;
	memcpy(c->hash, f->rec[seq - 1].hash, AUDIT_HASH_LEN);
	strcpy(c->user, names[who]);
	assert_int_equal(audit_ckpt_sign(c, f->sec[who]), 0);
}

struct collect {
	struct audit_ckpt c[8];
	size_t n;
	int stop_after;
};

static int
collect(void *ctx, const struct audit_ckpt *c)
{
	struct collect *k = ctx;

	assert_true(k->n < sizeof(k->c) / sizeof(k->c[0]));
	k->c[k->n++] = *c;
	return k->stop_after != 0 && (int)k->n == k->stop_after ? 7 : 0;
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *p = malloc(8192);

	assert_non_null(fp);
	assert_non_null(p);
	*n = fread(p, 1, 8191, fp);
	p[*n] = '\0';
	fclose(fp);
	return p;
}

static void
spill(const char *path, const char *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* Three checkpoints: 5 by alice, 12 by bob, 20 by alice. */
static void
write_three(struct fixture *f, struct audit_ckpt c[3])
{
	struct err e;

	make_ckpt(f, ALICE, 5, &c[0]);
	make_ckpt(f, BOB, 12, &c[1]);
	make_ckpt(f, ALICE, 20, &c[2]);
	assert_int_equal(audit_witness_append(f->witness, &c[0], &e), 0);
	assert_int_equal(audit_witness_append(f->witness, &c[1], &e), 0);
	assert_int_equal(audit_witness_append(f->witness, &c[2], &e), 0);
}

static void
expect_witness(struct fixture *f, size_t n)
{
	struct collect k;
	struct err e;

	memset(&k, 0, sizeof(k));
	err_clear(&e);
	assert_int_equal(audit_witness_each(f->witness, collect, &k, &e), 0);
	assert_int_equal(k.n, n);
}

static void
test_witness_round_trip(void **state)
{
	struct fixture *f = *state;
	struct audit_ckpt c[3];
	struct collect k;
	struct stat st;
	struct err e;
	char *text, want[300], hash[65], sig[129];
	size_t n, i;

	assert_int_equal(audit_witness_each(f->witness, collect, &k, &e),
	    DOSSIER_ENOTFOUND);
	write_three(f, c);
	assert_int_equal(stat(f->witness, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* The text format, line by line. */
	text = slurp(f->witness, &n);
	hex_encode(c[1].hash, AUDIT_HASH_LEN, hash);
	hex_encode(c[1].sig, AUDIT_SIG_LEN, sig);
	snprintf(want, sizeof(want), "\nv1 12 %s bob %s\n", hash, sig);
	assert_non_null(strstr(text, want));
	assert_int_equal(strncmp(text, "v1 5 ", 5), 0);
	free(text);

	memset(&k, 0, sizeof(k));
	assert_int_equal(audit_witness_each(f->witness, collect, &k, &e), 0);
	assert_int_equal(k.n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(k.c[i].seq, c[i].seq);
		assert_memory_equal(k.c[i].hash, c[i].hash, AUDIT_HASH_LEN);
		assert_string_equal(k.c[i].user, c[i].user);
		assert_memory_equal(k.c[i].sig, c[i].sig, AUDIT_SIG_LEN);
		assert_int_equal(audit_ckpt_check(&k.c[i],
		    f->pub[i == 1 ? BOB : ALICE], &e), 0);
	}
	/* The head checkpoint matches the head of the chain. */
	assert_int_equal(k.c[2].seq, (int64_t)f->n);
	assert_memory_equal(k.c[2].hash, f->rec[f->n - 1].hash,
	    AUDIT_HASH_LEN);
	/* Under another user's key it does not hold. */
	assert_int_equal(audit_ckpt_check(&k.c[0], f->pub[BOB], &e),
	    DOSSIER_ECORRUPT);
	assert_string_equal(e.msg, "checkpoint 5: bad signature");
	/* Nor with another name on it. */
	strcpy(k.c[0].user, "bob");
	assert_int_equal(audit_ckpt_check(&k.c[0], f->pub[BOB], &e),
	    DOSSIER_ECORRUPT);

	/* A nonzero return of the callback stops the walk. */
	memset(&k, 0, sizeof(k));
	k.stop_after = 2;
	assert_int_equal(audit_witness_each(f->witness, collect, &k, &e), 7);
	assert_int_equal(k.n, 2);
}

/* Another hex digit, one bit away; flipping twice restores it. */
static char
flip_hex(char c)
{
	static const char hex[] = "0123456789abcdef";
	const char *p = strchr(hex, c);

	assert_non_null(p);
	return hex[(p - hex) ^ 1];
}

/* Flips hex digit at of field (2: hash, 4: signature) of line. */
static void
flip_digit(struct fixture *f, int line, int field, int at)
{
	char *text, *p;
	size_t n;
	int i;

	text = slurp(f->witness, &n);
	p = text;
	for (i = 1; i < line; i++)
		p = strchr(p, '\n') + 1;
	for (i = 0; i < field; i++)
		p = strchr(p, ' ') + 1;
	p[at] = flip_hex(p[at]);
	spill(f->witness, text, n);
	free(text);
}

static void
test_witness_flipped_digits(void **state)
{
	struct fixture *f = *state;
	struct audit_ckpt c[3];
	struct collect k;
	struct err e;

	write_three(f, c);
	flip_digit(f, 2, 2, 17);
	memset(&k, 0, sizeof(k));
	assert_int_equal(audit_witness_each(f->witness, collect, &k, &e), 0);
	assert_int_equal(k.n, 3);
	assert_int_equal(audit_ckpt_check(&k.c[0], f->pub[ALICE], &e), 0);
	assert_int_equal(audit_ckpt_check(&k.c[1], f->pub[BOB], &e),
	    DOSSIER_ECORRUPT);
	assert_string_equal(e.msg, "checkpoint 12: bad signature");

	flip_digit(f, 2, 2, 17); /* back */
	flip_digit(f, 3, 4, 100);
	memset(&k, 0, sizeof(k));
	assert_int_equal(audit_witness_each(f->witness, collect, &k, &e), 0);
	assert_int_equal(audit_ckpt_check(&k.c[1], f->pub[BOB], &e), 0);
	assert_int_equal(audit_ckpt_check(&k.c[2], f->pub[ALICE], &e),
	    DOSSIER_ECORRUPT);
	assert_string_equal(e.msg, "checkpoint 20: bad signature");

	/* The sequence number is signed too. */
	flip_digit(f, 3, 4, 100);
	memset(&k, 0, sizeof(k));
	assert_int_equal(audit_witness_each(f->witness, collect, &k, &e), 0);
	k.c[2].seq = 19;
	assert_int_equal(audit_ckpt_check(&k.c[2], f->pub[ALICE], &e),
	    DOSSIER_ECORRUPT);
	assert_string_equal(e.msg, "checkpoint 19: bad signature");
}

static void
test_witness_malformed(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *line; /* replaces line 2 */
		const char *why;
	} cases[] = {
		{ "", "too few fields" },
		{ "garbage", "too few fields" },
		{ "v2 12 H bob S", "not v1" },
		{ "v1 012 H bob S", "bad sequence number" },
		{ "v1 -12 H bob S", "bad sequence number" },
		{ "v1 1x H bob S", "bad sequence number" },
		{ "v1 99999999999999999999 H bob S", "bad sequence number" },
		{ "v1 12 abc bob S", "bad hash" },
		{ "v1 12 UPPER bob S", "bad hash" },
		{ "v1 12 H  S", "bad user" },
		{ "v1 12 H bob S extra", "too many fields" },
		{ "v1 12 H bob S ", "too many fields" },
		{ "v1 12 H bob 00", "bad signature" },
		{ "v1 12 H bob\x7f S", "bad user" },
	};
	struct audit_ckpt c[3];
	struct err e;
	char hash[65], sig[129], up[65], line[2048], want[400];
	char *text, *l2, *l3;
	size_t n, i, j;

	write_three(f, c);
	hex_encode(c[1].hash, AUDIT_HASH_LEN, hash);
	hex_encode(c[1].sig, AUDIT_SIG_LEN, sig);
	for (j = 0; j < 64; j++)
		up[j] = hash[j] >= 'a' ? (char)(hash[j] - 'a' + 'A') : hash[j];
	up[64] = '\0';
	text = slurp(f->witness, &n);
	l2 = strchr(text, '\n') + 1;
	l3 = strchr(l2, '\n') + 1;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b = BUF_INIT;
		struct collect k;
		const char *s;

		/* Expand H, S, UPPER into real fields. */
		for (s = cases[i].line; *s != '\0'; s++) {
			if (strncmp(s, "UPPER", 5) == 0) {
				buf_puts(&b, up);
				s += 4;
			} else if (*s == 'H') {
				buf_puts(&b, hash);
			} else if (*s == 'S') {
				buf_puts(&b, sig);
			} else {
				buf_putc(&b, (unsigned char)*s);
			}
		}
		snprintf(line, sizeof(line), "%.*s%s\n%s", (int)(l2 - text),
		    text, buf_str(&b), l3);
		spill(f->witness, line, strlen(line));
		buf_release(&b);

		memset(&k, 0, sizeof(k));
		assert_int_equal(audit_witness_each(f->witness, collect, &k,
		    &e), DOSSIER_ECORRUPT);
		snprintf(want, sizeof(want),
		    "witness '%s' line 2: malformed checkpoint (%s)",
		    f->witness, cases[i].why);
		assert_string_equal(e.msg, want);
		/* The lines before it were delivered. */
		assert_int_equal(k.n, 1);
	}

	/* A NUL byte inside a line. */
	memcpy(line, text, n);
	line[(size_t)(l2 - text) + 4] = '\0';
	spill(f->witness, line, n);
	assert_int_equal(audit_witness_each(f->witness, collect,
	    &(struct collect){ .n = 0 }, &e), DOSSIER_ECORRUPT);
	snprintf(want, sizeof(want),
	    "witness '%s' line 2: malformed checkpoint (NUL byte)", f->witness);
	assert_string_equal(e.msg, want);

	/* An overlong line (with a valid prefix) on line 3. */
	memcpy(line, text, (size_t)(l3 - text));
	memset(line + (l3 - text), 'a', 500);
	line[(l3 - text) + 500] = '\n';
	spill(f->witness, line, (size_t)(l3 - text) + 501);
	assert_int_equal(audit_witness_each(f->witness, collect,
	    &(struct collect){ .n = 0 }, &e), DOSSIER_ECORRUPT);
	snprintf(want, sizeof(want),
	    "witness '%s' line 3: malformed checkpoint (too long)", f->witness);
	assert_string_equal(e.msg, want);
	free(text);
}

static void
test_witness_torn_tail(void **state)
{
	struct fixture *f = *state;
	struct audit_ckpt c[3], d;
	struct err e;
	char *text, *after;
	size_t n, n2;
	int fd;

	write_three(f, c);
	text = slurp(f->witness, &n);

	/* A crash inside the write of a fourth line: 50 bytes of it. */
	fd = open(f->witness, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, 50), 50);
	assert_int_equal(close(fd), 0);
	expect_witness(f, 3);

	/* The next append cuts the torn line and starts a fresh one. */
	make_ckpt(f, BOB, 14, &d);
	assert_int_equal(audit_witness_append(f->witness, &d, &e), 0);
	expect_witness(f, 4);
	after = slurp(f->witness, &n2);
	assert_memory_equal(after, text, n);
	assert_int_equal(strncmp(after + n, "v1 14 ", 6), 0);
	free(after);

	/* A torn first (and only) line: cut to nothing. */
	spill(f->witness, text, 40);
	expect_witness(f, 0);
	assert_int_equal(audit_witness_append(f->witness, &d, &e), 0);
	expect_witness(f, 1);
	free(text);

	/* A tail longer than any line is not a torn write: refused. */
	text = calloc(1, 1000);
	assert_non_null(text);
	memset(text, 'a', 999);
	spill(f->witness, text, 999);
	assert_int_equal(audit_witness_append(f->witness, &d, &e),
	    DOSSIER_ECORRUPT);
	free(text);
}

static void
test_witness_refuses_bad_users(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = { "al ice", "al\nice", "alice\t", "",
		"bob\r" };
	struct audit_ckpt c;
	struct stat st;
	struct err e;
	size_t i;

	make_ckpt(f, ALICE, 3, &c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(c.user, bad[i]);
		assert_int_equal(audit_witness_append(f->witness, &c, &e),
		    DOSSIER_EUSAGE);
		assert_int_equal(audit_ckpt_sign(&c, f->sec[ALICE]),
		    DOSSIER_EUSAGE);
		assert_int_equal(audit_ckpt_check(&c, f->pub[ALICE], &e),
		    DOSSIER_ECORRUPT);
		assert_string_equal(e.msg, "checkpoint 3: malformed (user)");
	}
	/* Nothing was written, not even an empty file. */
	assert_int_equal(stat(f->witness, &st), -1);
	/* A name filling the whole array, unterminated. */
	memset(c.user, 'x', sizeof(c.user));
	assert_int_equal(audit_witness_append(f->witness, &c, &e),
	    DOSSIER_EUSAGE);
	/* Non-ASCII names are fine. */
	strcpy(c.user, "张三");
	assert_int_equal(audit_ckpt_sign(&c, f->sec[ALICE]), 0);
	assert_int_equal(audit_witness_append(f->witness, &c, &e), 0);
	expect_witness(f, 1);
	c.seq = -1;
	assert_int_equal(audit_witness_append(f->witness, &c, &e),
	    DOSSIER_EUSAGE);
}

/*
 * What the checkpoints are for: a log truncated or rolled back to an
 * older copy still verifies as a chain, but not against the witness.
 */
static void
test_witness_catches_rollback(void **state)
{
	struct fixture *f = *state;
	struct audit_ckpt c[3];
	struct collect k;
	struct err e;
	size_t i;

	write_three(f, c);
	while (f->n > 15)
		audit_rec_release(&f->rec[--f->n]);
	assert_int_equal(verify_chain(f, &e), DOSSIER_OK);
	memset(&k, 0, sizeof(k));
	assert_int_equal(audit_witness_each(f->witness, collect, &k, &e), 0);
	for (i = 0; i < k.n; i++)
		if (k.c[i].seq > (int64_t)f->n)
			break;
	assert_int_equal(i, 2); /* checkpoint 20 is past the head, 15 */
	assert_memory_equal(k.c[1].hash, f->rec[11].hash, AUDIT_HASH_LEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_chain_verifies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_golden_encoding, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_changed_fields, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deleted_record, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_inserted_record, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_swapped_records, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resigned_record, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unsigned_records, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_malformed_records, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_witness_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_witness_flipped_digits,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_witness_malformed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_witness_torn_tail, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_witness_refuses_bad_users,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_witness_catches_rollback,
		    setup, teardown),
	};

	if (dossier_library_init() != DOSSIER_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
