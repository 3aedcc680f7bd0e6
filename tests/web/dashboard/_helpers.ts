/**
 * Helpers of the dashboard tests: pages through `app.request()` over a real engine, and small
 * readers of the server-rendered HTML.
 *
 * @module
 */

import type { EngineOptions } from "../../../engine/mod.ts";
import type { HydrationPayload } from "../../../web/dashboard/mod.ts";
import type { AppOptions } from "../../../web/mod.ts";
import { type ApiFixture, apiFixture } from "../_helpers.ts";

/** A rendered page. */
export interface Rendered {
  /** HTTP status. */
  status: number;
  /** The HTML. */
  html: string;
  /** The hydration payload. */
  payload: HydrationPayload;
  /** The response headers. */
  headers: Headers;
}

/** An engine, the API, and the dashboard's pages. */
export interface DashboardFixture extends ApiFixture {
  /** Renders a page. */
  page(path: string, headers?: Record<string, string>): Promise<Rendered>;
}

/**
 * Reads the hydration payload of a page.
 *
 * @param html The page.
 * @returns The payload.
 */
export function payloadOf(html: string): HydrationPayload {
  const m = html.match(/<script type="application\/json" id="loom-page">(.*?)<\/script>/s);
  if (m === null) throw new Error("The page has no hydration payload");
  return JSON.parse(m[1] as string) as HydrationPayload;
}

/**
 * Makes the fixture.
 *
 * @param app Options of the app.
 * @param engine Options of the engine.
 * @returns The fixture.
 */
export async function dashboardFixture(
  app: AppOptions = {},
  engine: EngineOptions = {},
): Promise<DashboardFixture> {
  const api = await apiFixture(app, engine);
  return Object.assign(api, {
    async page(path: string, headers: Record<string, string> = {}): Promise<Rendered> {
      const res = await api.app.request(path, { headers });
      const html = await res.text();
      let payload = {} as HydrationPayload;
      if (html.includes('id="loom-page"')) payload = payloadOf(html);
      return { status: res.status, html, payload, headers: res.headers };
    },
  });
}

/**
 * The `data-status` of each graph node of a page (`data-node` → status).
 *
 * @param html The page.
 * @returns Status by node id.
 */
export function nodeStatuses(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (
    const m of html.matchAll(
      /<g [^>]*class="node node-(\w+) node-([\w-]+)"[^>]*data-node="([^"]+)"[^>]*data-status="([\w-]+)"/g,
    )
  ) {
    out[m[3] as string] = m[4] as string;
  }
  return out;
}

/**
 * The run ids of a run table.
 *
 * @param html The page.
 * @returns Ids, in order.
 */
export function runIds(html: string): string[] {
  return [...html.matchAll(/<tr[^>]* data-run="([^"]+)"/g)].map((m) => m[1] as string);
}

/**
 * Waits until a condition holds.
 *
 * @param what What is awaited (for the error).
 * @param check The condition.
 * @param timeoutMs Longest wait.
 */
export async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 5000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
