/**
 * The browser bundle's own npm package (pinned): uPlot draws the throughput chart once the page
 * is hydrated (it needs a DOM; the server draws the same data as an SVG).
 *
 * @module
 */

export { default as uPlot } from "npm:uplot@1.6.32";
