/**
 * JSON payloads: the only values Loom stores for users (inputs, state, arguments, results, signal
 * data). Anything else is refused where it is handed over, with the path of the offending field.
 *
 * @module
 */

import { InvalidPayloadError } from "./errors.ts";

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | {
  [key: string]: JsonValue;
};

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

function describe(value: unknown): string {
  if (value === undefined) return "it is undefined";
  if (typeof value === "number") return `it is the number ${value}, which JSON cannot represent`;
  if (typeof value === "bigint") return "it is a bigint; convert it to a string or number";
  if (typeof value === "function") return "it is a function";
  if (typeof value === "symbol") return "it is a symbol";
  if (value instanceof Date) return "it is a Date; pass date.toISOString() instead";
  if (value instanceof Map) return "it is a Map; pass Object.fromEntries(map) instead";
  if (value instanceof Set) return "it is a Set; pass [...set] instead";
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  return `it is an instance of ${ctor ?? "a class"}, not a plain object`;
}

/** Deepest nesting of arrays and objects accepted in a payload. */
export const MAX_JSON_DEPTH = 256;

function shortPath(path: string): string {
  return path.length <= 120 ? path : `${path.slice(0, 60)}…${path.slice(-40)}`;
}

function check(value: unknown, path: string, seen: Set<object>, depth = 0): void {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) throw new InvalidPayloadError(path, describe(value));
      return;
    case "object": {
      if (value === null) return;
      if (seen.has(value)) throw new InvalidPayloadError(path, "it refers to itself (a cycle)");
      if (depth >= MAX_JSON_DEPTH) {
        throw new InvalidPayloadError(
          shortPath(path),
          `it is nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`,
        );
      }
      seen.add(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value)) throw new InvalidPayloadError(`${path}[${i}]`, "it is a hole");
          check(value[i], `${path}[${i}]`, seen, depth + 1);
        }
      } else {
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          throw new InvalidPayloadError(path, describe(value));
        }
        for (const key of Object.keys(value)) {
          check((value as Record<string, unknown>)[key], `${path}.${key}`, seen, depth + 1);
        }
      }
      seen.delete(value);
      return;
    }
    default:
      throw new InvalidPayloadError(path, describe(value));
  }
}

/**
 * Checks that a value is JSON (finite numbers, plain objects, arrays without holes, no cycles,
 * nested at most {@linkcode MAX_JSON_DEPTH} levels).
 *
 * @param value The value to check.
 * @param path Name of the field, used in the error (`input`, `state.total`, ...).
 * @throws {InvalidPayloadError} Naming the first field that is not JSON.
 * @example
 * ```ts
 * import { assertJson } from "./json.ts";
 * assertJson({ a: [1, "x", null] }, "input");
 * ```
 */
export function assertJson(value: unknown, path: string): asserts value is JsonValue {
  check(value, path, new Set());
}

/**
 * Returns a deep copy of a JSON value, so that neither side can change the other's copy.
 *
 * @param value A JSON value.
 * @returns An equal, independent value.
 */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Validates and copies a payload in one call.
 *
 * @param value Value handed to Loom.
 * @param path Field name for the error.
 * @returns A deep copy.
 * @throws {InvalidPayloadError} When the value is not JSON.
 */
export function toJson(value: unknown, path: string): JsonValue {
  assertJson(value, path);
  return cloneJson(value);
}
