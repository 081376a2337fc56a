/*
 * vault_audit_read.c: reading the audit log: dossier_audit_each(),
 * dossier_audit_verify() and dossier_audit_report().  Each needs the audit
 * permission, no level key; each is itself recorded before it reads.
 * See docs/AUDIT.md.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "vault_int.h"

#define AUDIT_WITNESS_FILE "audit.witness"
#define REPORT_DENIALS_MAX 1000

void
dossier_audit_filter_init(struct dossier_audit_filter *f)
{
	memset(f, 0, sizeof(*f));
}

/* YYYY-MM-DD of unix time t, UTC. */
static void
utc_day(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 11, "%Y-%m-%d",
	    &tm) != 10)
		snprintf(out, 11, "0000-00-00");
}

/* Starts a reading operation: unlocked, permitted, recorded. */
static int
begin_read(struct dossier *d, const char *action)
{
	int rc = vault_need_unlocked(d);

	if (rc != DOSSIER_OK)
		return rc;
	vault_op(d, action, 0);
	return vault_require(d, DOSSIER_PERM_AUDIT, action, 0, NULL);
}

/* Detail text for people: "key=value; ..." without bookkeeping. */
struct text {
	struct buf *out;
	int64_t checkpoints;
	char user[72];
	char key[2 * CRYPTO_ED25519_PUB_LEN + 1];
};

static int
detail_member(void *ctx, const char *key, const char *value)
{
	struct text *t = ctx;

	if (strcmp(key, "checkpoints") == 0) {
		t->checkpoints = strtoll(value, NULL, 10);
		return 0;
	}
	if (strcmp(key, "key") == 0)
		snprintf(t->key, sizeof(t->key), "%s", value);
	if (strcmp(key, "user") == 0)
		snprintf(t->user, sizeof(t->user), "%s", value);
	if (t->out == NULL)
		return 0;
	if ((t->out->len > 0 && buf_puts(t->out, "; ") != 0) ||
	    buf_puts(t->out, key) != 0 || buf_putc(t->out, '=') != 0 ||
	    buf_puts(t->out, value) != 0)
		return DOSSIER_ENOMEM;
	return 0;
}

/* Opens record r's detail into t; DOSSIER_ECORRUPT when it does not. */
static int
open_detail(struct dossier *d, const struct audit_rec *r, struct text *t)
{
	struct buf plain = BUF_INIT;
	int rc;

	t->checkpoints = 0;
	t->user[0] = t->key[0] = '\0';
	if (t->out != NULL)
		buf_reset(t->out);
	rc = vault_open_text(d, "audit", r->seq, &r->detail, &plain);
	if (rc == DOSSIER_OK)
		rc = docmeta_detail_each((const char *)plain.data, plain.len,
		    detail_member, t);
	buf_release(&plain);
	return rc;
}

struct each {
	struct dossier *d;
	const struct dossier_audit_filter *f;
	dossier_audit_fn fn;
	void *ctx;
	struct buf detail;
	struct catalog_doc row;
};

/* The title of doc, when the reader holds its level's key. */
static const char *
title_of(struct dossier *d, int64_t doc, struct catalog_doc *row,
    struct docmeta *m, int *have)
{
	struct err saved = d->err;

	*have = 0;
	if (doc == 0 || catalog_doc_get(d->cat, doc, row, &d->err) !=
	    DOSSIER_OK || vault_lk(d, row->level, row->key_version) == NULL ||
	    vault_open_docmeta(d, row, m) != DOSSIER_OK) {
		d->err = saved;
		return NULL;
	}
	*have = 1;
	return m->title;
}

static int
each_record(void *ctx, const struct audit_rec *r)
{
	struct each *x = ctx;
	const struct dossier_audit_filter *f = x->f;
	struct dossier_audit_entry e;
	struct text t;
	struct docmeta m;
	char day[11];
	int rc, have;

	if ((f->user != NULL && strcmp(f->user, r->user) != 0) ||
	    (f->action != NULL && strcmp(f->action, r->action) != 0) ||
	    (f->doc != 0 && f->doc != r->doc) ||
	    (f->denied && strcmp(r->outcome, "denied") != 0))
		return 0;
	utc_day(r->time, day);
	if ((f->since != NULL && strcmp(day, f->since) < 0) ||
	    (f->until != NULL && strcmp(day, f->until) > 0))
		return 0;
	memset(&t, 0, sizeof(t));
	t.out = &x->detail;
	if (open_detail(x->d, r, &t) != DOSSIER_OK) {
		buf_reset(&x->detail);
		buf_puts(&x->detail, "(detail does not open: see audit verify)");
	}
	e.seq = r->seq;
	e.time = r->time;
	e.user = r->user;
	e.action = r->action;
	e.doc = r->doc;
	e.version = r->version;
	e.level = r->level;
	e.outcome = r->outcome;
	e.detail = buf_str(&x->detail);
	e.title = title_of(x->d, r->doc, &x->row, &m, &have);
	rc = x->fn(x->ctx, &e);
	if (have)
		docmeta_release(&m);
	return rc;
}

