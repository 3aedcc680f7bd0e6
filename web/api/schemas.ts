/**
 * The zod schemas of the HTTP API: every request is validated with them, every response is
 * checked against them before it is sent, and the OpenAPI document is generated from them. The
 * shapes and field names are the reference's (`/api/*`), with Loom's additions.
 *
 * @module
 */

import { WORKFLOW_ID_RULE, workflowIdProblem } from "../../engine/mod.ts";
import { z } from "../_deps.ts";

/** An ISO 8601 UTC timestamp. */
export const Timestamp = z.string().openapi({
  format: "date-time",
  example: "2026-01-29T10:15:00.000Z",
});

/** Any JSON value. */
export const Json = z.unknown().openapi({ description: "Any JSON value" });

/** Workflow statuses, as stored. */
export const WorkflowStatusSchema = z.enum(["RUNNING", "COMPLETED", "FAILED", "CANCELLED"])
  .openapi("WorkflowStatus");

/** Workflow statuses accepted on input: also the reference's `CANCELED` spelling. */
export const StatusInput = z.enum(["RUNNING", "COMPLETED", "FAILED", "CANCELLED", "CANCELED"])
  .openapi({ description: "`CANCELED` is accepted as an alias of `CANCELLED`" });

/** Error body of every 4xx/5xx answer. */
export const ErrorBody = z.object({
  code: z.string().openapi({ example: "WORKFLOW_NOT_FOUND" }),
  message: z.string().openapi({ example: 'Workflow "abc" not found' }),
  name: z.string().optional().openapi({ description: "Class of the error, to rebuild it" }),
  details: z.record(z.string(), z.string()).optional(),
}).openapi("Error");

/** A serialized error (without stack traces). */
export const SerializedErrorSchema: z.ZodType<SerializedErrorShape> = z.lazy(() =>
  z.object({
    code: z.string().optional(),
    name: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.string()).optional(),
    cause: SerializedErrorSchema.optional(),
  })
).openapi("SerializedError");

/** The TypeScript shape of {@linkcode SerializedErrorSchema}. */
export interface SerializedErrorShape {
  /** Loom error code. */
  code?: string | undefined;
  /** Error class name. */
  name: string;
  /** Message. */
  message: string;
  /** Extra fields. */
  details?: Record<string, string> | undefined;
  /** Cause. */
  cause?: SerializedErrorShape | undefined;
}

/** Paging metadata of list answers. */
export const PageMeta = z.object({
  page: z.number().int().nullable(),
  per_page: z.number().int(),
  total: z.number().int().nullable().openapi({ description: "null in cursor mode" }),
  pages: z.number().int().nullable(),
  has_prev: z.boolean(),
  has_next: z.boolean(),
  next_cursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page" }),
  scanned: z.number().int().optional().openapi({
    description: "With `search`: runs examined for this page",
  }),
}).openapi("PageMeta");

/**
 * A page of items: `{ data, meta }`.
 *
 * @param item Schema of one item.
 * @param name Component name.
 * @returns The page schema.
 */
export function paged<T extends z.ZodType>(item: T, name: string) {
  return z.object({ data: z.array(item), meta: PageMeta }).openapi(name);
}

/** A run in a list. */
export const WorkflowSummary = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  status: WorkflowStatusSchema,
  created_at: Timestamp,
  updated_at: Timestamp,
  completed_at: Timestamp.nullable(),
  duration: z.number().int().nullable().openapi({ description: "Seconds, once ended" }),
  error_message: z.string().nullable(),
  event_count: z.number().int().openapi({ description: "Events in the run's history" }),
  matched_in: z.array(z.enum(["id", "input", "state", "logs", "error"])).optional().openapi({
    description: "With `search`: where the text was found",
  }),
}).openapi("WorkflowSummary");

/** A run with its input, state and error. */
export const WorkflowDetail = WorkflowSummary.extend({
  description: z.string(),
  module: z.string(),
  input: Json,
  current_state: z.record(z.string(), Json),
  error: SerializedErrorSchema.nullable(),
}).openapi("WorkflowDetail");

/** An event. */
export const EventSummary = z.object({
  id: z.number().int(),
  workflow_id: z.string(),
  type: z.string(),
  payload: Json,
  created_at: Timestamp,
}).openapi("EventSummary");

/** An event with its run's name and status. */
export const EventDetail = EventSummary.extend({
  workflow_name: z.string(),
  workflow_status: WorkflowStatusSchema,
}).openapi("EventDetail");

