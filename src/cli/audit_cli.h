/*
 * audit_cli.h: what the "audit" subcommands share (cmd_audit.c,
 * audit_report.c).
 */
#ifndef DOSSIER_CLI_AUDIT_H
#define DOSSIER_CLI_AUDIT_H

#include "cli.h"

extern const struct cli_cmd cmd_audit_report;

#endif
