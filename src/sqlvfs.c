/*
 * sqlvfs.c: the encrypting VFS shim.  See sqlvfs.h.
 *
 * Which writes are pages:
 *	main database   every write (SQLite writes whole, aligned pages)
 *	WAL             the page part of each frame: offset 32 + 24 +
 *	                n * (24 + page)
 *	journals        writes of exactly one page (page images; the page
 *	                numbers, headers and checksums around them stay
 *	                plain, they hold no content)
 * A page is sealed as: ciphertext of its first PAGE - RESERVE bytes |
 * nonce (12) | tag (16); opening it gives the plaintext and a zeroed
 * reserved tail, which is what SQLite wrote there (it never uses it), so
 * WAL and journal checksums, computed over plaintext, still hold.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <unistd.h>

#include "dossier.h"
#include "buf.h"
#include "error.h"
#include "sqlvfs.h"

#define AD_DOMAIN "dossier-page-v1"
#define WAL_HEADER 32
#define WAL_FRAME_HEADER 24
#define DBID_MAX 64

enum kind { KIND_MAIN, KIND_WAL, KIND_JOURNAL };

struct sqlvfs {
	sqlite3_vfs base;
	sqlite3_vfs *root;
	struct crypto_aead *aead; /* NULL: plain, pages pass through */
	char name[48];
	char dbid[DBID_MAX + 1];
	int io_failed;		  /* a read, write, sync... failed */
	int damaged;		  /* a page did not decrypt */
};

struct vfile {
	sqlite3_file base;
	struct sqlvfs *v;
	enum kind kind;
	unsigned char *page; /* scratch: one page */
	sqlite3_file *real;  /* follows this struct */
};

#define REAL(f) (((struct vfile *)(f))->real)

static const char *const kind_name[] = { "main", "wal", "journal" };

/* AD = domain | dbid | kind | offset of the page in its file. */
static size_t
make_ad(const struct vfile *f, sqlite3_int64 off, unsigned char *ad,
    size_t adsz)
{
	size_t n = 0, l;
	const char *parts[3] = { AD_DOMAIN, f->v->dbid, kind_name[f->kind] };
	int i;

	for (i = 0; i < 3; i++) {
		l = strlen(parts[i]);
		if (n + 1 + l > adsz - 8)
			break;
		ad[n++] = (unsigned char)l;
		memcpy(ad + n, parts[i], l);
		n += l;
	}
	be64_put(ad + n, (uint64_t)off);
	return n + 8;
}

static int
seal_page(struct vfile *f, const unsigned char *in, sqlite3_int64 off,
    unsigned char *out)
{
	unsigned char ad[128];
	size_t adlen = make_ad(f, off, ad, sizeof(ad));
	unsigned char *nonce = out + SQLVFS_PAGE - SQLVFS_RESERVE;

	if (crypto_nonce(nonce, CRYPTO_NONCE_LEN) != DOSSIER_OK ||
	    crypto_aead_seal_with(f->v->aead, nonce, ad, adlen, in,
	    SQLVFS_PAGE - SQLVFS_RESERVE, out, nonce + CRYPTO_NONCE_LEN) !=
	    DOSSIER_OK)
		return SQLITE_IOERR_WRITE;
	return SQLITE_OK;
}

static int
open_page(struct vfile *f, const unsigned char *in, sqlite3_int64 off,
    unsigned char *out)
{
	unsigned char ad[128];
	size_t adlen = make_ad(f, off, ad, sizeof(ad));
	const unsigned char *nonce = in + SQLVFS_PAGE - SQLVFS_RESERVE;

	if (crypto_aead_open_with(f->v->aead, nonce, ad, adlen, in,
	    SQLVFS_PAGE - SQLVFS_RESERVE, nonce + CRYPTO_NONCE_LEN, out) !=
	    DOSSIER_OK) {
		f->v->damaged = 1;
		return SQLITE_IOERR_DATA;
	}
	memset(out + SQLVFS_PAGE - SQLVFS_RESERVE, 0, SQLVFS_RESERVE);
	return SQLITE_OK;
}

/* Is off the start of a WAL frame's page? */
static int
wal_page_at(sqlite3_int64 off)
{
	return off >= WAL_HEADER + WAL_FRAME_HEADER &&
	    (off - WAL_HEADER) % (WAL_FRAME_HEADER + SQLVFS_PAGE) ==
	    WAL_FRAME_HEADER;
}

