/**
 * The Deno Deploy entry's parts (`web/deploy.ts` is the entry): its settings from the
 * environment, the loopback rule without a token, what an isolate holds of the database (a
 * reader that becomes the owner in place when the lease is free), and the handler that serves
 * the API and the dashboard and runs the cron tick.
 *
 * @module
 */

export { DEPLOY_DEFAULTS, type DeployConfig, readDeployConfig } from "./config.ts";
export { CRON_SETTLE_MS, DeployHandler, type DeployHandlerOptions } from "./deploy_handler.ts";
export { refuseRemote, type RemoteInfo } from "./loopback_guard.ts";
export { type Ownership, Standby, type StandbyOptions } from "./standby.ts";
export { SwitchingBackend } from "./switching_backend.ts";
