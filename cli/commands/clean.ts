/**
 * `loom clean`: empties the KV file (after a backup), lists backups, or restores one. All of it
 * is refused while an owner holds the file.
 *
 * @module
 */

import {
  acquireAllLeases,
  countRecords,
  type KvStore,
  LeaseHeld,
  ownerProcesses,
  readPartitionCount,
  releaseLeases,
  wipeRecords,
} from "../../store/mod.ts";
import { COMMON_OPTIONS, JSON_OPTION, type ParsedArgs } from "../args.ts";
import { compact, listBackups, newBackupPath, snapshot, stageRestore } from "../backups.ts";
import { CliError, UsageError } from "../errors.ts";
import { kvFileSize } from "../file_size.ts";
import { formatBytes, formatTime } from "../format.ts";
import type { Io } from "../io.ts";
import type { BackupJson } from "../json_shapes.ts";
import { formatPairs, formatTable } from "../table.ts";
import { exists, isLocalFile, noDatabase, openReader, targetOf } from "../target.ts";
import type { Command } from "./command.ts";

/**
 * Asks a yes/no question on stderr and reads the answer from stdin.
 *
 * @param io Where to ask.
 * @param question The question.
 * @returns `true` for `yes` or `y` (any case); `false` for anything else or no answer.
 */
export async function confirm(io: Io, question: string): Promise<boolean> {
  io.writeErr(`${question} (yes/no): `);
  const answer = await io.readLine();
  if (!io.inIsTerminal) io.err(answer ?? "");
  return answer !== null && /^\s*(y|yes)\s*$/i.test(answer);
}

async function refuseIfOwned(store: KvStore, action: string): Promise<void> {
  const owners = await ownerProcesses(store.kv, await readPartitionCount(store.kv));
  const owner = owners.find((o) => o.partitions.length > 0);
  if (owner !== undefined) {
    const others = owners.length > 1 ? ` and ${owners.length - 1} more` : "";
    throw new CliError(
      `Cannot ${action}: KV file ${store.where} is owned by a running Loom process (pid ${owner.pid} on ${owner.host}${others}): stop it first`,
    );
  }
}

async function showBackups(kvPath: string, io: Io, json: boolean): Promise<number> {
  const backups = await listBackups(kvPath);
  if (json) {
    const out: BackupJson[] = backups.map((b) => ({
      path: b.path,
      kind: b.kind,
      bytes: b.bytes,
      modifiedAt: b.modifiedAt === null ? null : new Date(b.modifiedAt).toISOString(),
    }));
    io.out(JSON.stringify({ backups: out }, null, 2));
    return 0;
  }
  if (backups.length === 0) {
    io.out(io.style.yellow(`No backups found for ${kvPath}`));
    return 0;
  }
  const s = io.style;
  io.out(s.bold(`Backups of ${kvPath}:`));
  for (
    const line of formatTable(
      [
        { header: "File", value: (b) => b.path, color: (t) => s.cyan(t) },
        { header: "Kind", value: (b) => b.kind },
        { header: "Size", value: (b) => formatBytes(b.bytes), align: "right" },
        {
          header: "Modified",
          value: (b) => b.modifiedAt === null ? "-" : formatTime(b.modifiedAt),
        },
      ],
      backups,
      s,
    )
  ) io.out(line);
  return 0;
}

async function restore(kvPath: string, backup: string, io: Io, force: boolean): Promise<number> {
  if (!(await exists(backup))) throw new CliError(`Backup file "${backup}" not found`);
  if (await exists(kvPath)) {
    const store = await openReader(kvPath);
    try {
      await refuseIfOwned(store, "restore");
    } finally {
      store.close();
    }
  }
  const s = io.style;
  io.out(s.bold("Database Restore"));
  for (
    const line of formatPairs(
      [
        ["From", backup],
        ["To", kvPath],
        ["Size", formatBytes((await Deno.stat(backup)).size)],
      ],
      s,
      2,
    )
  ) io.out(line);
  if (!force && !(await confirm(io, `Replace ${kvPath} with this backup?`))) {
    io.out("Restore cancelled");
    return 1;
  }
  const staged = await stageRestore(backup, kvPath);
  try {
    if (await exists(kvPath)) {
      const safety = await newBackupPath(kvPath, "pre_restore");
      await snapshot(kvPath, safety);
      io.out(`Current database saved to ${s.cyan(safety)}`);
    }
  } catch (e) {
    await staged.discard();
    throw e;
  }
  await staged.commit();
  io.out(s.green("✓ Database restored successfully"));
  return 0;
}

