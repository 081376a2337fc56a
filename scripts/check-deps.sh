#!/bin/sh
# Architecture rule (docs/ARCHITECTURE.md): each third-party header is
# included by its adapter file only, and the CLI uses the public header.
set -u
bad=0
check() { # header allowed-files-regex
	files=$(grep -rlE "#include <$1>" src include 2>/dev/null | grep -vE "$2" || true)
	if [ -n "$files" ]; then
		echo "check-deps: <$1> included outside its adapter: $files" >&2
		bad=1
	fi
}
check 'gcrypt\.h' '^src/crypto\.c$'
check 'archive\.h' '^src/archive_io\.c$'
check 'zstd\.h' '^src/store\.c$'
check 'sqlite3\.h' '^src/(catalog|catalog_policy|catalog_index|catalog_ring|catalog_upgrade|catalog_int|search|sqlvfs|tokenize)\.[ch]$'
check 'json-c/[a-z_]+\.h' '^src/(cli/json_out|docmeta|backup)\.c$'
for inc in $(grep -hoE '#include "[^"]+"' src/cli/*.c src/cli/*.h 2>/dev/null |
	sed 's/#include "\(.*\)"/\1/' | sort -u); do
	if [ "$inc" != dossier.h ] && [ ! -f "src/cli/$inc" ]; then
		echo "check-deps: src/cli includes a library internal: $inc" >&2
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "check-deps: ok"
exit $bad