/** A task. */
export const Task = z.object({
  id: z.string(),
  workflow_id: z.string(),
  workflow_name: z.string(),
  kind: z.enum(["STEP", "ACTIVITY", "TIMER"]),
  target: z.string(),
  status: z.enum(["PENDING", "RUNNING", "COMPLETED", "FAILED"]),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  run_at: Timestamp,
  created_at: Timestamp,
  updated_at: Timestamp,
  last_error: z.string().nullable(),
}).openapi("Task");

/** A log entry. */
export const LogEntry = z.object({
  id: z.number().int(),
  workflow_id: z.string(),
  workflow_name: z.string(),
  level: z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]),
  message: z.string(),
  step: z.string().nullable(),
  created_at: Timestamp,
}).openapi("LogEntry");

/** A run id: the engine's rule (`workflowIdProblem`), checked wherever one comes in. */
export const WorkflowId = z.string().superRefine((id, ctx) => {
  const problem = workflowIdProblem(id);
  if (problem !== undefined) {
    ctx.addIssue({ code: "custom", message: `${problem}; an id is ${WORKFLOW_ID_RULE}` });
  }
});

/** Body of `POST /api/workflows`. */
export const StartRequest = z.object({
  name: z.string().min(1).openapi({ example: "OrderProcessing" }),
  version: z.string().min(1).optional(),
  input: Json.optional(),
  workflow_id: WorkflowId.optional().openapi({
    description:
      `Idempotency key: starting an id that exists returns that run (${WORKFLOW_ID_RULE})`,
  }),
  if_exists: z.enum(["return", "fail"]).optional().openapi({
    description: 'What to do when the id exists (default "return"; "fail" answers 409)',
  }),
}).strict().openapi("StartRequest");

/** Answer of `POST /api/workflows`. */
export const StartResponse = z.object({
  created: z.boolean(),
  workflow: WorkflowSummary,
}).openapi("StartResponse");

/** Body of `POST /api/workflows/{id}/signal`. */
export const SignalRequest = z.object({
  name: z.string().min(1),
  data: Json.optional(),
}).strict().openapi("SignalRequest");

/** Body of `POST /api/workflows/{id}/cancel`. */
export const CancelRequest = z.object({
  reason: z.string().optional(),
}).strict().openapi("CancelRequest");

/** Answer of signal and cancel. */
export const Accepted = z.object({
  workflow_id: z.string(),
  accepted: z.literal(true),
}).openapi("Accepted");

/** Answer of `POST /api/hooks/{token}`. */
export const HookAccepted = z.object({
  accepted: z.literal(true),
}).openapi("HookAccepted");

/** Answer of `GET /api/workflows/{id}/result`. */
export const ResultResponse = z.object({
  workflow_id: z.string(),
  status: WorkflowStatusSchema,
  done: z.boolean().openapi({ description: "false when the wait timed out" }),
  result: Json.optional(),
  error: SerializedErrorSchema.optional(),
}).openapi("Result");

/** A step of a definition. */
export const StepSchema = z.object({
  name: z.string(),
  function: z.string(),
  description: z.string(),
}).openapi("Step");

/** One version of a workflow definition. */
export const DefinitionVersion = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string(),
  latest: z.boolean(),
  steps: z.array(StepSchema),
}).openapi("DefinitionVersion");

/** A workflow definition with its versions. */
export const Definition = z.object({
  name: z.string(),
  description: z.string(),
  latest_version: z.string(),
  versions: z.array(DefinitionVersion),
}).openapi("Definition");

/** Counts of runs by status. */
export const WorkflowStats = z.object({
  total: z.number().int(),
  running: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  canceled: z.number().int().openapi({ description: "CANCELLED runs (the reference's name)" }),
  cancelled: z.number().int(),
}).openapi("WorkflowStats");

/** Counts of tasks by status. */
export const TaskStats = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  running: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
}).openapi("TaskStats");

/** Runs started and ended in one minute. */
export const MinuteStats = z.object({
  minute: Timestamp,
  started: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
}).openapi("MinuteStats");

/** Runs started and ended per minute over recent minutes. */
export const Throughput = z.object({
  window_minutes: z.number().int(),
  minutes: z.array(MinuteStats),
  completed_per_minute: z.number(),
}).openapi("Throughput");

/** What is in flight now. */
export const LiveStats = z.object({
  activities_running: z.number().int(),
  timers_scheduled: z.number().int(),
  timers_due: z.number().int(),
  source: z.enum(["owner", "reader"]),
}).openapi("LiveStats");

