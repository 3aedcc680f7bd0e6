/**
 * The npm packages of the dashboard that run on both sides (server render and browser), pinned
 * in one place with full `npm:` specifiers (this code is reachable from `main.ts`, which other
 * projects import by URL). The `.tsx` files name the same Preact version in their
 * `@jsxImportSource` pragma. Server-only and browser-only packages are in `server/_deps.ts` and
 * `client/_deps.ts`.
 *
 * @module
 */

export {
  type ComponentChildren,
  type ComponentType,
  createContext,
  hydrate,
  type JSX,
  type VNode,
} from "npm:preact@11.2.0";
export {
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "npm:preact@11.2.0/hooks";
export { default as dagre } from "npm:@dagrejs/dagre@3.1.3";

/** The Preact version of every `@jsxImportSource` pragma of the dashboard. */
export const PREACT_VERSION = "11.2.0";