int
dossier_audit_each(struct dossier *d, const struct dossier_audit_filter *f,
    dossier_audit_fn fn, void *ctx)
{
	struct dossier_audit_filter none;
	struct each x;
	int rc;

	if (f == NULL) {
		dossier_audit_filter_init(&none);
		f = &none;
	}
	rc = begin_read(d, "audit log");
	if (rc == DOSSIER_OK && f->since != NULL)
		rc = vault_check_date(d, f->since);
	if (rc == DOSSIER_OK && f->until != NULL)
		rc = vault_check_date(d, f->until);
	/* Recorded before anything is read out. */
	if (rc == DOSSIER_OK)
		rc = vault_audit_own(d, "allowed");
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	memset(&x, 0, sizeof(x));
	x.d = d;
	x.f = f;
	x.fn = fn;
	x.ctx = ctx;
	rc = catalog_audit_each(d->cat, 1, each_record, &x, &d->err);
	buf_release(&x.detail);
	buf_release(&x.row.meta);
	return vault_done(d, rc);
}

/* Which key was certified for a user from which record on. */
struct key_from {
	char user[72];
	int64_t from;
	unsigned char pub[CRYPTO_ED25519_PUB_LEN];
};

struct verify {
	struct dossier *d;
	dossier_problem_fn fn;
	void *ctx;
	struct key_from *keys;
	size_t nkeys;
	unsigned char (*hash)[AUDIT_HASH_LEN]; /* by seq - 1 */
	size_t nhash, caphash;
	unsigned char prev[AUDIT_HASH_LEN];
	int64_t expect, claimed, witnessed;
	/* Unsigned records of a batch, waiting for its signed last one. */
	int64_t batch_from;
	char batch_user[72];
	int problems;
	char first[ERR_MSG_MAX];
	struct buf detail;
	struct catalog_user u;
};

