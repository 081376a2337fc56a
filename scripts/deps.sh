#!/bin/sh
# Installs the Debian packages that building and testing dossier need.
# As root, missing packages are installed with apt-get; otherwise the
# missing ones are listed and the script fails.
set -eu

PACKAGES="make gcc clang libclang-rt-dev pkg-config
	libgcrypt20-dev libsqlite3-dev sqlite3 libzstd-dev zstd libarchive-dev
	libjson-c-dev libunistring-dev libcmocka-dev libmagic-dev libxml2-dev
	libpoppler-glib-dev poppler-data
	python3 zip unzip libarchive-tools
	restic gnupg bc time"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run 'make deps' as root, or: apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