/* Start of the first page region that ends after offset off. */
static sqlite3_int64
first_page(const struct vfile *f, sqlite3_int64 off)
{
	sqlite3_int64 rel;

	if (f->kind == KIND_MAIN)
		return off - off % SQLVFS_PAGE;
	if (off < WAL_HEADER)
		return WAL_HEADER + WAL_FRAME_HEADER;
	rel = (off - WAL_HEADER) % (WAL_FRAME_HEADER + SQLVFS_PAGE);
	/* In a frame header: the page that follows; else its own page. */
	return off - rel + WAL_FRAME_HEADER;
}

/*
 * Notes an I/O failure of the file underneath: SQLite reports a page it
 * could not read as a malformed database, and the caller must know it
 * was the disk.  (A short read is not a failure; a page that does not
 * decrypt is damage, reported as SQLITE_IOERR_DATA.)
 */
static int
io(struct vfile *f, int rc)
{
	if ((rc & 0xff) == SQLITE_IOERR && rc != SQLITE_IOERR_SHORT_READ &&
	    rc != SQLITE_IOERR_DATA)
		f->v->io_failed = 1;
	if ((rc & 0xff) == SQLITE_FULL)
		f->v->io_failed = 1;
	return rc;
}

static int
vfile_read_pages(sqlite3_file *file, void *buf, int amt, sqlite3_int64 off);

static int
vfile_read(sqlite3_file *file, void *buf, int amt, sqlite3_int64 off)
{
	struct vfile *f = (struct vfile *)file;

	if (f->v->aead == NULL)
		return io(f, REAL(f)->pMethods->xRead(REAL(f), buf, amt, off));
	return io(f, vfile_read_pages(file, buf, amt, off));
}

static int
vfile_read_pages(sqlite3_file *file, void *buf, int amt, sqlite3_int64 off)
{
	struct vfile *f = (struct vfile *)file;
	unsigned char *out = buf;
	sqlite3_int64 p, end = off + amt, lo, hi;
	int rc, prc;

	if (f->kind == KIND_JOURNAL) {
		rc = REAL(f)->pMethods->xRead(REAL(f), buf, amt, off);
		if (rc != SQLITE_OK || amt != SQLVFS_PAGE)
			return rc;
		memcpy(f->page, buf, SQLVFS_PAGE);
		return open_page(f, f->page, off, buf);
	}
	if (f->kind == KIND_MAIN && amt == SQLVFS_PAGE &&
	    off % SQLVFS_PAGE == 0) {
		/* The common case: one whole page. */
		rc = REAL(f)->pMethods->xRead(REAL(f), f->page, amt, off);
		if (rc != SQLITE_OK) {
			memset(buf, 0, (size_t)amt);
			return rc;
		}
		return open_page(f, f->page, off, buf);
	}
	/* Raw first (headers stay plain), then every page region decrypted. */
	rc = REAL(f)->pMethods->xRead(REAL(f), buf, amt, off);
	if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
		return rc;
	p = first_page(f, off);
	while (p < end) {
		if (p + SQLVFS_PAGE > off) {
			prc = REAL(f)->pMethods->xRead(REAL(f), f->page,
			    SQLVFS_PAGE, p);
			if (prc == SQLITE_IOERR_SHORT_READ)
				break; /* past the end: SQLite sees zeros */
			if (prc != SQLITE_OK)
				return prc;
			prc = open_page(f, f->page, p, f->page);
			if (prc != SQLITE_OK)
				return prc;
			lo = p > off ? p : off;
			hi = p + SQLVFS_PAGE < end ? p + SQLVFS_PAGE : end;
			memcpy(out + (lo - off), f->page + (lo - p),
			    (size_t)(hi - lo));
		}
		p += f->kind == KIND_WAL ? WAL_FRAME_HEADER + SQLVFS_PAGE :
		    SQLVFS_PAGE;
	}
	return rc;
}

static int
vfile_write(sqlite3_file *file, const void *buf, int amt, sqlite3_int64 off)
{
	struct vfile *f = (struct vfile *)file;
	int is_page, rc;

	if (f->v->aead == NULL)
		return io(f, REAL(f)->pMethods->xWrite(REAL(f), buf, amt, off));
	switch (f->kind) {
	case KIND_MAIN:
		if (amt != SQLVFS_PAGE || off % SQLVFS_PAGE != 0)
			return SQLITE_IOERR_WRITE; /* never plaintext */
		is_page = 1;
		break;
	case KIND_WAL:
		is_page = amt == SQLVFS_PAGE && wal_page_at(off);
		break;
	default:
		is_page = amt == SQLVFS_PAGE;
		break;
	}
	if (!is_page)
		return io(f, REAL(f)->pMethods->xWrite(REAL(f), buf, amt, off));
	rc = seal_page(f, buf, off, f->page);
	if (rc == SQLITE_OK)
		rc = io(f, REAL(f)->pMethods->xWrite(REAL(f), f->page, amt,
		    off));
	return rc;
}

