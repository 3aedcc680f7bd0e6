/** @jsxImportSource npm:preact@11.2.0 */
/**
 * Small shared pieces: status badges, cards, JSON blocks, pagers, empty and error notes.
 *
 * @module
 */

import type { ComponentChildren, VNode } from "../_deps.ts";
import { fmtAge, fmtTime } from "./format.ts";

/**
 * A run, task, log or event status as a coloured badge.
 *
 * @param props The status.
 * @returns The badge.
 */
export function Badge(props: { value: string; kind?: string }) {
  const v = props.value;
  return <span class={`badge ${props.kind ?? "status"}-${v.toLowerCase()}`}>{v}</span>;
}

/**
 * A time in UTC, with its age.
 *
 * @param props The time and the page's `now`.
 * @returns The element.
 */
export function Time(props: { iso: string | null | undefined; now: number; age?: boolean }) {
  if (props.iso === null || props.iso === undefined) return <span class="muted">-</span>;
  return (
    <time dateTime={props.iso} title={props.iso}>
      {fmtTime(props.iso)}
      {props.age === false ? null : <span class="age">{fmtAge(props.iso, props.now)}</span>}
    </time>
  );
}

/**
 * A figure with a label.
 *
 * @param props Label, value, note, tone and link.
 * @returns The card.
 */
export function Card(
  props: {
    label: string;
    value: ComponentChildren;
    note?: ComponentChildren;
    tone?: string;
    href?: string;
    id?: string;
  },
) {
  const body = (
    <>
      <div class="card-label">{props.label}</div>
      <div class="card-value">{props.value}</div>
      {props.note === undefined ? null : <div class="card-note">{props.note}</div>}
    </>
  );
  const cls = `card${props.tone === undefined ? "" : ` tone-${props.tone}`}`;
  return props.href === undefined
    ? <div class={cls} id={props.id}>{body}</div>
    : <a class={cls} href={props.href} id={props.id}>{body}</a>;
}

/**
 * A JSON value, pretty-printed.
 *
 * @param props The value.
 * @returns The block.
 */
export function JsonBlock(props: { value: unknown; id?: string }) {
  return <pre class="json" id={props.id}>{JSON.stringify(props.value ?? null, null, 2)}</pre>;
}

/**
 * A note for an empty list.
 *
 * @param props The text.
 * @returns The note.
 */
export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}

/**
 * An error note (a failed API call).
 *
 * @param props The message.
 * @returns The note.
 *
 * @ignore Its type is Preact's or is derived from the API's zod schemas, which the generated
 * docs do not cover; see the module's source.
 */
export function ErrorNote(props: { children: ComponentChildren }): VNode {
  return <p class="error-note" role="alert">{props.children}</p>;
}

/**
 * A section with a heading.
 *
 * @param props Title, extra heading content, children.
 * @returns The section.
 */
export function Section(
  props: {
    title: ComponentChildren;
    extra?: ComponentChildren;
    children: ComponentChildren;
    id?: string;
  },
) {
  return (
    <section class="panel" id={props.id}>
      <div class="panel-head">
        <h2>{props.title}</h2>
        {props.extra ?? null}
      </div>
      {props.children}
    </section>
  );
}

/**
 * Previous/next links for page-numbered lists.
 *
 * @param props Base URL, current page, page count, total, and the query parameter name.
 * @returns The pager, or nothing for a single page.
 */
export function Pager(
  props: { url: string; page: number; pages: number; total: number | null; param?: string },
) {
  if (props.pages <= 1) return null;
  const param = props.param ?? "page";
  const href = (p: number) => {
    const u = new URL(props.url, "http://x");
    u.searchParams.set(param, String(p));
    return `${u.pathname}${u.search}`;
  };
  return (
    <nav class="pager" aria-label="Pages">
      {props.page > 1 ? <a href={href(props.page - 1)} rel="prev">← Previous</a> : <span />}
      <span>
        Page {props.page} of {props.pages}
        {props.total === null ? null : ` (${props.total.toLocaleString("en-US")} in all)`}
      </span>
      {props.page < props.pages ? <a href={href(props.page + 1)} rel="next">Next →</a> : <span />}
    </nav>
  );
}
