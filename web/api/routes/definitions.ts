/**
 * Workflow definitions known to this process (`registry.listWorkflows()`), with their steps and
 * versions, and their graphs: `/api/definitions`, `/api/graphs/*`.
 *
 * @module
 */

import {
  buildGraph,
  compareVersions,
  type LoomReader,
  type Registry,
  renderGraph,
  type WorkflowDefinition,
  type WorkflowGraph as Graph,
} from "../../../engine/mod.ts";
import { createRoute, z } from "../../_deps.ts";
import type { ApiBackend } from "../../backend.ts";
import { reply, type RouteDeps, type RoutesApp } from "../context.ts";
import {
  Definition,
  DefinitionVersion,
  GraphWorkflowList,
  RenderedGraph,
  WorkflowGraph,
} from "../schemas.ts";
import { iso } from "../shapes.ts";
import { errorResponses, IdParams, jsonResponse, recordOf } from "./_common.ts";

/** Most runs listed by `GET /api/graphs/workflows`. */
export const GRAPH_LIST_LIMIT = 1000;

const NameParams = z.object({
  name: z.string().min(1).openapi({
    param: { name: "name", in: "path" },
    example: "OrderProcessing",
  }),
});
const VersionQuery = z.object({ version: z.string().min(1).optional() });
const FormatQuery = z.object({ format: z.enum(["mermaid", "dot", "json"]).default("mermaid") });

const DefinitionList = z.object({
  total_count: z.number().int(),
  definitions: z.array(Definition),
}).openapi("DefinitionList");

const list = createRoute({
  method: "get",
  path: "/api/definitions",
  tags: ["Definitions"],
  summary: "Workflow definitions known to this process, with steps and versions",
  responses: { 200: jsonResponse(DefinitionList, "The definitions"), ...errorResponses() },
});

const one = createRoute({
  method: "get",
  path: "/api/definitions/{name}",
  tags: ["Definitions"],
  summary: "One version of a definition (the newest by default)",
  request: { params: NameParams, query: VersionQuery },
  responses: { 200: jsonResponse(DefinitionVersion, "The definition"), ...errorResponses(404) },
});

const graphList = createRoute({
  method: "get",
  path: "/api/graphs/workflows",
  tags: ["Graphs"],
  summary: "Runs that have a graph (newest first, at most 1000)",
  responses: { 200: jsonResponse(GraphWorkflowList, "Runs"), ...errorResponses() },
});

const runGraph = createRoute({
  method: "get",
  path: "/api/graphs/workflow/{id}/definition",
  tags: ["Graphs"],
  summary: "Graph of a run: its definition's steps and what its history shows",
  request: { params: IdParams },
  responses: { 200: jsonResponse(WorkflowGraph, "The graph"), ...errorResponses(404) },
});

const runGraphRender = createRoute({
  method: "get",
  path: "/api/graphs/workflow/{id}/definition/render",
  tags: ["Graphs"],
  summary: "Graph of a run as Mermaid, DOT or JSON",
  request: { params: IdParams, query: FormatQuery },
  responses: { 200: jsonResponse(RenderedGraph, "The graph"), ...errorResponses(400, 404) },
});

const defGraph = createRoute({
  method: "get",
  path: "/api/graphs/definitions/{name}",
  tags: ["Graphs"],
  summary: "Graph of a definition's steps",
  request: { params: NameParams, query: VersionQuery },
  responses: { 200: jsonResponse(WorkflowGraph, "The graph"), ...errorResponses(404) },
});

const defGraphRender = createRoute({
  method: "get",
  path: "/api/graphs/definitions/{name}/render",
  tags: ["Graphs"],
  summary: "Graph of a definition as Mermaid, DOT or JSON",
  request: { params: NameParams, query: VersionQuery.extend(FormatQuery.shape) },
  responses: { 200: jsonResponse(RenderedGraph, "The graph"), ...errorResponses(400, 404) },
});

function version(def: WorkflowDefinition, latest: boolean) {
  return {
    name: def.name,
    version: def.version,
    description: def.description,
    latest,
    steps: def.steps.map((s) => ({ name: s.name, function: s.fn, description: s.description })),
  };
}

/**
 * Groups a registry's definitions by name, versions oldest first.
 *
 * @param registry The registry.
 * @returns One entry per name.
 */
