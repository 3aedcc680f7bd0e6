/**
 * Declaring workflows and activities: the decorators and their function forms, the registry
 * they fill, the activity context, and the process's default engine for `Workflow.start()`.
 * Knows nothing of the runtime or the store.
 *
 * @module
 */

export { activity, type ActivityOptions, DEFAULT_RETRY } from "./activity.ts";
export { type ActivityContext, activityContext, runInActivityContext } from "./activity_context.ts";
export { defaultEngine, setDefaultEngine, trackEngine } from "./default_engine.ts";
export { compareVersions, defaultRegistry, Registry } from "./registry.ts";
export {
  type DefinedWorkflow,
  defineWorkflow,
  type DefineWorkflowOptions,
  resolveWorkflow,
  step,
  type StepDecorator,
  type StepFunction,
  type StepOptions,
  Workflow,
  workflow,
  type WorkflowClass,
  type WorkflowDecorator,
  workflowDefinitionOf,
  type WorkflowOptions,
} from "./workflow.ts";
