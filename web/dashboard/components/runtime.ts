/**
 * What a page needs from the side it runs on, as a Preact context: the API, the page's live
 * feed, and a way to move to another URL. The server render provides a static runtime (the
 * in-process API, no feed); the browser provides `fetch`, one `EventSource` per page, and
 * `location`.
 *
 * @module
 */

import { createContext, useContext, useEffect, useRef, useState } from "../_deps.ts";
import type { Api } from "./api.ts";
import type { Throughput } from "./types.ts";

/** One message of the live feed (`/api/events/stream` or a run's stream). */
export interface FeedMessage {
  /** `message` (an event), `run` (a run's new status), `end` (the run ended), `open`. */
  type: "message" | "run" | "end" | "open";
  /** The parsed data (`EventDetail` for `message`; `{ id, name, status }` for `run`). */
  data: Record<string, unknown>;
}

/** State of the live feed, shown in the header. */
export type FeedState = "static" | "connecting" | "live" | "reconnecting";

/** See the module doc.
 *
 * @ignore Its type is Preact's or is derived from the API's zod schemas, which the generated
 * docs do not cover; see the module's source.
 */
export interface Runtime {
  /** `true` in the browser (effects may run). */
  readonly browser: boolean;
  /** The HTTP API. */
  readonly api: Api;
  /**
   * Listens to the page's live feed.
   *
   * @param listener Receives every message.
   * @returns A function that stops listening.
   */
  subscribe(listener: (m: FeedMessage) => void): () => void;
  /**
   * Listens to the feed's state.
   *
   * @param listener Receives each new state.
   * @returns A function that stops listening.
   */
  onState(listener: (s: FeedState) => void): () => void;
  /**
   * Draws the throughput chart with the browser's chart library (uPlot) into `el`.
   *
   * @param el The container.
   * @param data Runs per minute.
   * @returns A function that removes the chart; `undefined` where there is no chart library.
   */
  mountChart?: (el: HTMLElement, data: Throughput) => () => void;
  /**
   * Goes to another page.
   *
   * @param href The URL.
   */
  navigate(href: string): void;
}

/**
 * A runtime with no feed (the server render).
 *
 * @param api The API.
 * @returns The runtime.
 */
export function staticRuntime(api: Api): Runtime {
  return {
    browser: false,
    api,
    subscribe: () => () => {},
    onState: () => () => {},
    navigate: () => {},
  };
}

/**
 * The runtime of the page being rendered.
 *
 * @ignore Its type is Preact's or is derived from the API's zod schemas, which the generated
 * docs do not cover; see the module's source.
 */
export const RuntimeContext = createContext<Runtime>(staticRuntime({
  get: () => Promise.reject(new Error("No API in this context")),
  post: () => Promise.reject(new Error("No API in this context")),
  postLines: () => Promise.reject(new Error("No API in this context")),
}));

/**
 * The current runtime.
 *
 * @returns The runtime.
 */
export function useRuntime(): Runtime {
  return useContext(RuntimeContext);
}

/** A page's live data, and a way to read it again at once. */
export interface Live<T> {
  /** The current data. */
  data: T;
  /**
   * Reads the data again now, after a change the feed does not announce (pausing a schedule).
   * A read that began before the call cannot overwrite what the new read brings: its result is
   * dropped, so a page never shows the state from before its own action.
   */
  refresh: () => void;
}

/**
 * Keeps a page's data current: reloads it (at most once per `minGapMs`) when the live feed
 * brings a message that `relevant` accepts, and once when the feed (re)connects. Nothing is
 * polled: without messages, nothing is read.
 *
 * @param initial The data the server rendered.
 * @param load Reads the data again through the API.
 * @param relevant Tells whether a message may change the data.
 * @param minGapMs Shortest time between two reloads.
 * @returns The current data and `refresh`.
 *
 * @ignore Its type is Preact's or is derived from the API's zod schemas, which the generated
 * docs do not cover; see the module's source.
 */
export function useLive<T>(
  initial: T,
  load: (api: Api) => Promise<T>,
  relevant: (m: FeedMessage) => boolean,
  minGapMs = 500,
): Live<T> {
  const rt = useRuntime();
  const [data, setData] = useState(initial);
  const loadRef = useRef(load);
  loadRef.current = load;
  const relevantRef = useRef(relevant);
  relevantRef.current = relevant;
  const refreshRef = useRef(() => {});
  useEffect(() => setData(initial), [initial]);
  useEffect(() => {
    if (!rt.browser) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let again = false;
    let last = 0;
    let stopped = false;
    // A refresh moves the generation on; a read keeps its result only if none came between.
    let generation = 0;
    const run = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      last = Date.now();
      const started = generation;
      try {
        const next = await loadRef.current(rt.api);
        if (!stopped && started === generation) setData(next);
      } catch {
        // The next message tries again; the page keeps what it shows.
      } finally {
        running = false;
        if (again && !stopped) {
          again = false;
          schedule();
        }
      }
    };
    const schedule = () => {
      if (timer !== undefined) return;
      const wait = Math.max(0, last + minGapMs - Date.now());
      timer = setTimeout(() => {
        timer = undefined;
        run();
      }, wait);
    };
    refreshRef.current = () => {
      generation++;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      run();
    };
    const unsubscribe = rt.subscribe((m) => {
      if (m.type === "open" || relevantRef.current(m)) schedule();
    });
    return () => {
      stopped = true;
      refreshRef.current = () => {};
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [rt, minGapMs]);
  return { data, refresh: () => refreshRef.current() };
}

/**
 * {@linkcode useLive}'s data alone, for a page whose actions the feed announces.
 *
 * @param initial The data the server rendered.
 * @param load Reads the data again through the API.
 * @param relevant Tells whether a message may change the data.
 * @param minGapMs Shortest time between two reloads.
 * @returns The current data.
 */
export function useLiveData<T>(
  initial: T,
  load: (api: Api) => Promise<T>,
  relevant: (m: FeedMessage) => boolean,
  minGapMs = 500,
): T {
  return useLive(initial, load, relevant, minGapMs).data;
}

/**
 * The state of the live feed.
 *
 * @returns `static` on the server, then the browser's feed state.
 */
export function useFeedState(): FeedState {
  const rt = useRuntime();
  const [state, setState] = useState<FeedState>("static");
  useEffect(() => rt.onState(setState), [rt]);
  return state;
}

/**
 * Tells whether the page is hydrated: `false` on the server and during hydration, `true` after.
 * Attributes that differ between the two (an enabled button) must come from this, since
 * hydration keeps the server's attributes.
 *
 * @returns `true` once hydrated.
 */
export function useHydrated(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  return ready;
}

/**
 * The current time for ages and durations: the page's `now` on the server and at hydration,
 * then the browser's clock, every second (a local tick that re-renders; nothing is fetched).
 *
 * @param pageNow The time the data was read (ms).
 * @returns The time to measure from.
 */
export function useNow(pageNow: number): number {
  const rt = useRuntime();
  const [now, setNow] = useState(pageNow);
  useEffect(() => setNow(pageNow), [pageNow]);
  useEffect(() => {
    if (!rt.browser) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [rt]);
  return Math.max(now, pageNow);
}
