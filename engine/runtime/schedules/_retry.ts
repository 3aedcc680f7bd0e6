/**
 * KV operations of the schedules API, tried again while SQLite's lock is held by another
 * writer (or the disk refuses for a moment), then refused as `StorageUnavailableError` (503).
 *
 * @module
 */

import { StorageUnavailableError } from "../../errors.ts";
import { isTransientStorageError } from "../../../store/mod.ts";

/** How long a transient refusal is tried again, in ms. */
const PATIENCE_MS = 2000;

/**
 * Runs a KV operation, again while it fails with a transient storage error.
 *
 * @param what What it does, for the message.
 * @param op The operation.
 * @returns What it returns.
 * @throws {StorageUnavailableError} When it still fails after a while.
 */
export async function retryTransient<T>(what: string, op: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + PATIENCE_MS;
  for (let wait = 5;; wait = Math.min(wait * 2, 200)) {
    try {
      return await op();
    } catch (e) {
      if (!isTransientStorageError(e)) throw e;
      if (Date.now() > deadline) {
        throw new StorageUnavailableError(
          `Cannot ${what}: the store refuses for now: ${(e as Error).message}`,
          1000,
          { cause: e },
        );
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
