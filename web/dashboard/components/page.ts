/**
 * What a dashboard page is: a loader that reads its data through the API (the same code on the
 * server and in the browser), a component that shows it, and the live feed it listens to.
 *
 * @module
 */

import type { ComponentType } from "../_deps.ts";
import type { Api } from "./api.ts";

/** What a loader gets besides the API. */
export interface LoadContext {
  /** The page's URL (path and query). */
  url: URL;
  /** Path parameters (`id`, `name`). */
  params: Record<string, string>;
}

/** What every page component receives. */
export interface PageProps<D> {
  /** The page's path and query. */
  url: string;
  /** Path parameters. */
  params: Record<string, string>;
  /** The loaded data. */
  data: D;
}

/** A page.
 *
 * @ignore Its type is Preact's or is derived from the API's zod schemas, which the generated
 * docs do not cover; see the module's source.
 */
export interface PageDef<D> {
  /** Name, used to find the page again in the browser. */
  id: string;
  /**
   * The page's title.
   *
   * @param data The loaded data.
   * @param params Path parameters.
   * @returns The title.
   */
  title(data: D, params: Record<string, string>): string;
  /**
   * Reads the page's data through the API.
   *
   * @param api The API.
   * @param ctx URL and path parameters.
   * @returns The data.
   */
  load(api: Api, ctx: LoadContext): Promise<D>;
  /** Shows the data. */
  Page: ComponentType<PageProps<D>>;
  /**
   * The live feed the page listens to.
   *
   * @param data The loaded data.
   * @param params Path parameters.
   * @returns `run` with the run's id and its last event id, or `all`.
   */
  feed(
    data: D,
    params: Record<string, string>,
  ): { kind: "all" } | { kind: "run"; id: string; after: number };
}

/**
 * Gives a page its type (an identity function, for inference).
 *
 * @param def The page.
 * @returns The same page.
 */
export function definePage<D>(def: PageDef<D>): PageDef<D> {
  return def;
}

/**
 * The loader of a page bound to its URL, for `useLiveData`.
 *
 * @param def The page.
 * @param props The page's props.
 * @returns A function that reloads the data.
 */
export function reloader<D>(def: PageDef<D>, props: PageProps<D>): (api: Api) => Promise<D> {
  return (api) =>
    def.load(api, { url: new URL(props.url, "http://localhost"), params: props.params });
}

/** What the browser reads back to hydrate a page. */
export interface HydrationPayload {
  /** Page id. */
  page: string;
  /** Path and query. */
  url: string;
  /** Path parameters. */
  params: Record<string, string>;
  /** The loaded data. */
  data: unknown;
  /** The live feed's URL, or `null` for none. */
  feed: string | null;
}
