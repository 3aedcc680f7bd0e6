/**
 * The Deno Deploy entry: `deno serve -A web/deploy.ts` (locally too). Its default export serves
 * Loom's HTTP API and dashboard with an engine in the isolate (`workers: 0`) on `Deno.openKv()`
 * (no path: the app's database on Deploy) unless `LOOM_KV` names one, with the bundled examples
 * unless `LOOM_MODULES` names modules (comma-separated paths or URLs). Without `LOOM_TOKEN` it
 * answers only callers on this machine. It registers the cron tick `loom-tick` (every minute:
 * due timers, runs started elsewhere, the inbox, and the lease when it lapsed), here at the top
 * level, where Deploy finds it; only this entry registers it. Needs `"unstable": ["kv", "cron"]`
 * in `deno.json` (Loom's has them; Deploy takes no flags). SIGINT and SIGTERM (Deploy stops an
 * idle isolate with SIGINT, then kills it 5 s later) close the engine, which gives the lease up
 * at once.
 *
 * @module
 */

import { requireUnstableFeatures } from "../engine/mod.ts";
import { DeployHandler, readDeployConfig } from "./deploy/mod.ts";

requireUnstableFeatures();
if (typeof (Deno as { cron?: unknown }).cron !== "function") {
  throw new Error(
    'Loom\'s Deno Deploy entry needs Deno.cron, an unstable feature that is not enabled: add "cron" to "unstable" in deno.json (Loom\'s has it), or run deno with --unstable-cron',
  );
}

const handler = new DeployHandler(readDeployConfig((name) => Deno.env.get(name)));

Deno.cron("loom-tick", "* * * * *", () => handler.cronTick());

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  try {
    Deno.addSignalListener(signal, () => {
      if (stopping) return;
      stopping = true;
      handler.close().finally(() => Deno.exit(0));
    });
  } catch {
    // No such signal here (Windows has no SIGTERM listener): the default applies.
  }
}

export default {
  fetch: (request, info) => handler.fetch(request, info),
} satisfies Deno.ServeDefaultExport;
