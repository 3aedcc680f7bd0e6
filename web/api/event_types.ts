/**
 * Event type filters: every stored type, plus the two names the reference's dashboard sends.
 * `STEP_COMPLETE` is `STEP_END`; `STEP_FAILED` is the `WORKFLOW_FAILED` event that names the
 * step whose code threw (a step that throws records no `STEP_END`: the run fails with that
 * step in the failure's `step` field). Answers keep the stored type names.
 *
 * @module
 */

import { EventType, type LoomReader } from "../../engine/mod.ts";
import type { EventFilter, StoredEvent } from "../../store/mod.ts";
import { z } from "../_deps.ts";
import { offsetMeta } from "./params.ts";
import { eventPage } from "./routes/_common.ts";

/** The reference dashboard's event type names, and what they select. */
export const EVENT_TYPE_ALIASES = {
  STEP_COMPLETE: EventType.StepEnd,
  STEP_FAILED: EventType.WorkflowFailed,
} as const;

/** The `type` query parameter of the event lists. */
export const EventTypeParam = z.enum(
  [...Object.values(EventType), ...Object.keys(EVENT_TYPE_ALIASES)] as [string, ...string[]],
).openapi({
  description: "An event type; `STEP_COMPLETE` (= `STEP_END`) and `STEP_FAILED` (the " +
    "`WORKFLOW_FAILED` of a step whose code threw) are accepted for the reference's dashboard",
});

/** A type filter read from the query. */
export interface TypeFilter {
  /** Stored types to select. */
  types: string[];
  /** Keep only the failures that name a step (`STEP_FAILED`). */
  stepFailures: boolean;
}

/**
 * Reads the `type` parameter.
 *
 * @param type The parameter, when given.
 * @returns The stored types to select, or `undefined` for all.
 */
export function typeFilter(type: string | undefined): TypeFilter | undefined {
  if (type === undefined) return undefined;
  const alias = EVENT_TYPE_ALIASES[type as keyof typeof EVENT_TYPE_ALIASES];
  return { types: [alias ?? type], stepFailures: type === "STEP_FAILED" };
}

function failedInStep(e: StoredEvent): boolean {
  const step = (e.payload as { step?: unknown } | null)?.step;
  return typeof step === "string" && step !== "";
}

/**
 * One page of events for a filter whose type may be an alias, with the total that matches.
 *
 * @param reader The reader.
 * @param filter What to match, without the type.
 * @param type The type filter.
 * @param paging Page (from 1), page size and order.
 * @returns The events and the offset paging metadata.
 */
export async function typedEventPage(
  reader: LoomReader,
  filter: EventFilter,
  type: TypeFilter | undefined,
  paging: { page: number; perPage: number; newestFirst: boolean },
) {
  const { page, perPage, newestFirst } = paging;
  const f: EventFilter = type === undefined ? filter : { ...filter, types: type.types };
  if (type?.stepFailures === true) {
    // A failure's step is in its payload, which no index holds: a type filter already reads
    // every matching event to count them, so this reads the same events and keeps those.
    const all = await reader.queryEvents(f, { newestFirst, limit: Number.MAX_SAFE_INTEGER });
    const kept = all.items.filter(failedInStep);
    return {
      items: kept.slice((page - 1) * perPage, page * perPage),
      meta: offsetMeta(page, perPage, kept.length),
    };
  }
  return await eventPage(reader, f, page, perPage, newestFirst);
}
