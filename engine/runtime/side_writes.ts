/**
 * What a transition writes beside its history for run streams and hooks, as a pure function of
 * each event it records: the stream index (which history entry holds which values of a stream),
 * the hook index (created hooks by the SHA-256 of their token; called or closed ones removed),
 * and the effect that mints a requested hook's token once the transition has landed.
 *
 * @module
 */

import { EventType, type WorkflowEvent } from "../replay/events.ts";
import type { Transition } from "../../store/mod.ts";

/** Mint the token of a hook that `ctx.createHook()` asked for, and deliver `HOOK_CREATED`. */
export interface HookEffect {
  /** What to do. */
  kind: "hook";
  /** Seq of the call. */
  seq: number;
  /** Its timeout (ms), when it has one. */
  timeoutMs?: number;
}

/**
 * Adds the side writes of one recorded event to a transition.
 *
 * @param t The transition being built.
 * @param e The event.
 * @param r The history entry that holds it.
 * @param time The entry's time (ms).
 * @returns The effect it asks for once the transition has landed, if any.
 * @example
 * ```ts
 * import { sideWrites } from "./side_writes.ts";
 * import type { Transition } from "../../store/mod.ts";
 *
 * const t = { workflowId: "w" } as Transition;
 * sideWrites(t, { type: "STREAM_APPENDED", payload: { name: "s", index: 0, value: 1 } }, 3, 10);
 * console.assert(t.streams?.[0]?.r === 3);
 * ```
 */
export function sideWrites(
  t: Transition,
  e: WorkflowEvent,
  r: number,
  time: number,
): HookEffect | undefined {
  switch (e.type) {
    case EventType.StreamAppended: {
      const streams = t.streams ??= [];
      const { name, index } = e.payload;
      const open = streams.find((s) => s.name === name && s.r === r);
      if (open !== undefined && open.first + open.count === index) open.count++;
      else streams.push({ name, first: index, count: 1, r, time });
      return undefined;
    }
    case EventType.HookRequested: {
      const effect: HookEffect = { kind: "hook", seq: e.payload.seq };
      if (e.payload.timeout_ms !== undefined) effect.timeoutMs = e.payload.timeout_ms;
      return effect;
    }
    case EventType.HookCreated: {
      const p = e.payload;
      const hook = {
        tokenHash: p.token_hash,
        workflowId: t.workflowId,
        seq: p.seq,
        createdAt: time,
      };
      (t.hooksSet ??= []).push(
        p.expires_at_ms === undefined ? hook : { ...hook, expiresAt: p.expires_at_ms },
      );
      return undefined;
    }
    case EventType.HookReceived:
    case EventType.HookClosed: {
      const hash = e.payload.token_hash;
      // Created in this same transition: never written at all.
      const at = t.hooksSet?.findIndex((h) => h.tokenHash === hash) ?? -1;
      if (at >= 0) t.hooksSet?.splice(at, 1);
      else (t.hooksDelete ??= []).push(hash);
      return undefined;
    }
    default:
      return undefined;
  }
}
