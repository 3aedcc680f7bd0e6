/**
 * Whether a KV database has queues, so that the engine picks its durable wake-ups: KV queue
 * messages where it has them (a local file, `:memory:`), the polled timer index where it has none
 * (KV Connect: a database opened by URL, self-hosted denokv; Deno Deploy's database, opened with
 * no path). In that order: a database opened by URL has none; on Deno Deploy, one opened without
 * a path (or a handle whose path is not known) is the app's database, which has none; otherwise
 * a probe asks the database itself: an atomic operation whose check cannot succeed, with one
 * `enqueue`. A database with queues answers `ok: false` and writes nothing; KV Connect throws
 * "Enqueue operations are not supported in KV Connect" before anything is sent. Any other error
 * of the probe leaves queues on (what the engine always did).
 *
 * @module
 */

/** Why the engine uses or does not use KV queues (see {@linkcode detectQueues}). */
export interface QueueDetection {
  /** Whether the database has queues. */
  queues: boolean;
  /** Why this was decided, for diagnostics. */
  reason: string;
}

/** What {@linkcode detectQueues} looks at. */
export interface QueueProbeTarget {
  /** The open handle. */
  kv: Deno.Kv;
  /** The path or URL it was opened with; `undefined` when opened with no path or not known. */
  path: string | undefined;
  /** Whether this process runs on Deno Deploy. @default {@linkcode onDenoDeploy}() */
  deploy?: boolean;
}

/** The key the probe's check names; it is never written. */
export const PROBE_KEY: Deno.KvKey = ["meta", "queue_probe"];

/** A versionstamp no entry has (versionstamps start above zero), so the probe's check fails. */
const NO_VERSIONSTAMP = "00000000000000000000";

/**
 * Whether this process runs on Deno Deploy: it sets `DENO_DEPLOYMENT_ID` (and `DENO_DEPLOY`).
 * Without permission to read them (asked without a prompt), it does not.
 *
 * @returns `true` on Deno Deploy.
 */
export function onDenoDeploy(): boolean {
  for (const variable of ["DENO_DEPLOYMENT_ID", "DENO_DEPLOY"]) {
    try {
      if (Deno.permissions.querySync({ name: "env", variable }).state !== "granted") continue;
      if ((Deno.env.get(variable) ?? "") !== "") return true;
    } catch {
      // No permission API, or no access: not known to be Deploy.
    }
  }
  return false;
}

/**
 * Tells whether a KV database has queues (see the module doc).
 *
 * @param target The handle, its path, and whether this is Deno Deploy.
 * @returns Whether it has queues, and why.
 * @example
 * ```ts
 * import { detectQueues } from "./detect_queues.ts";
 * using kv = await Deno.openKv(":memory:");
 * const { queues } = await detectQueues({ kv, path: ":memory:", deploy: false });
 * console.assert(queues);
 * ```
 */
export async function detectQueues(target: QueueProbeTarget): Promise<QueueDetection> {
  const path = target.path;
  if (path !== undefined && /^https?:\/\//i.test(path)) {
    return { queues: false, reason: "a database opened by URL (KV Connect) has no queues" };
  }
  if (path === undefined && (target.deploy ?? onDenoDeploy())) {
    return { queues: false, reason: "the database of a Deno Deploy app has no queues" };
  }
  try {
    const op = target.kv.atomic()
      .check({ key: PROBE_KEY, versionstamp: NO_VERSIONSTAMP })
      .enqueue({ loom: "probe" });
    await op.commit();
    return { queues: true, reason: "the database takes queue messages" };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/not supported/i.test(message)) {
      return { queues: false, reason: `the database refuses queue messages: ${message}` };
    }
    return { queues: true, reason: `the queue probe failed (${message}): queues assumed` };
  }
}
