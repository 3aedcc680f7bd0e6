/**
 * W11: run stream latency. One run waits until a reader follows its stream over HTTP (`GET
 * /api/workflows/{id}/streams/s`, SSE, on a real server on 127.0.0.1), then writes 200 values,
 * one per step (each lands in a transition of its own). A value's latency is the
 * moment the reader parses its message minus the moment its transition landed (the engine's
 * commit listener, `engine.subscribe`, in the same process and clock): p50, p99, max.
 *
 * @module
 */

import { EventType } from "../../engine/mod.ts";
import { engineBackend, readSse, startServer } from "../../web/mod.ts";
import { within } from "../env.ts";
import { GO_SIGNAL, StreamBench } from "../flows.ts";
import { percentile } from "../stats.ts";
import type { Workload } from "../workload.ts";

/** Values written per round. */
export const VALUES = 200;

/** W11. */
export const w11: Workload = {
  id: "W11",
  title: `1 run writing ${VALUES} stream values, one per step, read over SSE`,
  metrics: [
    { key: "p50Ms", label: "stream write → SSE reader p50", unit: "ms", kind: "time" },
    { key: "p99Ms", label: "stream write → SSE reader p99", unit: "ms", kind: "time" },
    { key: "maxMs", label: "stream write → SSE reader max", unit: "ms", kind: "time" },
  ],
  note: () =>
    "W11: write = its transition landed (engine.subscribe); read = the SSE client parsed it",
  async run(env) {
    const engine = await env.engine();
    await using server = await startServer(engineBackend(engine), { host: "127.0.0.1", port: 0 });
    const committed = new Map<number, number>();
    const read = new Map<number, number>();
    const workflowId = `w11-${env.round}`;
    const unsubscribe = engine.subscribe((change) => {
      if (change.workflowId !== workflowId) return;
      const now = performance.now();
      for (const e of change.events) {
        if (e.type === EventType.StreamAppended) {
          committed.set((e.payload as { index: number }).index, now);
        }
      }
    });
    try {
      // The run waits until the reader follows its stream: every value is read live.
      const handle = await engine.start(StreamBench, { values: VALUES }, { workflowId });
      const res = await fetch(`${server.url}/api/workflows/${workflowId}/streams/s`);
      const reading = (async () => {
        for await (const m of readSse(res.body as ReadableStream<Uint8Array>)) {
          if (m.event === "end") return;
          if (m.event === "message" && m.id !== undefined) {
            read.set(Number(m.id), performance.now());
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 100));
      await handle.signal(GO_SIGNAL, 1);
      await within(
        reading,
        120_000,
        "W11's reader to read every value",
        () => `${read.size} of ${VALUES} read`,
      );
      await handle.result();
    } finally {
      unsubscribe();
    }
    const latency: number[] = [];
    for (const [index, at] of read) {
      const landed = committed.get(index);
      if (landed !== undefined) latency.push(at - landed);
    }
    if (latency.length !== VALUES) {
      throw new Error(`W11: ${latency.length} of ${VALUES} values were read and seen landing`);
    }
    latency.sort((a, b) => a - b);
    return {
      p50Ms: percentile(latency, 50),
      p99Ms: percentile(latency, 99),
      maxMs: latency.at(-1) as number,
    };
  },
};