static void
problem(struct verify *v, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct verify *v, int64_t seq, const char *fmt, ...)
{
	struct dossier_problem p;
	char line[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (v->problems++ == 0)
		snprintf(v->first, sizeof(v->first), "%s", line);
	if (v->fn != NULL) {
		p.what = "audit";
		p.id = seq;
		p.version = 0;
		p.detail = line;
		p.fatal = 1;
		v->fn(v->ctx, &p);
	}
}

/*
 * The key certified for user at record seq: the last one the log gave it
 * before seq, else (a user the log never keyed) its certified key now.
 */
static const unsigned char *
key_at(struct verify *v, const char *user, int64_t seq)
{
	const unsigned char *pub = NULL;
	struct err ignored;
	size_t i;

	for (i = 0; i < v->nkeys; i++)
		if (strcmp(v->keys[i].user, user) == 0 && v->keys[i].from <= seq)
			pub = v->keys[i].pub;
	if (pub != NULL)
		return pub;
	for (i = 0; i < v->nkeys; i++)
		if (strcmp(v->keys[i].user, user) == 0)
			return NULL; /* keyed only later: not yet then */
	if (catalog_user_get(v->d->cat, user, &v->u, &ignored) != DOSSIER_OK)
		return NULL;
	return v->u.ed_pub;
}

static int
add_key(struct verify *v, const char *user, int64_t from, const char *hex)
{
	struct key_from *nk;

	nk = realloc(v->keys, (v->nkeys + 1) * sizeof(*nk));
	if (nk == NULL)
		return DOSSIER_ENOMEM;
	v->keys = nk;
	snprintf(nk[v->nkeys].user, sizeof(nk[v->nkeys].user), "%s", user);
	nk[v->nkeys].from = from;
	if (strlen(hex) != 2 * CRYPTO_ED25519_PUB_LEN ||
	    hex_decode(hex, nk[v->nkeys].pub, CRYPTO_ED25519_PUB_LEN) != 0)
		return DOSSIER_ECORRUPT;
	v->nkeys++;
	return DOSSIER_OK;
}

static int
verify_record(void *ctx, const struct audit_rec *r)
{
	struct verify *v = ctx;
	struct text t;
	const unsigned char *pub;
	struct err e;
	void *nh;
	int unsigned_ok, rc = DOSSIER_OK;

	if (r->seq != v->expect) {
		problem(v, v->expect, "record %lld: missing (the log goes from "
		    "record %lld to record %lld)", (long long)v->expect,
		    (long long)(v->expect - 1), (long long)r->seq);
		return 1;
	}
	/*
	 * Unsigned: a failed unlock moved in from audit.pending, or a record
	 * of a batch (a filing) whose last record, by the same user, is
	 * signed and so covers it through the chain.
	 */
	unsigned_ok = !r->signed_ && strcmp(r->action, "unlock") == 0 &&
	    strcmp(r->outcome, "failed") == 0;
	if (v->batch_from != 0 && strcmp(r->user, v->batch_user) != 0) {
		problem(v, v->batch_from, "record %lld: not signed",
		    (long long)v->batch_from);
		return 1;
	}
	if (!r->signed_ && !unsigned_ok) {
		if (v->batch_from == 0) {
			v->batch_from = r->seq;
			snprintf(v->batch_user, sizeof(v->batch_user), "%s",
			    r->user);
		}
		unsigned_ok = 1;
	} else if (r->signed_) {
		v->batch_from = 0;
	}
	pub = unsigned_ok ? NULL : key_at(v, r->user, r->seq);
	if (!unsigned_ok && pub == NULL) {
		problem(v, r->seq, "record %lld: signed as '%s', who had no "
		    "certified key then", (long long)r->seq, r->user);
		return 1;
	}
	err_clear(&e);
	if (audit_rec_check(r, v->prev, pub, &e) != DOSSIER_OK) {
		problem(v, r->seq, "%s", e.msg);
		return 1;
	}
	memset(&t, 0, sizeof(t));
	t.out = NULL;
	rc = open_detail(v->d, r, &t);
	if (rc == DOSSIER_ENOMEM)
		return err_nomem(&v->d->err);
	if (rc != DOSSIER_OK) {
		problem(v, r->seq, "record %lld: changed (its detail does not "
		    "open)", (long long)r->seq);
		return 1;
	}
	if (t.checkpoints > v->claimed)
		v->claimed = t.checkpoints;
	/* A new key for a user applies from the next record on. */
	if (t.key[0] != '\0' && t.user[0] != '\0' &&
	    (rc = add_key(v, t.user, r->seq + 1, t.key)) == DOSSIER_ENOMEM)
		return err_nomem(&v->d->err);
	if (t.key[0] != '\0' && t.user[0] != '\0' && rc != DOSSIER_OK) {
		problem(v, r->seq, "record %lld: changed (a malformed key)",
		    (long long)r->seq);
		return 1;
	}
	if (v->nhash == v->caphash) {
		v->caphash = v->caphash ? 2 * v->caphash : 1024;
		nh = realloc(v->hash, v->caphash * sizeof(*v->hash));
		if (nh == NULL)
			return err_nomem(&v->d->err);
		v->hash = nh;
	}
	memcpy(v->hash[v->nhash++], r->hash, AUDIT_HASH_LEN);
	memcpy(v->prev, r->hash, AUDIT_HASH_LEN);
	v->expect++;
	return 0;
}

static int
verify_ckpt(void *ctx, const struct audit_ckpt *c)
{
	struct verify *v = ctx;
	const unsigned char *pub;
	struct err e;
	int64_t last = v->expect - 1;

	v->witnessed++;
	if (c->seq > last) {
		problem(v, c->seq, "the log ends at record %lld, but a "
		    "checkpoint was made at record %lld: records were removed "
		    "or the catalog was rolled back", (long long)last,
		    (long long)c->seq);
		return 0;
	}
	if (c->seq > 0 && memcmp(v->hash[c->seq - 1], c->hash,
	    AUDIT_HASH_LEN) != 0) {
		problem(v, c->seq, "record %lld is not the one checkpointed: "
		    "the log was changed or replaced", (long long)c->seq);
		return 0;
	}
	/* Made after record seq was written: the key of that moment. */
	pub = key_at(v, c->user, c->seq + 1);
	err_clear(&e);
	if (pub == NULL || audit_ckpt_check(c, pub, &e) != DOSSIER_OK)
		problem(v, c->seq, "checkpoint of record %lld: bad signature "
		    "(by '%s')", (long long)c->seq, c->user);
	return 0;
}

int
dossier_audit_verify(struct dossier *d, const char *witness,
    dossier_problem_fn fn, void *ctx, int64_t *records)
{
	int rc;

	if (records != NULL)
		*records = 0;
	rc = begin_read(d, "audit verify");
	if (rc == DOSSIER_OK)
		rc = vault_audit_own(d, "allowed");
	if (rc == DOSSIER_OK)
		rc = vault_audit_check(d, witness, fn, ctx, records);
	return vault_done(d, rc);
}

int
vault_audit_check(struct dossier *d, const char *witness,
    dossier_problem_fn fn, void *ctx, int64_t *records)
{
	struct verify v;
	struct err e;
	char path[PATH_MAX + 32];
	int rc;

	memset(&v, 0, sizeof(v));
	v.d = d;
	v.fn = fn;
	v.ctx = ctx;
	v.expect = 1;
	rc = catalog_audit_each(d->cat, 1, verify_record, &v, &d->err);
	if (rc == 1)
		rc = DOSSIER_OK; /* stopped at the first broken link */
	else if (rc == DOSSIER_OK && v.batch_from != 0)
		problem(&v, v.batch_from, "record %lld: not signed",
		    (long long)v.batch_from);
	if (records != NULL)
		*records = v.expect - 1;
	if (rc == DOSSIER_OK && v.problems == 0) {
		if (witness == NULL)
			snprintf(path, sizeof(path), "%s/%s", d->root,
			    AUDIT_WITNESS_FILE);
		else
			snprintf(path, sizeof(path), "%s", witness);
		err_clear(&e);
		rc = audit_witness_each(path, verify_ckpt, &v, &e);
		if (rc == DOSSIER_ENOTFOUND && witness == NULL) {
			rc = DOSSIER_OK;
			if (v.claimed > 0)
				problem(&v, 0, "audit.witness is missing: the "
				    "log says %lld checkpoints were written",
				    (long long)v.claimed);
		} else if (rc == DOSSIER_ENOTFOUND) {
			rc = err_set(&d->err, DOSSIER_ENOTFOUND,
			    "no witness file '%s'", witness);
		} else if (rc == DOSSIER_ECORRUPT) {
			problem(&v, 0, "%s", e.msg);
			rc = DOSSIER_OK;
		} else if (rc != DOSSIER_OK) {
			rc = err_set(&d->err, rc, "%s", e.msg);
		} else if (witness == NULL && v.witnessed < v.claimed) {
			problem(&v, 0, "checkpoints stripped: the log says %lld "
			    "were written, audit.witness holds %lld",
			    (long long)v.claimed, (long long)v.witnessed);
		}
	}
	if (rc == DOSSIER_OK && v.problems > 0)
		rc = err_set(&d->err, DOSSIER_ECORRUPT, "audit log: %s",
		    v.first);
	free(v.keys);
	free(v.hash);
	return rc;
}

/* Counting for the report. */
struct tally {
	struct dossier_audit_count *v;
	char **keys; /* what v[].key point to, owned */
	size_t n, cap;
};

static int
tally_add(struct tally *t, const char *key, int denied)
{
	struct dossier_audit_count *nv;
	char **nk;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].key, key) == 0)
			break;
	if (i == t->n) {
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 16;
			nv = realloc(t->v, t->cap * sizeof(*nv));
			if (nv == NULL)
				return DOSSIER_ENOMEM;
			t->v = nv;
			nk = realloc(t->keys, t->cap * sizeof(*nk));
			if (nk == NULL)
				return DOSSIER_ENOMEM;
			t->keys = nk;
		}
		t->keys[i] = strdup(key);
		if (t->keys[i] == NULL)
			return DOSSIER_ENOMEM;
		t->v[i].key = t->keys[i];
		t->v[i].count = t->v[i].denied = 0;
		t->n++;
	}
	t->v[i].count++;
	t->v[i].denied += denied != 0;
	return DOSSIER_OK;
}

