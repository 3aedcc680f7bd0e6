/**
 * The cron library, pinned in one place: croner (no dependencies, time zones through `Intl`).
 * A full `npm:` specifier, because this code is reachable from `main.ts`, which other projects
 * import by URL (their import map, not ours, applies then).
 *
 * @module
 */

export { Cron } from "npm:croner@11.0.0";
