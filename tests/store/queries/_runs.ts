/**
 * Runs in every status, written with their indexes, for the run query tests.
 *
 * @module
 */

import { keys, type WorkflowRecord } from "../../../store/mod.ts";

function record(id: string, name: string, status: string, createdAt: number): WorkflowRecord {
  return {
    id,
    name,
    version: "1.0.0",
    description: "",
    module: "",
    status,
    createdAt,
    updatedAt: createdAt,
    entries: 0,
    events: 0,
    input: { v: null },
    partition: 0,
    tasks: [],
  };
}

/** Writes runs with their indexes, as a transition that creates them does. */
async function seed(kv: Deno.Kv, runs: WorkflowRecord[]): Promise<void> {
  for (const r of runs) {
    await kv.atomic()
      .set(keys.workflow(r.id), r)
      .set(keys.byStatus(r.status, r.createdAt, r.id), null)
      .set(keys.byName(r.name, r.createdAt, r.id), null)
      .set(keys.byTime(r.createdAt, r.id), null)
      .commit();
  }
}

/**
 * Runs `fn` on an in-memory KV holding six runs: `a1`..`c2` of `order`, `billing`,
 * `billing-v2` and `Cleanup`, in every status.
 *
 * @param fn The test.
 */
export async function withRuns(fn: (kv: Deno.Kv) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    await seed(kv, [
      record("a1", "order", "COMPLETED", 1000),
      record("a2", "order", "RUNNING", 2000),
      record("b1", "billing", "FAILED", 3000),
      record("b2", "billing-v2", "RUNNING", 4000),
      record("c1", "order", "CANCELLED", 5000),
      record("c2", "Cleanup", "COMPLETED", 5000),
    ]);
    await fn(kv);
  } finally {
    kv.close();
  }
}