static void
tally_free(struct tally *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->keys[i]);
	free(t->keys);
	free(t->v);
}

static int
count_cmp(const void *a, const void *b)
{
	const struct dossier_audit_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* What a report owns; the public part first. */
struct report_alloc {
	struct dossier_audit_report pub;
	struct tally users, actions, levels, docs;
	struct dossier_audit_entry *denials;
	char **strs; /* the denials' strings */
	size_t nstrs;
};

/* Who read which document: distinct (doc, user) pairs. */
struct reads {
	struct {
		int64_t doc;
		char user[72];
	} *v;
	size_t n, cap;
};

struct report {
	struct dossier *d;
	char month[8];
	struct tally users, actions, levels;
	struct reads reads;
	struct report_alloc *out;
	int64_t records, denied;
	struct buf detail;
};

/* A copy of s owned by the report. */
static const char *
keep(struct report_alloc *a, const char *s)
{
	char **ns, *c;

	ns = realloc(a->strs, (a->nstrs + 1) * sizeof(*ns));
	if (ns == NULL)
		return NULL;
	a->strs = ns;
	c = strdup(s);
	if (c != NULL)
		a->strs[a->nstrs++] = c;
	return c;
}

static int
is_read(const char *action)
{
	return strcmp(action, "get") == 0 || strcmp(action, "show") == 0 ||
	    strcmp(action, "history") == 0;
}

static int
report_record(void *ctx, const struct audit_rec *r)
{
	struct report *x = ctx;
	struct dossier_audit_entry *nd, *e;
	struct text t;
	char day[11];
	int denied = strcmp(r->outcome, "denied") == 0, rc;
	size_t i;
	void *nv;


	utc_day(r->time, day);
	if (strncmp(day, x->month, 7) != 0)
		return 0;
	x->records++;
	x->denied += denied;
	rc = tally_add(&x->users, r->user[0] != '\0' ? r->user : "?", denied);
	if (rc == DOSSIER_OK)
		rc = tally_add(&x->actions, r->action, denied);
	if (rc == DOSSIER_OK && r->level >= 0 && r->level < DOSSIER_NLEVELS)
		rc = tally_add(&x->levels, dossier_level_name(r->level, 0),
		    denied);
	if (rc == DOSSIER_OK && is_read(r->action) && r->doc != 0 &&
	    strcmp(r->outcome, "allowed") == 0) {
		for (i = 0; i < x->reads.n; i++)
			if (x->reads.v[i].doc == r->doc &&
			    strcmp(x->reads.v[i].user, r->user) == 0)
				break;
		if (i == x->reads.n) {
			if (x->reads.n == x->reads.cap) {
				x->reads.cap = x->reads.cap ?
				    2 * x->reads.cap : 64;
				nv = realloc(x->reads.v, x->reads.cap *
				    sizeof(*x->reads.v));
				if (nv == NULL)
					return DOSSIER_ENOMEM;
				x->reads.v = nv;
			}
			x->reads.v[i].doc = r->doc;
			snprintf(x->reads.v[i].user,
			    sizeof(x->reads.v[i].user), "%s", r->user);
			x->reads.n++;
		}
	}
	if (rc == DOSSIER_OK && denied &&
	    x->out->pub.ndenials < REPORT_DENIALS_MAX) {
		nd = realloc(x->out->denials, (x->out->pub.ndenials + 1) *
		    sizeof(*nd));
		if (nd == NULL)
			return DOSSIER_ENOMEM;
		x->out->denials = nd;
		x->out->pub.denials = nd;
		e = &nd[x->out->pub.ndenials];
		memset(e, 0, sizeof(*e));
		memset(&t, 0, sizeof(t));
		t.out = &x->detail;
		if (open_detail(x->d, r, &t) != DOSSIER_OK)
			buf_reset(&x->detail);
		e->seq = r->seq;
		e->time = r->time;
		e->doc = r->doc;
		e->version = r->version;
		e->level = r->level;
		e->outcome = "denied";
		e->user = keep(x->out, r->user);
		e->action = keep(x->out, r->action);
		e->detail = keep(x->out, buf_str(&x->detail));
		x->out->pub.ndenials++;
		if (e->user == NULL || e->action == NULL || e->detail == NULL)
			return DOSSIER_ENOMEM;
	}
	return rc;
}

void
dossier_audit_report_free(struct dossier_audit_report *r)
{
	struct report_alloc *a = (struct report_alloc *)r;
	size_t i;

	if (a == NULL)
		return;
	tally_free(&a->users);
	tally_free(&a->actions);
	tally_free(&a->levels);
	tally_free(&a->docs);
	free(a->denials);
	for (i = 0; i < a->nstrs; i++)
		free(a->strs[i]);
	free(a->strs);
	free(a);
}

/*
 * Documents read by more users than usual: more distinct readers than
 * the month's mean plus two standard deviations, and at least three.
 */
static int
unusual(struct report *x, struct report_alloc *a)
{
	struct dossier_audit_report *out = &a->pub;
	struct tally docs, flagged;
	char key[32];
	double sum = 0, sq = 0, mean, sd;
	size_t i;
	int rc = DOSSIER_OK;

	memset(&docs, 0, sizeof(docs));
	memset(&flagged, 0, sizeof(flagged));
	for (i = 0; rc == DOSSIER_OK && i < x->reads.n; i++) {
		snprintf(key, sizeof(key), "%lld", (long long)x->reads.v[i].doc);
		rc = tally_add(&docs, key, 0);
	}
	for (i = 0; i < docs.n; i++) {
		sum += (double)docs.v[i].count;
		sq += (double)docs.v[i].count * (double)docs.v[i].count;
	}
	mean = docs.n > 0 ? sum / (double)docs.n : 0;
	sd = docs.n > 0 ? sqrt(fmax(0, sq / (double)docs.n - mean * mean)) : 0;
	out->readers_mean = mean;
	out->readers_limit = fmax(mean + 2 * sd, 2.0);
	for (i = 0; rc == DOSSIER_OK && i < docs.n; i++) {
		if ((double)docs.v[i].count <= out->readers_limit)
			continue;
		rc = tally_add(&flagged, docs.v[i].key, 0);
		if (rc == DOSSIER_OK)
			flagged.v[flagged.n - 1].count = docs.v[i].count;
	}
	tally_free(&docs);
	if (flagged.n > 1)
		qsort(flagged.v, flagged.n, sizeof(*flagged.v), count_cmp);
	a->docs = flagged;
	out->docs = flagged.v;
	out->ndocs = flagged.n;
	return rc;
}

int
dossier_audit_report(struct dossier *d, const char *month,
    struct dossier_audit_report **outp)
{
	struct report x;
	struct report_alloc *a;
	char day[11];
	int rc;

	*outp = NULL;
	memset(&x, 0, sizeof(x));
	rc = begin_read(d, "audit report");
	if (rc == DOSSIER_OK) {
		snprintf(day, sizeof(day), "%.7s-01", month != NULL ? month :
		    "");
		if (month == NULL || strlen(month) != 7 ||
		    vault_check_date(d, day) != DOSSIER_OK)
			rc = err_set(&d->err, DOSSIER_EUSAGE, "invalid month "
			    "'%s': use YYYY-MM", month != NULL ? month : "");
	}
	if (rc == DOSSIER_OK)
		rc = vault_op_detail(d, "month", month);
	if (rc == DOSSIER_OK)
		rc = vault_audit_own(d, "allowed");
	if (rc != DOSSIER_OK)
		return vault_done(d, rc);
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return vault_done(d, err_nomem(&d->err));
	x.d = d;
	x.out = a;
	snprintf(x.month, sizeof(x.month), "%s", month);
	snprintf(a->pub.month, sizeof(a->pub.month), "%s", month);
	rc = catalog_audit_each(d->cat, 1, report_record, &x, &d->err);
	a->users = x.users;
	a->actions = x.actions;
	a->levels = x.levels;
	if (rc == DOSSIER_OK)
		rc = unusual(&x, a);
	if (a->users.n > 1)
		qsort(a->users.v, a->users.n, sizeof(*a->users.v), count_cmp);
	if (a->actions.n > 1)
		qsort(a->actions.v, a->actions.n, sizeof(*a->actions.v),
		    count_cmp);
	if (a->levels.n > 1)
		qsort(a->levels.v, a->levels.n, sizeof(*a->levels.v),
		    count_cmp);
	a->pub.records = x.records;
	a->pub.denied = x.denied;
	a->pub.users = a->users.v;
	a->pub.nusers = a->users.n;
	a->pub.actions = a->actions.v;
	a->pub.nactions = a->actions.n;
	a->pub.levels = a->levels.v;
	a->pub.nlevels = a->levels.n;
	if (rc == DOSSIER_ENOMEM)
		rc = err_nomem(&d->err);
	free(x.reads.v);
	buf_release(&x.detail);
	if (rc != DOSSIER_OK) {
		dossier_audit_report_free(&a->pub);
		a = NULL;
	}
	*outp = a != NULL ? &a->pub : NULL;
	return vault_done(d, rc);
}
