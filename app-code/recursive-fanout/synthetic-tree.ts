/**
 * The demo workload of the recursive fan-out: a complete tree (fixed branching and depth) plus extra edges that
 * make it a graph, as real ones are (the source's contact-tracing example meets the same people twice):
 * - a back edge from a node to its parent (a cycle),
 * - a cross edge to any node of the tree (a node reachable along two paths),
 * - a repeated child in the same list (a duplicate edge).
 * Each extra edge appears on a node with probability `extraEdgeRate`, decided by a hash of (seed, node), so every
 * worker (and the simulator) sees the same graph without sharing state. Node times are uniform in [min, max] by
 * the same hash. Pure.
 *
 * Nodes are numbered breadth-first: the root is 0, the children of i are b·i+1 … b·i+b.
 */

export interface TreeShape {
  /** Children per inner node, 1..100. */
  branching: number;
  /** Levels below the root, 0..30 (0 = the root alone). */
  depth: number;
  /** Probability of each kind of extra edge per node, 0..1. */
  extraEdgeRate: number;
  /** Seed of the hash that places extra edges and node times. */
  seed: number;
  /** Processing time of a node, seconds: uniform in [min, max]. */
  nodeTimeMinSeconds: number;
  nodeTimeMaxSeconds: number;
}

/** Largest tree accepted (the run's records live in DynamoDB; a demo has no use for more). */
export const MAX_TREE_NODES = 10_000_000;
export const MAX_NODE_TIME_SECONDS = 3600;

/** Number of nodes of a complete tree, or Infinity above MAX_TREE_NODES. */
export function treeSize(branching: number, depth: number): number {
  let size = 0;
  let level = 1;
  for (let d = 0; d <= depth; d++) {
    size += level;
    if (size > MAX_TREE_NODES) return Infinity;
    level *= branching;
  }
  return size;
}

/** Problems with a shape, each naming the field, the value and what is allowed; empty when valid. */
export function treeShapeProblems(shape: TreeShape): string[] {
  const problems: string[] = [];
  const int = (name: keyof TreeShape, min: number, max: number) => {
    const v = shape[name];
    if (!Number.isInteger(v) || v < min || v > max) problems.push(`${name}=${v} is invalid: expected an integer from ${min} up to ${max}`);
  };
  int("branching", 1, 100);
  int("depth", 0, 30);
  int("seed", 0, 2 ** 31 - 1);
  if (!(shape.extraEdgeRate >= 0 && shape.extraEdgeRate <= 1)) problems.push(`extraEdgeRate=${shape.extraEdgeRate} is invalid: expected a number from 0 up to 1`);
  for (const name of ["nodeTimeMinSeconds", "nodeTimeMaxSeconds"] as const) {
    if (!(shape[name] >= 0 && shape[name] <= MAX_NODE_TIME_SECONDS)) problems.push(`${name}=${shape[name]} is invalid: expected seconds from 0 up to ${MAX_NODE_TIME_SECONDS}`);
  }
  if (shape.nodeTimeMaxSeconds < shape.nodeTimeMinSeconds) {
    problems.push(`nodeTimeMaxSeconds=${shape.nodeTimeMaxSeconds} is invalid: expected at least nodeTimeMinSeconds (${shape.nodeTimeMinSeconds})`);
  }
  if (problems.length === 0 && treeSize(shape.branching, shape.depth) > MAX_TREE_NODES) {
    problems.push(`branching=${shape.branching} with depth=${shape.depth} gives more than ${MAX_TREE_NODES} nodes`);
  }
  return problems;
}

/** A 32-bit integer hash of (seed, index, salt) mapped to [0, 1): murmur3's finaliser over a mixed key. */
function unit(seed: number, index: number, salt: number): number {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35) ^ Math.imul(salt + 1, 0x27d4eb2f)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

const SALT = { backEdge: 1, crossEdge: 2, crossTarget: 3, repeat: 4, time: 5 } as const;

export class SyntheticTree {
  /** Number of nodes (of the tree; extra edges add none). */
  readonly size: number;
  private readonly innerCount: number;

  constructor(readonly shape: TreeShape) {
    const problems = treeShapeProblems(shape);
    if (problems.length > 0) throw new RangeError(`invalid tree: ${problems.join("; ")}`);
    this.size = treeSize(shape.branching, shape.depth);
    this.innerCount = shape.depth === 0 ? 0 : treeSize(shape.branching, shape.depth - 1);
  }

  nodeId(index: number): string {
    return `n${index}`;
  }

  /** The index of a node id, or undefined when it names no node of this tree. */
  indexOf(nodeId: string): number | undefined {
    if (!/^n(0|[1-9]\d{0,8})$/.test(nodeId)) return undefined;
    const index = Number(nodeId.slice(1));
    return index < this.size ? index : undefined;
  }

  parentOf(index: number): number | undefined {
    return index === 0 ? undefined : Math.floor((index - 1) / this.shape.branching);
  }

  /** Children of a node, in order, extra edges included, repeats kept (the consumer must cope with them). */
  children(index: number): number[] {
    const { branching, extraEdgeRate: rate, seed } = this.shape;
    const out: number[] = [];
    if (index < this.innerCount) for (let k = 1; k <= branching; k++) out.push(branching * index + k);
    const parent = this.parentOf(index);
    if (parent !== undefined && unit(seed, index, SALT.backEdge) < rate) out.push(parent);
    if (unit(seed, index, SALT.crossEdge) < rate) out.push(Math.floor(unit(seed, index, SALT.crossTarget) * this.size));
    if (out.length > 0 && unit(seed, index, SALT.repeat) < rate) out.push(out[0]);
    return out;
  }

  nodeTimeSeconds(index: number): number {
    const { nodeTimeMinSeconds: min, nodeTimeMaxSeconds: max, seed } = this.shape;
    return min + unit(seed, index, SALT.time) * (max - min);
  }
}
