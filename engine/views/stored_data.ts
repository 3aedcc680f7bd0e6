/**
 * The store's `DamagedData` as the engine's `StoredDataError`: what the reader, recovery and the
 * handles throw for a run whose stored data cannot be read.
 *
 * @module
 */

import { StoredDataError } from "../errors.ts";
import { DamagedData } from "../../store/mod.ts";

/**
 * Turns the store's error for unreadable data into a {@linkcode StoredDataError}; anything
 * else is returned as it is.
 *
 * @param error What was thrown.
 * @returns The error to throw.
 */
export function storedDataError(error: unknown): unknown {
  if (!(error instanceof DamagedData)) return error;
  return new StoredDataError(error.workflowId, error.part, error.problem, { cause: error });
}

/**
 * Awaits a read of one run, throwing a {@linkcode StoredDataError} when its data is unreadable.
 *
 * @param read The read.
 * @returns What it resolves to.
 * @throws {StoredDataError} When the run's stored data cannot be read.
 */
export async function readOfRun<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (e) {
    throw storedDataError(e);
  }
}
