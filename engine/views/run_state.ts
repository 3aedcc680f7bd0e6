/**
 * A run's state as its events leave it: what the API shows as `current_state` and `loom
 * inspect` as `state` while the run has no final result.
 *
 * @module
 */

/**
 * Rebuilds a run's state from its `STATE_SET` (one key) and `STATE_UPDATE` (the whole state)
 * events; other events, and payloads of another shape, are skipped.
 *
 * @param events The run's events, in order.
 * @returns The state.
 * @example
 * ```ts
 * import { stateFromEvents } from "./run_state.ts";
 *
 * const state = stateFromEvents([
 *   { type: "STATE_SET", payload: { key: "a", value: 1 } },
 *   { type: "STATE_UPDATE", payload: { state: { b: 2 } } },
 *   { type: "STATE_SET", payload: { key: "c", value: 3 } },
 * ]);
 * console.assert(JSON.stringify(state) === '{"b":2,"c":3}');
 * ```
 */
export function stateFromEvents(
  events: readonly { type: string; payload: unknown }[],
): Record<string, unknown> {
  let state: Record<string, unknown> = {};
  for (const e of events) {
    const p = (typeof e.payload === "object" && e.payload !== null ? e.payload : {}) as Record<
      string,
      unknown
    >;
    if (e.type === "STATE_SET" && typeof p.key === "string") {
      // An own property even for a key such as "__proto__".
      Object.defineProperty(state, p.key, {
        value: p.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else if (e.type === "STATE_UPDATE" && typeof p.state === "object") {
      state = { ...(p.state as Record<string, unknown>) };
    }
  }
  return state;
}