export function listDefinitions(registry: Registry): z.input<typeof Definition>[] {
  const byName = new Map<string, WorkflowDefinition[]>();
  for (const def of registry.listWorkflows()) {
    byName.set(def.name, [...(byName.get(def.name) ?? []), def]);
  }
  return [...byName.entries()].map(([name, defs]) => {
    const sorted = [...defs].sort((a, b) => compareVersions(a.version, b.version));
    const newest = sorted.at(-1) as WorkflowDefinition;
    return {
      name,
      description: newest.description,
      latest_version: newest.version,
      versions: sorted.map((d) => version(d, d === newest)),
    };
  });
}

async function graphOfRun(backend: ApiBackend, id: string): Promise<Graph> {
  const record = await recordOf(backend.reader, id);
  const def = backend.registry.getWorkflow(record.name, record.version);
  return buildGraph(def, { id, events: await backend.reader.eventsOf(id) });
}

function rendered(graph: Graph, format: "mermaid" | "dot" | "json") {
  return {
    format,
    content: renderGraph(graph, format),
    metadata: {
      workflow_id: graph.metadata.workflow_id,
      workflow_name: graph.metadata.workflow_name,
      node_count: graph.nodes.length,
      edge_count: graph.edges.length,
      workflow_version: graph.metadata.workflow_version,
      workflow_description: graph.metadata.workflow_description,
    },
  };
}

function listRoute(app: RoutesApp, registry: Registry): void {
  app.openapi(list, (c) => {
    const definitions = listDefinitions(registry);
    return reply(c, DefinitionList, { total_count: definitions.length, definitions }, 200);
  });
}

function oneRoute(app: RoutesApp, registry: Registry): void {
  app.openapi(one, (c) => {
    const { name } = c.req.valid("param");
    const { version: v } = c.req.valid("query");
    const def = registry.getWorkflow(name, v);
    const newest = registry.getWorkflow(name);
    return reply(c, DefinitionVersion, version(def, def === newest), 200);
  });
}

function graphListRoute(app: RoutesApp, reader: LoomReader): void {
  app.openapi(graphList, async (c) => {
    const [page, total] = await Promise.all([
      reader.queryRuns({}, { limit: GRAPH_LIST_LIMIT }),
      reader.countRuns({}),
    ]);
    return reply(c, GraphWorkflowList, {
      total_count: total,
      workflows: page.items.map((r) => ({
        id: r.id,
        name: r.name,
        description: r.description,
        version: r.version,
        module: r.module,
        status: r.status as "RUNNING",
        created_at: iso(r.createdAt),
        updated_at: iso(r.updatedAt),
      })),
    }, 200);
  });
}

function runGraphRoutes(app: RoutesApp, backend: ApiBackend): void {
  app.openapi(runGraph, async (c) => {
    const { id } = c.req.valid("param");
    return reply(c, WorkflowGraph, await graphOfRun(backend, id), 200);
  });
  app.openapi(runGraphRender, async (c) => {
    const { id } = c.req.valid("param");
    const { format } = c.req.valid("query");
    return reply(c, RenderedGraph, rendered(await graphOfRun(backend, id), format), 200);
  });
}

function defGraphRoutes(app: RoutesApp, registry: Registry): void {
  app.openapi(defGraph, (c) => {
    const { name } = c.req.valid("param");
    const { version: v } = c.req.valid("query");
    return reply(c, WorkflowGraph, buildGraph(registry.getWorkflow(name, v)), 200);
  });
  app.openapi(defGraphRender, (c) => {
    const { name } = c.req.valid("param");
    const { version: v, format } = c.req.valid("query");
    return reply(
      c,
      RenderedGraph,
      rendered(buildGraph(registry.getWorkflow(name, v)), format),
      200,
    );
  });
}

/**
 * Registers the definition and graph routes.
 *
 * @param app The app.
 * @param deps Backend and options.
 */
export function definitionRoutes(app: RoutesApp, { backend }: RouteDeps): void {
  listRoute(app, backend.registry);
  oneRoute(app, backend.registry);
  graphListRoute(app, backend.reader);
  runGraphRoutes(app, backend);
  defGraphRoutes(app, backend.registry);
}