async function clean(kvPath: string, io: Io, force: boolean, backup: boolean): Promise<number> {
  if (!(await exists(kvPath))) throw noDatabase(kvPath);
  const s = io.style;
  const store = await openReader(kvPath);
  let held;
  let before = 0;
  try {
    await refuseIfOwned(store, "clean");
    const counts = await countRecords(store.kv);
    const workflows = Object.values(counts.workflows).reduce((a, b) => a + b, 0);
    const tasks = Object.values(counts.tasks).reduce((a, b) => a + b, 0);
    before = await kvFileSize(kvPath) ?? 0;
    io.out(`${s.bold("Database:")} ${kvPath}`);
    for (
      const line of formatPairs(
        [
          ["Size", formatBytes(before)],
          ["Workflows", String(workflows)],
          ["Events", String(counts.events)],
          ["Tasks", String(tasks)],
          ["Log entries", String(counts.logs)],
        ],
        s,
        2,
      )
    ) io.out(line);
    if (workflows + counts.events + tasks + counts.logs + counts.inbox + counts.timers === 0) {
      io.out(s.green("Database is already empty"));
      return 0;
    }
    if (!force) {
      io.out();
      io.out(s.red(s.bold("WARNING: this permanently deletes:")));
      for (
        const item of [
          "every workflow run and its history (events, input, state, result)",
          "every task and timer",
          "every log entry",
          "every request waiting in the inbox",
        ]
      ) io.out(s.red(`  • ${item}`));
      if (!backup) io.out(s.red("  and no backup will be made (--no-backup)"));
      if (!(await confirm(io, "Are you sure you want to clean the database?"))) {
        io.out("Clean cancelled");
        return 1;
      }
    }
    if (backup) {
      const path = await newBackupPath(kvPath, "backup");
      await snapshot(kvPath, path);
      io.out(`Backup saved to ${s.cyan(path)}`);
    }
    // Hold every partition's lease while deleting, so that no owner starts on a half-empty
    // file.
    try {
      held = await acquireAllLeases(
        store.kv,
        {
          ownerId: `loom-clean-${crypto.randomUUID()}`,
          ttlMs: 60_000,
          renewMs: 1_000,
        },
        await readPartitionCount(store.kv),
        kvPath,
      );
    } catch (e) {
      if (e instanceof LeaseHeld) throw new CliError(`Cannot clean: ${e.message}`);
      throw e;
    }
    await wipeRecords(store.kv);
    await releaseLeases(store.kv, held);
    held = undefined;
  } finally {
    if (held !== undefined) await releaseLeases(store.kv, held).catch(() => {});
    store.close();
  }
  try {
    await compact(kvPath);
  } catch (e) {
    io.err(io.errStyle.yellow(`Could not compact ${kvPath}: ${(e as Error).message}`));
  }
  const after = await kvFileSize(kvPath) ?? 0;
  io.out(s.green("✓ Database cleaned successfully"));
  for (
    const line of formatPairs(
      [
        ["New size", formatBytes(after)],
        ["Freed", formatBytes(Math.max(0, before - after))],
      ],
      s,
      2,
    )
  ) io.out(line);
  return 0;
}

/** See the module doc. */
export const cleanCommand: Command = {
  spec: {
    name: "clean",
    summary: "Delete all workflow data (after a backup), list backups, or restore one",
    description: [
      "Backups sit next to the KV file: <file>.backup_YYYYmmdd_HHMMSS, and <file>.pre_restore_YYYYmmdd_HHMMSS (the file as it was before a restore). Refused while an owner (loom serve or loom worker) holds the file. Asks for confirmation unless --force.",
      'With --list-backups --json it prints {"backups": [{"path", "kind", "bytes", "modifiedAt"}]}, newest first.',
    ],
    options: {
      force: { type: "boolean", short: "f", help: "Do not ask for confirmation" },
      "no-backup": { type: "boolean", help: "Do not back the file up before cleaning it" },
      "list-backups": { type: "boolean", help: "List the backups of the KV file" },
      restore: { type: "string", value: "BACKUP", help: "Replace the KV file with a backup" },
      ...JSON_OPTION,
      ...COMMON_OPTIONS,
    },
    examples: [
      "loom clean",
      "loom clean --list-backups",
      "loom clean --restore .loom/loom.kv.backup_20260101_120000",
    ],
  },
  run(args: ParsedArgs, io: Io): Promise<number> {
    args.exclusive("list-backups", "restore");
    const { kvPath } = targetOf(args);
    if (!isLocalFile(kvPath)) {
      throw new UsageError(`"loom clean" works on a local KV file, not "${kvPath}"`, "clean");
    }
    if (args.flag("list-backups")) return showBackups(kvPath, io, args.flag("json"));
    const backup = args.string("restore");
    if (backup !== undefined) return restore(kvPath, backup, io, args.flag("force"));
    return clean(kvPath, io, args.flag("force"), !args.flag("no-backup"));
  },
};
