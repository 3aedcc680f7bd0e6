import assert from "node:assert/strict";
import {
  buildTransition,
  failedOutput,
  MAX_OPEN_TASKS,
  type RunState,
} from "../../../engine/runtime/transition.ts";
import type { ActivationOutput } from "../../../engine/replay/machine.ts";
import type { WorkflowEvent } from "../../../engine/replay/events.ts";
import type { TaskRecord, WorkflowRecord } from "../../../store/mod.ts";

const T = 1_000;

function record(patch: Partial<WorkflowRecord> = {}): WorkflowRecord {
  return {
    id: "r1",
    name: "flow",
    version: "1",
    description: "",
    module: "",
    status: "RUNNING",
    createdAt: 0,
    updatedAt: 0,
    entries: 0,
    events: 0,
    input: { v: null },
    partition: 0,
    tasks: [],
    ...patch,
  };
}

function state(patch: Partial<RunState> = {}): RunState {
  return {
    record: record(),
    created: false,
    input: { x: 1 },
    stepTask: undefined,
    tasks: new Map(),
    timers: new Map(),
    retriesArmed: () => undefined,
    ...patch,
  };
}

function output(
  outbound: WorkflowEvent[],
  patch: Partial<ActivationOutput> = {},
): ActivationOutput {
  return {
    inbound: [],
    outbound,
    outboundSteps: outbound.map(() => "s"),
    logs: [],
    status: "RUNNING",
    ...patch,
  };
}

const scheduled: WorkflowEvent = {
  type: "ACTIVITY_SCHEDULED",
  payload: {
    seq: 1,
    name: "add",
    description: "",
    retry_count: 2,
    timeout_seconds: 60,
    func: "add",
    module: "",
    args: [1],
  },
};

function task(patch: Partial<TaskRecord>): TaskRecord {
  return {
    id: 5,
    workflowId: "r1",
    workflowName: "flow",
    kind: "ACTIVITY",
    target: "add",
    status: "RUNNING",
    attempts: 1,
    maxAttempts: 3,
    runAt: 500,
    createdAt: 500,
    updatedAt: 500,
    seq: 1,
    ...patch,
  };
}

Deno.test("buildTransition() records a new run's start: indexes, input, driver task, one entry", () => {
  const started: WorkflowEvent = {
    type: "WORKFLOW_STARTED",
    payload: { input: { x: 1 }, workflow_name: "flow", version: "1" },
  };
  const built = buildTransition(state({ created: true }), {
    infos: [],
    output: output([scheduled], { inbound: [started] }),
    time: T,
    ids: { event: 10, log: 3 },
  });
  const stepTask: TaskRecord = {
    id: 11,
    workflowId: "r1",
    workflowName: "flow",
    kind: "STEP",
    target: "flow",
    status: "RUNNING",
    attempts: 1,
    maxAttempts: 1,
    runAt: T,
    createdAt: T,
    updatedAt: T,
  };
  const activityTask = task({ id: 12, runAt: T, createdAt: T, updatedAt: T });
  const expected: WorkflowRecord = record({
    updatedAt: T,
    entries: 1,
    events: 2,
    tasks: [stepTask, activityTask],
  });
  assert.deepEqual(built, {
    transition: {
      workflowId: "r1",
      record: expected,
      created: true,
      input: { x: 1 },
      history: [{
        r: 0,
        kind: "activation",
        time: T,
        firstEventId: 11,
        events: [started, scheduled],
      }],
      finishedTasks: [],
      logs: [],
      timersSet: [],
      timersDelete: [],
      enqueue: [],
    },
    record: expected,
    tasks: new Map([[1, activityTask]]),
    stepTask,
    wakeups: [],
    effects: [{ kind: "dispatch", seq: 1, name: "add", args: [1] }],
    ids: { event: 12, log: 3 },
    terminal: false,
  });
});

Deno.test("buildTransition() closes a completed activity's task and disarms its retry wake-ups", () => {
  const open = task({});
  const completed: WorkflowEvent = {
    type: "ACTIVITY_COMPLETED",
    payload: { seq: 1, name: "add", result: 2, attempt: 2 },
  };
  const built = buildTransition(
    state({
      record: record({ entries: 3, events: 5, tasks: [open] }),
      tasks: new Map([[1, open]]),
      retriesArmed: (seq) => seq === 1 ? [700, 900] : undefined,
    }),
    { infos: [], output: output([], { inbound: [completed] }), time: T, ids: { event: 5, log: 0 } },
  );
  const closed = { ...open, status: "COMPLETED" as const, attempts: 2, updatedAt: T };
  assert.deepEqual(built.transition?.finishedTasks, [closed]);
  assert.deepEqual(built.transition?.history, [
    { r: 3, kind: "activation", time: T, firstEventId: 6, events: [completed] },
  ]);
  assert.deepEqual(built.record.tasks, []);
  assert.equal(built.record.tasksOmitted, undefined);
  assert.deepEqual(built.wakeups, [
    { op: "disarm", seq: 1, dueAt: 700 },
    { op: "disarm", seq: 1, dueAt: 900 },
  ]);
  assert.deepEqual(built.effects, [{ kind: "abort", seq: 1, cancel: false }]);
});

