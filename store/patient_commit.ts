/**
 * Commits that wait out SQLite's write lock. On one local file every process shares one writer:
 * an atomic operation meets `database is locked` while another process (an owner, a CLI,
 * `loom web`) writes, and succeeds a moment later.
 *
 * @module
 */

/** How long a commit keeps retrying while the file is locked (ms). */
export const LOCKED_RETRY_MS = 10_000;

/**
 * Whether an error is SQLite's `database is locked`.
 *
 * @param e The error.
 * @returns `true` when it is.
 */
export function isLocked(e: unknown): boolean {
  return String(e).includes("database is locked");
}

/**
 * Runs a write, again while the file is locked, for up to {@linkcode LOCKED_RETRY_MS}; other
 * errors (a full disk) are the caller's.
 *
 * @param write The write (an atomic operation's `commit`, a `set`, a `delete`).
 * @returns What it returned.
 * @throws The write's error when it is not the lock, or the lock outlasts the retries.
 */
export async function patiently<T>(write: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCKED_RETRY_MS;
  for (let attempt = 0;; attempt++) {
    try {
      return await write();
    } catch (e) {
      if (!isLocked(e) || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, Math.min(250, 10 * (attempt + 1))));
    }
  }
}

/**
 * Commits an atomic operation, again while the file is locked (see {@linkcode patiently}).
 *
 * @param op The operation.
 * @returns Its result (`ok: false` when a check failed).
 */
export function commitPatiently(
  op: Deno.AtomicOperation,
): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
  return patiently(() => op.commit());
}

/**
 * Opens a KV database, retrying while SQLite reports it locked.
 *
 * @param path File path, `:memory:`, a KV Connect URL, or `undefined` for the default.
 * @returns The handle.
 */
export async function openKv(path: string | undefined): Promise<Deno.Kv> {
  for (let attempt = 0;; attempt++) {
    try {
      return await Deno.openKv(path);
    } catch (e) {
      if (attempt >= 20 || !String(e).includes("locked")) throw e;
      await new Promise((r) => setTimeout(r, 25 * (attempt + 1)));
    }
  }
}
