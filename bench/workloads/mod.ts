/**
 * The workloads of BENCH.md, by id, and S1 (schedule fire lateness).
 *
 * @module
 */

import type { WorkloadId } from "../flags.ts";
import type { Workload } from "../workload.ts";
import { w1 } from "./w1.ts";
import { w2 } from "./w2.ts";
import { w3 } from "./w3.ts";
import { w4 } from "./w4.ts";
import { w5 } from "./w5.ts";
import { w6 } from "./w6.ts";
import { w7 } from "./w7.ts";
import { w8 } from "./w8.ts";
import { w9 } from "./w9.ts";
import { s1 } from "./s1.ts";
import { w11 } from "./w11.ts";

/** Every workload, by id. */
export const WORKLOADS: Readonly<Record<WorkloadId, Workload>> = {
  W1: w1,
  W2: w2,
  W3: w3,
  W4: w4,
  W5: w5,
  W6: w6,
  W7: w7,
  W8: w8,
  W9: w9,
  S1: s1,
  W11: w11,
};