Deno.test("buildTransition() arms a timer and a retry, and records a retry as information", () => {
  const timer: WorkflowEvent = {
    type: "TIMER_SCHEDULED",
    payload: {
      seq: 2,
      timer_id: "r1:2",
      fire_at: new Date(5000).toISOString(),
      fire_at_ms: 5000,
      purpose: "sleep",
    },
  };
  const retrying: WorkflowEvent = {
    type: "ACTIVITY_RETRYING",
    payload: {
      seq: 1,
      name: "add",
      attempt: 1,
      error: "boom",
      next_attempt_at: new Date(2000).toISOString(),
      next_attempt_at_ms: 2000,
    },
  };
  const open = task({});
  const built = buildTransition(state({ tasks: new Map([[1, open]]) }), {
    infos: [retrying],
    output: output([timer]),
    time: T,
    ids: { event: 0, log: 0 },
  });
  assert.deepEqual(built.transition?.history.map((h) => [h.kind, h.firstEventId]), [
    ["info", 1],
    ["activation", 2],
  ]);
  assert.deepEqual(built.wakeups, [
    { op: "arm", seq: 1, dueAt: 2000 },
    { op: "arm", seq: 2, dueAt: 5000 },
  ]);
  assert.deepEqual(built.effects, [
    { kind: "retry", seq: 1, at: 2000 },
    { kind: "timer", seq: 2, at: 5000 },
  ]);
  assert.deepEqual(
    built.record.tasks.map((t) => [t.seq, t.kind, t.status, t.runAt]),
    [[1, "ACTIVITY", "PENDING", 2000], [2, "TIMER", "PENDING", 5000]],
  );
});

Deno.test("buildTransition() ends a run: status index move, result, error, finished driver task", () => {
  const stepTask = task({ id: 1, kind: "STEP", target: "flow", maxAttempts: 1 });
  delete stepTask.seq;
  const error = { name: "Error", message: "bad", code: "X" };
  const failed: WorkflowEvent = {
    type: "WORKFLOW_FAILED",
    payload: { error: "bad", error_detail: error, failed_at: new Date(T).toISOString() },
  };
  const built = buildTransition(state({ stepTask }), {
    infos: [],
    output: output([failed], {
      status: "FAILED",
      state: { n: 1 },
      error,
      logs: [{ level: "ERROR", message: "it broke", time: 900, step: "s" }],
    }),
    time: T,
    ids: { event: 0, log: 7 },
  });
  const t = built.transition;
  assert.equal(built.terminal, true);
  assert.equal(t?.previousStatus, "RUNNING");
  assert.equal(t?.record.status, "FAILED");
  assert.equal(t?.record.completedAt, T);
  assert.deepEqual(t?.record.error, error);
  assert.deepEqual(t?.result, { n: 1 });
  assert.deepEqual(t?.finishedTasks, [
    { ...stepTask, status: "FAILED", updatedAt: T, lastError: "bad" },
  ]);
  assert.deepEqual(t?.logs, [{
    id: 8,
    workflowId: "r1",
    workflowName: "flow",
    level: "ERROR",
    message: "it broke",
    createdAt: 900,
    step: "s",
  }, {
    // The failure itself, as an ERROR line in the transition that fails the run.
    id: 9,
    workflowId: "r1",
    workflowName: "flow",
    level: "ERROR",
    message: "Workflow failed: Error: bad",
    createdAt: T,
  }]);
  assert.equal(built.stepTask, undefined);
  assert.deepEqual(built.ids, { event: 1, log: 9 });
});

Deno.test("buildTransition() records nothing for an activation that made no event and no log", () => {
  const before = state();
  const built = buildTransition(before, {
    infos: [],
    output: output([]),
    time: T,
    ids: { event: 4, log: 2 },
  });
  assert.equal(built.transition, undefined);
  assert.equal(built.terminal, false);
  assert.deepEqual(built.ids, { event: 4, log: 2 });
  assert.deepEqual(before.record, record(), "the run's record is not changed");
});

Deno.test("buildTransition() lists at most MAX_OPEN_TASKS open tasks and counts the rest", () => {
  const tasks = new Map<number, TaskRecord>();
  for (let seq = 1; seq <= MAX_OPEN_TASKS + 5; seq++) tasks.set(seq, task({ id: seq, seq }));
  const completed: WorkflowEvent = {
    type: "ACTIVITY_COMPLETED",
    payload: { seq: 3, name: "add", result: 1, attempt: 1 },
  };
  const built = buildTransition(state({ tasks }), {
    infos: [],
    output: output([], { inbound: [completed] }),
    time: T,
    ids: { event: 0, log: 0 },
  });
  assert.equal(built.record.tasks.length, MAX_OPEN_TASKS);
  assert.equal(built.record.tasksOmitted, 4);
  assert.ok(!built.record.tasks.some((t) => t.seq === 3), "the finished task left the list");
  assert.equal(tasks.get(3)?.status, "RUNNING", "the run's own tasks are not changed");
});

Deno.test("failedOutput() records the resolutions and fails the run with the error", () => {
  const signal: WorkflowEvent = {
    type: "SIGNAL_RECEIVED",
    payload: { name: "go", payload: 1, sent_at: new Date(0).toISOString() },
  };
  const error = { name: "StorageError", message: "no", code: "STORAGE" };
  assert.deepEqual(failedOutput([signal], error, T), {
    inbound: [signal],
    outbound: [{
      type: "WORKFLOW_FAILED",
      payload: { error: "no", error_detail: error, failed_at: new Date(T).toISOString() },
    }],
    outboundSteps: [undefined],
    logs: [],
    status: "FAILED",
    error,
  });
});
