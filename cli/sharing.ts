/**
 * How a long-running command says whom it shares its KV file with.
 *
 * @module
 */

import type { EngineHealth } from "../engine/mod.ts";

/**
 * The part of the start-up line after "owns <file>": nothing when this process is alone, else how
 * many other processes share the file's partitions.
 *
 * @param health The engine's health right after it joined.
 * @returns `""`, or `" with N other process(es)"`.
 */
export function sharedWith(health: Pick<EngineHealth, "members">): string {
  const others = health.members - 1;
  if (others <= 0) return "";
  return ` with ${others} other process${others === 1 ? "" : "es"}`;
}