/** Everything `GET /api/stats` answers. */
export const SystemStats = z.object({
  workflows: WorkflowStats,
  tasks: TaskStats,
  events: z.number().int(),
  logs: z.number().int(),
  live: LiveStats,
  throughput: Throughput,
}).openapi("SystemStats");

/** `GET /api/stats/health`. */
export const HealthStats = z.object({
  status: z.enum(["healthy", "degraded", "unhealthy"]),
  active_workflows: z.number().int(),
  pending_tasks: z.number().int(),
  recent_errors: z.number().int(),
  failure_rate: z.number(),
  timestamp: Timestamp,
}).openapi("HealthStats");

/** `GET /health`. */
export const Health = z.object({
  status: z.literal("healthy"),
  timestamp: Timestamp,
}).openapi("Health");

/** `GET /health/ready`: whether this process can do its job. */
export const Readiness = z.object({
  status: z.enum(["ready", "not_ready"]),
  timestamp: Timestamp,
  role: z.enum(["owner", "reader"]),
  reason: z.string().nullable(),
  owner_id: z.string().nullable(),
  partitions: z.array(z.number().int()),
}).openapi("Readiness");

/** A process that holds (or just joined to hold) partitions of the file, oldest first. */
export const OwnerProcess = z.object({
  owner_id: z.string(),
  pid: z.number().int(),
  host: z.string(),
  since: Timestamp,
  partitions: z.array(z.number().int()),
}).openapi("OwnerProcess");

/** `GET /health/detailed`. */
export const DetailedHealth = z.object({
  status: z.enum(["healthy", "unhealthy"]),
  timestamp: Timestamp,
  errors: z.array(z.string()),
  readiness: Readiness,
  database: z.object({ status: z.string(), response_time_ms: z.number() }),
  workflows: z.object({ total: z.number().int(), active: z.number().int() }),
  tasks: z.object({ pending: z.number().int(), running: z.number().int() }),
  partition_count: z.number().int(),
  processes: z.array(OwnerProcess),
}).openapi("DetailedHealth");

/** `GET /api/stats/processes`: the processes that hold the file's partitions. */
export const Processes = z.object({
  partition_count: z.number().int(),
  /** The owner id of the process that answers, when it is one of them (`null`: a reader). */
  this_process: z.string().nullable(),
  processes: z.array(OwnerProcess),
}).openapi("Processes");

/** A node of a workflow graph. */
export const GraphNode = z.object({
  id: z.string(),
  type: z.enum(["step", "activity", "timer", "signal", "state"]),
  label: z.string(),
  metadata: z.record(z.string(), Json),
}).openapi("GraphNode");

/** An edge of a workflow graph. */
export const GraphEdge = z.object({
  from: z.string(),
  to: z.string(),
  type: z.enum(["sequence", "calls", "waits", "reads", "writes"]),
  label: z.string(),
}).openapi("GraphEdge");

/** A workflow graph. */
export const WorkflowGraph = z.object({
  nodes: z.array(GraphNode),
  edges: z.array(GraphEdge),
  metadata: z.object({
    workflow_name: z.string(),
    workflow_version: z.string(),
    workflow_description: z.string(),
    workflow_id: z.string().nullable(),
    source: z.enum(["definition", "definition+history"]),
  }),
}).openapi("WorkflowDefinitionGraph");

/** A rendered graph. */
export const RenderedGraph = z.object({
  format: z.enum(["mermaid", "dot", "json"]),
  content: z.string(),
  metadata: z.object({
    workflow_id: z.string().nullable(),
    workflow_name: z.string(),
    node_count: z.number().int(),
    edge_count: z.number().int(),
    workflow_version: z.string(),
    workflow_description: z.string(),
  }),
}).openapi("GraphRender");

/** `GET /api/graphs/workflows`. */
export const GraphWorkflowList = z.object({
  total_count: z.number().int(),
  workflows: z.array(z.object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    version: z.string(),
    module: z.string(),
    status: WorkflowStatusSchema,
    created_at: Timestamp,
    updated_at: Timestamp,
  })),
}).openapi("GraphWorkflowList");

/** A page of runs. */
export const WorkflowPage = paged(WorkflowSummary, "WorkflowPage");
/** A page of a run's events. */
export const EventPage = paged(EventSummary, "EventPage");
/** A page of events of all runs. */
export const EventDetailPage = paged(EventDetail, "EventDetailPage");
/** A page of log entries. */
export const LogPage = paged(LogEntry, "LogPage");
/** A page of tasks. */
export const TaskPage = paged(Task, "TaskPage");
