/**
 * Where a command finds Loom: the KV file (`--kv`, `LOOM_KV`, `.loom/loom.kv`), the server
 * (`--url`, `LOOM_URL`) and its token (`--token`, `LOOM_TOKEN`); and opening the file to read.
 *
 * @module
 */

import { requireUnstableFeatures, SchemaVersionError } from "../engine/mod.ts";
import { KvStore, openKv, SchemaMismatch } from "../store/mod.ts";
import type { ParsedArgs } from "./args.ts";
import { CliError } from "./errors.ts";

/** The KV file used when neither `--kv` nor `LOOM_KV` is given. */
export const DEFAULT_KV_PATH = ".loom/loom.kv";

/** Where a command finds Loom. */
export interface Target {
  /** KV file. */
  kvPath: string;
  /** Server URL, when given. */
  url?: string;
  /** Bearer token, when given. */
  token?: string;
}

/**
 * Reads `--kv`, `--url` and `--token` (or their environment variables).
 *
 * @param args Parsed arguments of a command that has {@linkcode COMMON_OPTIONS}.
 * @returns The target.
 */
export function targetOf(args: ParsedArgs): Target {
  const target: Target = { kvPath: args.string("kv", DEFAULT_KV_PATH) };
  const url = args.string("url");
  if (url !== undefined) target.url = url.replace(/\/+$/, "");
  const token = args.string("token");
  if (token !== undefined) target.token = token;
  return target;
}

/**
 * Tells whether a KV path names a local file (not `:memory:` nor a KV Connect URL).
 *
 * @param kvPath KV path.
 * @returns `true` for a file.
 */
export function isLocalFile(kvPath: string): boolean {
  return kvPath !== ":memory:" && !/^https?:\/\//i.test(kvPath);
}

/**
 * Tells whether a file exists.
 *
 * @param path A path.
 * @returns `true` when it is there.
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * The error for a KV file that is not there.
 *
 * @param kvPath The path.
 * @returns The error.
 */
export function noDatabase(kvPath: string): CliError {
  return new CliError(
    `No Loom database at "${kvPath}": run "loom init", start "loom serve" or "loom worker", or pass --kv`,
  );
}

/**
 * Opens a KV file to read it (next to a running owner, if any: SQLite's WAL lets readers in).
 *
 * @param kvPath The file.
 * @returns The store; close it when done.
 * @throws {CliError} When the file does not exist or was written by a newer Loom.
 * @throws {MissingUnstableFeatureError} When Deno runs without `kv` enabled.
 */
export async function openReader(kvPath: string): Promise<KvStore> {
  requireUnstableFeatures();
  if (isLocalFile(kvPath) && !(await exists(kvPath))) throw noDatabase(kvPath);
  const store = new KvStore(await openKv(kvPath), kvPath);
  try {
    await store.ensureSchema();
  } catch (e) {
    store.close();
    if (e instanceof SchemaMismatch) throw new SchemaVersionError(e.message);
    throw e;
  }
  return store;
}
