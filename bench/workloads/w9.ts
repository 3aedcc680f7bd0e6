/**
 * W9: the dashboard over a full store. 10,000 runs and 200,000 events are written through the
 * engine (9,000 completed runs of 8 activity calls, 500 failed, 500 waiting for a signal), then
 * every page is rendered on the server through `app.request()` (the same path a browser takes,
 * with the in-process API calls behind it): median and p99 per page.
 *
 * @module
 */

import { type Engine, EventType } from "../../engine/mod.ts";
import { createApp, engineBackend } from "../../web/mod.ts";
import { within } from "../env.ts";
import { DashBench } from "../flows.ts";
import { percentile } from "../stats.ts";
import type { MetricSpec, Workload } from "../workload.ts";

const COMPLETED = 9000;
const FAILED = 500;
const WAITING = 500;
const CALLS = 8;
const BATCH = 1000;
/** Timed renders of each page per round, at most. */
export const RENDERS = 30;
/** A page stops being rendered once its renders took this long (after at least 3). */
export const PAGE_BUDGET_MS = 8000;

/** The pages measured: metric key and path (`{run}`, `{failed}` are replaced). */
export const W9_PAGES: readonly (readonly [string, string])[] = [
  ["home", "/"],
  ["runs", "/workflows"],
  ["runsFailed", "/workflows?status=FAILED"],
  ["run", "/workflows/{run}"],
  ["runGraph", "/workflows/{run}?tab=graph"],
  ["definitions", "/definitions"],
  ["definition", "/definitions/bench_dash"],
  ["schedules", "/schedules"],
  ["tasks", "/tasks"],
  ["events", "/events"],
  ["logs", "/logs"],
  ["stats", "/stats"],
  ["compare", "/compare?a={run}&b={failed}"],
];

const metrics: MetricSpec[] = [
  { key: "runs", label: "runs stored", unit: "runs", kind: "count" },
  { key: "events", label: "events stored", unit: "events", kind: "count" },
  { key: "writeMs", label: "writing them through the engine", unit: "ms", kind: "time" },
  ...W9_PAGES.flatMap(([key, path]): MetricSpec[] => [
    { key: `${key}P50`, label: `${path} p50`, unit: "ms", kind: "time" },
    { key: `${key}P99`, label: `${path} p99`, unit: "ms", kind: "time" },
  ]),
  { key: "worstP50", label: "slowest page, p50", unit: "ms", kind: "time" },
  { key: "worstP99", label: "slowest page, p99", unit: "ms", kind: "time" },
];

/**
 * Writes W9's runs through an engine.
 *
 * @param engine The engine (with `bench/flows.ts` loaded).
 * @returns A completed run in the middle, and a failed one.
 */
export async function fillDashboardStore(
  engine: Engine,
): Promise<{ run: string; failed: string }> {
  let ended = 0;
  let waiting = 0;
  const unsubscribe = engine.subscribe((c) => {
    for (const e of c.events) {
      if (e.type === EventType.SignalWaiting) waiting++;
      else if (e.type === EventType.WorkflowCompleted || e.type === EventType.WorkflowFailed) {
        ended++;
      }
    }
  });
  try {
    const kinds = interleaved();
    for (let i = 0; i < kinds.length; i += BATCH) {
      const target = ended;
      const batch = kinds.slice(i, i + BATCH);
      await Promise.all(
        batch.map((input, j) =>
          engine.start(DashBench, input, { workflowId: `w9-${String(i + j).padStart(5, "0")}` })
        ),
      );
      const expect = batch.filter((k) => !("wait" in k)).length;
      await within(
        (async () => {
          while (ended < target + expect) await new Promise((r) => setTimeout(r, 10));
        })(),
        120_000,
        "W9's runs to end",
        () => `${ended} ended`,
      );
    }
    await within(
      (async () => {
        while (waiting < WAITING) await new Promise((r) => setTimeout(r, 10));
      })(),
      60_000,
      "W9's runs to wait",
    );
  } finally {
    unsubscribe();
  }
  const kinds = interleaved();
  const middle = kinds.findIndex((k, i) =>
    i >= kinds.length / 2 && k.fail === undefined && k.wait === undefined
  );
  const run = `w9-${String(middle).padStart(5, "0")}`;
  return { run, failed: await firstFailed(engine) };
}

/** The runs' inputs, mixed in a fixed order so that every page of the run list shows a mix. */
function interleaved(): { calls: number; fail?: boolean; wait?: boolean }[] {
  const kinds = [
    ...Array.from({ length: COMPLETED }, () => ({ calls: CALLS })),
    ...Array.from({ length: FAILED }, () => ({ calls: CALLS, fail: true })),
    ...Array.from({ length: WAITING }, () => ({ calls: CALLS, wait: true })),
  ];
  const key = (i: number) => Math.imul(i + 1, 2654435761) >>> 0;
  return kinds.map((k, i) => [key(i), k] as const).sort((a, b) => a[0] - b[0]).map(([, k]) => k);
}

async function firstFailed(engine: Engine): Promise<string> {
  const res = await createApp(engineBackend(engine)).request(
    "/api/workflows?status=FAILED&per_page=1",
  );
  const body = await res.json() as { data: { id: string }[] };
  return body.data[0]?.id ?? "";
}

/** W9. */
export const w9: Workload = {
  id: "W9",
  title: `dashboard: ${
    (COMPLETED + FAILED + WAITING).toLocaleString("en")
  } runs, ~210,000 events; server render per page`,
  metrics,
  note: () =>
    `W9: each page rendered up to ${RENDERS} times per round (fewer, at least 3, once a page has taken ${
      PAGE_BUDGET_MS / 1000
    } s) through app.request(), with the in-process API calls behind it, after one untimed render; the data is written once per round`,
  async run(env) {
    const engine = await env.engine();
    const t0 = performance.now();
    const ids = await fillDashboardStore(engine);
    const writeMs = performance.now() - t0;
    const counts = await engine.reader.lastIds();
    const app = createApp(engineBackend(engine));
    const out: Record<string, number> = {
      runs: COMPLETED + FAILED + WAITING,
      events: counts.event,
      writeMs,
    };
    let worst50 = 0;
    let worst99 = 0;
    for (const [key, template] of W9_PAGES) {
      const path = template.replace("{run}", ids.run).replace("{failed}", ids.failed);
      const times: number[] = [];
      let spent = 0;
      for (let i = 0; i <= RENDERS; i++) {
        if (times.length >= 3 && spent > PAGE_BUDGET_MS) break;
        const started = performance.now();
        const res = await app.request(path);
        const html = await res.text();
        const ms = performance.now() - started;
        if (res.status !== 200) {
          throw new Error(`W9: ${path} answered ${res.status}: ${html.slice(0, 200)}`);
        }
        if (i > 0) {
          times.push(ms);
          spent += ms;
        }
      }
      const p50 = percentile(times, 50);
      const p99 = percentile(times, 99);
      out[`${key}P50`] = p50;
      out[`${key}P99`] = p99;
      worst50 = Math.max(worst50, p50);
      worst99 = Math.max(worst99, p99);
      env.log(
        `W9 ${path}: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (${times.length} renders)`,
      );
    }
    out.worstP50 = worst50;
    out.worstP99 = worst99;
    return out;
  },
};