static int
vfile_close(sqlite3_file *file)
{
	struct vfile *f = (struct vfile *)file;
	int rc = REAL(f)->pMethods != NULL ?
	    REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;

	if (f->page != NULL) {
		mem_wipe(f->page, SQLVFS_PAGE);
		sqlite3_free(f->page);
		f->page = NULL;
	}
	return rc;
}

static int
vfile_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return io((struct vfile *)f, REAL(f)->pMethods->xTruncate(REAL(f),
	    size));
}

static int
vfile_sync(sqlite3_file *f, int flags)
{
	return io((struct vfile *)f, REAL(f)->pMethods->xSync(REAL(f), flags));
}

static int
vfile_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
vfile_lock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int
vfile_unlock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int
vfile_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
vfile_control(sqlite3_file *f, int op, void *arg)
{
	/* Memory-mapped reads would bypass decryption. */
	if (op == SQLITE_FCNTL_MMAP_SIZE && arg != NULL) {
		*(sqlite3_int64 *)arg = 0;
		return SQLITE_OK;
	}
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
vfile_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
vfile_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
vfile_shm_map(sqlite3_file *f, int pg, int pgsz, int extend,
    void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int
vfile_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void
vfile_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
vfile_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int
vfile_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
	(void)f;
	(void)off;
	(void)amt;
	*pp = NULL; /* never a pointer to ciphertext: SQLite reads instead */
	return SQLITE_OK;
}

static int
vfile_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	(void)f;
	(void)off;
	(void)p;
	return SQLITE_OK;
}

static const sqlite3_io_methods vfile_methods = {
	3, vfile_close, vfile_read, vfile_write, vfile_truncate, vfile_sync,
	vfile_size, vfile_lock, vfile_unlock, vfile_check_reserved,
	vfile_control, vfile_sector, vfile_device, vfile_shm_map,
	vfile_shm_lock, vfile_shm_barrier, vfile_shm_unmap, vfile_fetch,
	vfile_unfetch
};

static int
vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
    int *out_flags)
{
	struct sqlvfs *v = vfs->pAppData;
	struct vfile *f = (struct vfile *)file;
	int rc;

	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)(f + 1);
	f->v = v;
	if (flags & SQLITE_OPEN_MAIN_DB)
		f->kind = KIND_MAIN;
	else if (flags & SQLITE_OPEN_WAL)
		f->kind = KIND_WAL;
	else
		f->kind = KIND_JOURNAL; /* journals, temp and other files */
	f->page = sqlite3_malloc(SQLVFS_PAGE);
	if (f->page == NULL)
		return SQLITE_NOMEM;
	rc = v->root->xOpen(v->root, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		sqlite3_free(f->page);
		f->page = NULL;
		return rc;
	}
	file->pMethods = &vfile_methods;
	return SQLITE_OK;
}

int
sqlvfs_new(const unsigned char key[CRYPTO_KEY_LEN], const char *dbid,
    struct sqlvfs **vp, struct err *e)
{
	static unsigned counter;
	struct sqlvfs *v;
	int rc;

	*vp = NULL;
	if (strlen(dbid) > DBID_MAX)
		return err_set(e, DOSSIER_EINTERNAL, "database id too long");
	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return err_nomem(e);
	v->root = sqlite3_vfs_find(NULL);
	rc = v->root == NULL ? DOSSIER_EINTERNAL : key == NULL ? DOSSIER_OK :
	    crypto_aead_new(&v->aead, key);
	if (rc != DOSSIER_OK) {
		free(v);
		return err_set(e, rc, "cannot set up page encryption");
	}
	snprintf(v->dbid, sizeof(v->dbid), "%s", dbid);
	snprintf(v->name, sizeof(v->name), "dossier-%p-%u", (void *)v,
	    counter++);
	v->base = *v->root;
	v->base.iVersion = v->root->iVersion < 3 ? v->root->iVersion : 3;
	v->base.szOsFile = (int)sizeof(struct vfile) + v->root->szOsFile;
	v->base.pNext = NULL;
	v->base.zName = v->name;
	v->base.pAppData = v;
	v->base.xOpen = vfs_open;
	if (sqlite3_vfs_register(&v->base, 0) != SQLITE_OK) {
		crypto_aead_free(v->aead);
		free(v);
		return err_set(e, DOSSIER_EINTERNAL, "cannot register a VFS");
	}
	*vp = v;
	return DOSSIER_OK;
}

