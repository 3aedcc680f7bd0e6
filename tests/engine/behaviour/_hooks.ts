/**
 * Helpers of the hook tests.
 *
 * @module
 */

import type { Engine } from "../../../engine/mod.ts";
import { until } from "../../_helpers.ts";

/** The value a run set under `key`, once it has. */
export async function stateValue(engine: Engine, id: string, key: string): Promise<string> {
  return (await until(async () => {
    for (const e of await engine.reader.eventsOf(id)) {
      const p = e.payload as { key?: string; value?: string };
      if (e.type === "STATE_SET" && p.key === key) return p.value as string;
    }
    return undefined;
  }, `state "${key}" of ${id}`)) as string;
}
