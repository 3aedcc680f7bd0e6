/**
 * What the Deno Deploy entry (`web/deploy.ts`) runs with, read from the environment (Deploy
 * takes no command-line flags): the database (`LOOM_KV`), the workflow modules
 * (`LOOM_MODULES`), the API token (`LOOM_TOKEN`) and the poll interval
 * (`LOOM_POLL_INTERVAL_MS`).
 *
 * @module
 */

import { InvalidArgumentError } from "../../engine/mod.ts";
import { EXAMPLES_URL } from "../../examples/embed.ts";

/** The Deno Deploy entry's settings. */
export interface DeployConfig {
  /** Path or URL of the database; `undefined`: `Deno.openKv()` with no path (Deploy's own). */
  kvPath: string | undefined;
  /** Workflow modules (paths or URLs); the bundled examples when `LOOM_MODULES` names none. */
  modules: string[];
  /** The token every route but `/health` needs; without one, only loopback callers are answered. */
  token: string | undefined;
  /** How often an owner reads its inbox and timer index, and a reader's live feed reads KV (ms). */
  pollIntervalMs: number;
  /** Least time between two ticks that requests set off (ms). */
  tickIntervalMs: number;
  /** Lifetime of the owner lease without renewal (ms). */
  leaseTtlMs: number;
  /** How often the owner lease is renewed (ms). */
  leaseRenewMs: number;
  /** How long a stopping isolate lets running activities finish (ms; Deploy kills it after 5 s). */
  shutdownGraceMs: number;
}

/** Defaults of the settings that the environment does not set. */
export const DEPLOY_DEFAULTS = {
  pollIntervalMs: 1000,
  tickIntervalMs: 1000,
  leaseTtlMs: 3000,
  leaseRenewMs: 500,
  shutdownGraceMs: 2000,
} as const;

/**
 * Reads the settings.
 *
 * @param env Reads an environment variable (`Deno.env.get`).
 * @returns The settings.
 * @throws {InvalidArgumentError} When `LOOM_POLL_INTERVAL_MS` is not a whole number of at least 10.
 * @example
 * ```ts
 * import { readDeployConfig } from "./config.ts";
 * const config = readDeployConfig((name) => ({ LOOM_KV: "loom.kv", LOOM_MODULES: "a.ts, b.ts" })[name]);
 * console.assert(config.kvPath === "loom.kv" && config.modules.length === 2);
 * ```
 */
export function readDeployConfig(env: (name: string) => string | undefined): DeployConfig {
  const kv = env("LOOM_KV")?.trim();
  const modules = (env("LOOM_MODULES") ?? "").split(",").map((m) => m.trim()).filter((m) =>
    m !== ""
  );
  const token = env("LOOM_TOKEN");
  const poll = env("LOOM_POLL_INTERVAL_MS")?.trim();
  let pollIntervalMs: number = DEPLOY_DEFAULTS.pollIntervalMs;
  if (poll !== undefined && poll !== "") {
    pollIntervalMs = Number(poll);
    if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 10) {
      throw new InvalidArgumentError(
        `Invalid LOOM_POLL_INTERVAL_MS: "${poll}": it must be a whole number of milliseconds, at least 10`,
      );
    }
  }
  return {
    ...DEPLOY_DEFAULTS,
    kvPath: kv === undefined || kv === "" ? undefined : kv,
    modules: modules.length > 0 ? modules : [EXAMPLES_URL],
    token: token === undefined || token === "" ? undefined : token,
    pollIntervalMs,
  };
}
