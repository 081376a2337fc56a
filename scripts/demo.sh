#!/bin/sh
# make demo: a demo vault in build/demo-vault holding the documents of
# fixtures/demo/, then a listing.  The passphrase is printed: it is a demo.
set -eu
dossier=${1:-build/rel/dossier}
vault=build/demo-vault
pass='演示 demo passphrase 2026'

rm -rf "$vault"
export DOSSIER_VAULT="$vault" DOSSIER_USER=admin
export DOSSIER_NEW_PASSPHRASE="$pass" DOSSIER_PASSPHRASE="$pass"
echo "== demo vault: $vault (user: admin, passphrase: $pass)"
"$dossier" init "$vault" --admin admin
echo "== filing fixtures/demo/"
"$dossier" add fixtures/demo/购房合同-HT-2022-0315.txt --title 购房合同 \
	--category 合同 --tag 购房 --number HT-2022-0315 --date 2022-03-20 \
	--field customer=张三 --level confidential
"$dossier" add fixtures/demo/客户档案.csv --title 客户档案 --category 客户档案 \
	--tag 客户 --date 2023-01-08
"$dossier" add fixtures/demo/客户服务部岗位职责说明书.txt --category 公文 \
	--tag 岗位 --tag 职责 --level public
"$dossier" add fixtures/demo/维修服务记录.md --category 公文 --tag 维修 \
	--date 2023-03-31
echo "== list"
"$dossier" list
echo "== show 1"
"$dossier" show 1
echo "== verify --read-data"
"$dossier" verify --read-data
echo "== a clerk cleared for 内部 (internal) does not see the 秘密 contract"
onetime=$("$dossier" --json user add wang --role clerk --clearance internal |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["one_time_passphrase"])')
DOSSIER_USER=wang DOSSIER_PASSPHRASE="$onetime" \
	DOSSIER_NEW_PASSPHRASE='王的新口令 demo 2026' "$dossier" user passwd
DOSSIER_USER=wang DOSSIER_PASSPHRASE='王的新口令 demo 2026' "$dossier" list
echo "== search 合同"
"$dossier" search 合同
echo "== the audit log: every access, the clerk's included"
"$dossier" audit log --since "$(date -u +%Y-%m-%d)" | tail -n 8
"$dossier" audit verify
echo "== an encrypted backup, checked without keys, restored and verified"
backup=$(dirname "$DOSSIER_VAULT")/demo-backup.tar
restored=$(dirname "$DOSSIER_VAULT")/demo-restored
rm -rf "$backup" "$restored"
"$dossier" backup create "$backup"
"$dossier" backup verify --no-keys "$backup"
"$dossier" backup restore "$backup" --to "$restored"
