/**
 * The browser's runtime: the API over `fetch` (same origin, so the token cookie goes along),
 * one `EventSource` per page for the live feed (the browser resumes it with `Last-Event-ID`
 * after a drop), `location` for navigation, and uPlot for the chart.
 *
 * @module
 */

import {
  type Api,
  type FeedMessage,
  type FeedState,
  readAnswer,
  readLines,
  type Runtime,
} from "../components/mod.ts";
import { mountThroughput } from "./chart.ts";

function fetchApi(): Api {
  return {
    async get<T>(path: string): Promise<T> {
      return await readAnswer<T>(await fetch(path, { headers: { accept: "application/json" } }));
    },
    async post<T>(path: string, body: unknown): Promise<T> {
      return await readAnswer<T>(
        await fetch(path, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify(body),
        }),
      );
    },
    async postLines(path, body, onLine, signal) {
      const res = await fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/x-ndjson" },
        body: JSON.stringify(body),
        ...(signal === undefined ? {} : { signal }),
      });
      await readLines(res, onLine, signal);
    },
  };
}

/**
 * Makes the runtime of a page.
 *
 * @param feedUrl The page's live feed, or `null` for none.
 * @returns The runtime.
 */
export function browserRuntime(feedUrl: string | null): Runtime {
  const listeners = new Set<(m: FeedMessage) => void>();
  const stateListeners = new Set<(s: FeedState) => void>();
  let state: FeedState = "static";
  let source: EventSource | undefined;
  const setState = (s: FeedState) => {
    state = s;
    for (const l of stateListeners) l(s);
  };
  const emit = (m: FeedMessage) => {
    for (const l of [...listeners]) l(m);
  };
  const parse = (ev: MessageEvent) => {
    try {
      return JSON.parse(String(ev.data)) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  const open = () => {
    if (source !== undefined || feedUrl === null) return;
    const es = new EventSource(feedUrl);
    source = es;
    setState("connecting");
    es.onopen = () => {
      setState("live");
      emit({ type: "open", data: {} });
    };
    es.onerror = () => setState(es.readyState === EventSource.CLOSED ? "static" : "reconnecting");
    es.onmessage = (ev) => emit({ type: "message", data: parse(ev) });
    es.addEventListener("run", (ev) => emit({ type: "run", data: parse(ev as MessageEvent) }));
    es.addEventListener("end", (ev) => {
      emit({ type: "end", data: parse(ev as MessageEvent) });
      es.close();
      setState("static");
    });
  };
  addEventListener("pagehide", () => source?.close());
  return {
    browser: true,
    api: fetchApi(),
    subscribe(listener) {
      listeners.add(listener);
      open();
      return () => listeners.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },
    mountChart: mountThroughput,
    navigate(href) {
      location.assign(href);
    },
  };
}
