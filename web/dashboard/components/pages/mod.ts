/**
 * Every page of the dashboard, by id, and the paths they answer.
 *
 * @module
 */

import type { PageDef } from "../page.ts";
import { compare } from "./compare.tsx";
import { definition } from "./definition.tsx";
import { definitions } from "./definitions.tsx";
import { events } from "./events.tsx";
import { home } from "./home.tsx";
import { logs } from "./logs.tsx";
import { run } from "./run.tsx";
import { schedules } from "./schedules.tsx";
import { stats } from "./stats.tsx";
import { tasks } from "./tasks.tsx";
import { workflows } from "./workflows.tsx";

/** Pages by id. */
// deno-lint-ignore no-explicit-any
export const PAGES: Readonly<Record<string, PageDef<any>>> = {
  home,
  workflows,
  run,
  definitions,
  definition,
  schedules,
  tasks,
  events,
  logs,
  stats,
  compare,
};

/** Paths and the page each answers (`:id` and `:name` are path parameters). */
export const ROUTES: readonly (readonly [string, string])[] = [
  ["/", "home"],
  ["/workflows", "workflows"],
  ["/workflows/:id", "run"],
  ["/definitions", "definitions"],
  ["/definitions/:name", "definition"],
  ["/schedules", "schedules"],
  ["/tasks", "tasks"],
  ["/events", "events"],
  ["/logs", "logs"],
  ["/stats", "stats"],
  ["/compare", "compare"],
];