void
sqlvfs_free(struct sqlvfs *v)
{
	if (v == NULL)
		return;
	sqlite3_vfs_unregister(&v->base);
	crypto_aead_free(v->aead);
	free(v);
}

const char *
sqlvfs_name(const struct sqlvfs *v)
{
	return v->name;
}

int
sqlvfs_damaged(struct sqlvfs *v)
{
	int damaged = v != NULL && v->damaged;

	if (v != NULL)
		v->damaged = 0;
	return damaged;
}

int
sqlvfs_io_failed(struct sqlvfs *v)
{
	int failed = v != NULL && v->io_failed;

	if (v != NULL)
		v->io_failed = 0;
	return failed;
}

int
sqlvfs_prepare(sqlite3 *db, struct err *e)
{
	return sqlvfs_prepare_as(db, 1, e);
}

int
sqlvfs_prepare_as(sqlite3 *db, int encrypted, struct err *e)
{
	int reserve = SQLVFS_RESERVE, rc;
	char sql[160];

	/* A new database takes the page size and reserve before any write. */
	snprintf(sql, sizeof(sql), "PRAGMA page_size=%d; PRAGMA mmap_size=0;"
	    " PRAGMA temp_store=MEMORY;", SQLVFS_PAGE);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK && encrypted)
		rc = sqlite3_file_control(db, "main",
		    SQLITE_FCNTL_RESERVE_BYTES, &reserve);
	else
		reserve = 0;
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL;", NULL, NULL,
		    NULL);
	if (rc == SQLITE_OK && reserve != 0 && reserve != SQLVFS_RESERVE)
		return err_set(e, DOSSIER_ECORRUPT,
		    "database has %d reserved bytes a page, not %d", reserve,
		    SQLVFS_RESERVE);
	if (rc == SQLITE_IOERR_DATA || rc == SQLITE_CORRUPT ||
	    rc == SQLITE_NOTADB)
		return err_set(e, DOSSIER_ECORRUPT,
		    "database does not decrypt: wrong key or damaged page");
	if (rc != SQLITE_OK)
		return err_set(e, DOSSIER_EIO, "cannot set up database: %s",
		    sqlite3_errmsg(db));
	return DOSSIER_OK;
}

/* Reads page n of fd into page: 1 read, 0 past the end, -1 error. */
static int
read_page(int fd, sqlite3_int64 n, unsigned char *page)
{
	size_t got = 0;
	ssize_t r;

	while (got < SQLVFS_PAGE) {
		r = pread(fd, page + got, SQLVFS_PAGE - got,
		    (off_t)(n * SQLVFS_PAGE + (sqlite3_int64)got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return got == SQLVFS_PAGE ? 1 : got == 0 ? 0 : -2;
}

int
sqlvfs_scan(struct sqlvfs *v, const char *path, struct err *e)
{
	struct vfile f;
	unsigned char *page;
	sqlite3_int64 n;
	int fd, r, rc = DOSSIER_OK, tries;

	if (v->aead == NULL)
		return DOSSIER_OK;
	memset(&f, 0, sizeof(f));
	f.v = v;
	f.kind = KIND_MAIN;
	page = sqlite3_malloc(SQLVFS_PAGE);
	if (page == NULL)
		return err_nomem(e);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		sqlite3_free(page);
		return err_set(e, DOSSIER_EIO, "cannot open '%s': %s", path,
		    strerror(errno));
	}
	for (n = 0; rc == DOSSIER_OK; n++) {
		/* A page a checkpoint is writing may read torn: once more. */
		for (tries = 0; tries < 2; tries++) {
			r = read_page(fd, n, page);
			if (r != 1 || open_page(&f, page, n * SQLVFS_PAGE,
			    page) == SQLITE_OK)
				break;
		}
		if (r == 0)
			break;
		if (r == -1)
			rc = err_set(e, DOSSIER_EIO, "cannot read '%s': %s",
			    path, strerror(errno));
		else if (r == -2)
			rc = err_set(e, DOSSIER_ECORRUPT, "'%s' is damaged: it "
			    "ends inside a page", path);
		else if (tries == 2)
			rc = err_set(e, DOSSIER_ECORRUPT, "'%s' is damaged: page "
			    "%lld does not decrypt", path, (long long)n + 1);
	}
	/* The scan's own failures are reported here, not latched. */
	v->damaged = 0;
	close(fd);
	mem_wipe(page, SQLVFS_PAGE);
	sqlite3_free(page);
	return rc;
}
