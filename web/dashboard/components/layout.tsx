/** @jsxImportSource npm:preact@11.2.0 */
/**
 * The frame of every page: a skip link, the navigation, the live feed's state, and the page.
 *
 * @module
 */

import type { ComponentChildren, VNode } from "../_deps.ts";
import { useFeedState } from "./runtime.ts";

/** The navigation entries: path and label. */
export const NAV: readonly (readonly [string, string])[] = [
  ["/", "Overview"],
  ["/workflows", "Runs"],
  ["/definitions", "Definitions"],
  ["/schedules", "Schedules"],
  ["/tasks", "Tasks"],
  ["/events", "Events"],
  ["/logs", "Logs"],
  ["/stats", "Statistics"],
  ["/compare", "Compare"],
];

function current(path: string, href: string): boolean {
  if (href === "/") return path === "/";
  return path === href || path.startsWith(`${href}/`);
}

const FEED_TEXT = {
  static: "not live",
  connecting: "connecting",
  live: "live",
  reconnecting: "reconnecting",
} as const;

/**
 * The page frame.
 *
 * @param props The page's path, title, header actions and content.
 * @returns The frame.
 *
 * @ignore Its type is Preact's or is derived from the API's zod schemas, which the generated
 * docs do not cover; see the module's source.
 */
export function Layout(
  props: {
    path: string;
    title: ComponentChildren;
    actions?: ComponentChildren;
    children: ComponentChildren;
  },
): VNode {
  const feed = useFeedState();
  return (
    <div class="shell">
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <a class="brand" href="/">
          <span class="logo" aria-hidden="true">◇</span> Loom
        </a>
        <nav class="nav" aria-label="Dashboard">
          {NAV.map(([href, label]) => (
            <a href={href} aria-current={current(props.path, href) ? "page" : undefined}>{label}</a>
          ))}
          <a href="/docs">API docs</a>
        </nav>
        <span
          class={`feed feed-${feed}`}
          id="feed-state"
          title="Live updates over Server-Sent Events"
        >
          <span class="dot" aria-hidden="true" /> {FEED_TEXT[feed]}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <div class="page-head">
          <h1>{props.title}</h1>
          {props.actions === undefined ? null : <div class="page-actions">{props.actions}</div>}
        </div>
        {props.children}
      </main>
    </div>
  );
}
