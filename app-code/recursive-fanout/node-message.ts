/**
 * The node message of the recursive fan-out: `{"runId", "nodeId", "parentId"?, "depth"}`. One message names one
 * node (an S3 prefix, a row's key, here a node of the synthetic tree); the worker that processes it posts one
 * message per child. Pure. Reasons quote values of a body only through `preview` (bounded, never throws).
 */
import { parseJsonObject } from "../shared/json-body";
import { preview } from "../shared/preview";

export interface NodeJob {
  /** The run the node belongs to (its counters and visited set). */
  runId: string;
  /** The node; `#`-prefixed ids are reserved for the run's own records. */
  nodeId: string;
  /** The node whose processing posted this one; absent for the root. */
  parentId?: string;
  /** Distance from the root along the path that discovered it (the max-depth guard reads it). */
  depth: number;
}

export type ParsedNode = { ok: true; job: NodeJob } | { ok: false; reason: string };

const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** DynamoDB sort keys may be up to 1,024 bytes. */
const MAX_NODE_ID_BYTES = 1024;
export const MAX_NODE_DEPTH = 10_000;

function nodeIdProblem(value: unknown, field: string): string | undefined {
  if (typeof value !== "string" || value === "") return `${field} ${preview(value ?? null)} names no node: expected a non-empty string`;
  if (value.startsWith("#")) return `${field} ${preview(value)} is invalid: ids starting with # are reserved`;
  if (Buffer.byteLength(value) > MAX_NODE_ID_BYTES) return `${field} is longer than ${MAX_NODE_ID_BYTES} bytes`;
  return undefined;
}

/**
 * Validates a body. Never throws. `isNode` lets the workload reject ids that name no node of it (a message for
 * a prefix or key that cannot exist) at parse time, so they go to the DLQ instead of being retried.
 */
export function parseNodeMessage(body: string | undefined, isNode: (nodeId: string) => boolean = () => true): ParsedNode {
  const parsed = parseJsonObject(body);
  if (!parsed.ok) return parsed;
  const { runId, nodeId, parentId, depth } = parsed.value;
  if (typeof runId !== "string" || !RUN_ID_PATTERN.test(runId)) {
    return { ok: false, reason: `runId ${preview(runId ?? null)} is invalid: expected 1-64 letters, digits, _ or -` };
  }
  const nodeProblem = nodeIdProblem(nodeId, "nodeId");
  if (nodeProblem) return { ok: false, reason: nodeProblem };
  if (!isNode(nodeId as string)) return { ok: false, reason: `nodeId ${preview(nodeId)} names no node of the workload` };
  if (parentId !== undefined) {
    const parentProblem = nodeIdProblem(parentId, "parentId");
    if (parentProblem) return { ok: false, reason: parentProblem };
  }
  if (typeof depth !== "number" || !Number.isInteger(depth) || depth < 0 || depth > MAX_NODE_DEPTH) {
    return { ok: false, reason: `depth ${preview(depth ?? null)} is invalid: expected an integer from 0 up to ${MAX_NODE_DEPTH}` };
  }
  return { ok: true, job: { runId, nodeId: nodeId as string, ...(parentId !== undefined ? { parentId: parentId as string } : {}), depth } };
}

export function nodeMessageBody(job: NodeJob): string {
  return JSON.stringify({ runId: job.runId, nodeId: job.nodeId, ...(job.parentId !== undefined ? { parentId: job.parentId } : {}), depth: job.depth });
}
