/**
 * The pure, deterministic replay core: events in, commands (outbound events) out. Nothing here
 * touches a store, a clock or the network.
 *
 * @module
 */

export * from "./context.ts";
export * from "./definitions.ts";
export * from "./events.ts";
export * from "./history.ts";
export * from "./machine.ts";
export * from "./random.ts";
