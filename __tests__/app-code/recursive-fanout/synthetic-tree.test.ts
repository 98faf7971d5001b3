import { MAX_TREE_NODES, SyntheticTree, treeShapeProblems, treeSize } from "../../../app-code/recursive-fanout/synthetic-tree";

const shape = { branching: 3, depth: 6, extraEdgeRate: 0.1, seed: 7, nodeTimeMinSeconds: 0.5, nodeTimeMaxSeconds: 2 };

test("a complete tree: size, breadth-first children, leaves without tree children", () => {
  expect(treeSize(3, 6)).toBe(1093);
  expect(treeSize(1, 4)).toBe(5);
  const plain = new SyntheticTree({ ...shape, extraEdgeRate: 0 });
  expect(plain.size).toBe(1093);
  expect(plain.children(0)).toEqual([1, 2, 3]);
  expect(plain.children(4)).toEqual([13, 14, 15]);
  expect(plain.children(1092)).toEqual([]);
  expect(plain.parentOf(15)).toBe(4);
  // Every node but the root is the tree child of exactly one node.
  const seen = new Map<number, number>();
  for (let i = 0; i < plain.size; i++) for (const c of plain.children(i)) seen.set(c, (seen.get(c) ?? 0) + 1);
  expect(seen.size).toBe(plain.size - 1);
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
});

test("extra edges make it a graph: cycles, cross edges and repeated children, the same for every reader", () => {
  const tree = new SyntheticTree(shape);
  const again = new SyntheticTree(shape);
  let backEdges = 0;
  let repeats = 0;
  let crossOrBack = 0;
  for (let i = 0; i < tree.size; i++) {
    const children = tree.children(i);
    expect(children).toEqual(again.children(i));
    expect(children.every((c) => Number.isInteger(c) && c >= 0 && c < tree.size)).toBe(true);
    if (i > 0 && children.includes(tree.parentOf(i)!)) backEdges++;
    if (new Set(children).size < children.length) repeats++;
    crossOrBack += children.filter((c) => c <= i).length;
  }
  // About 10 % of the 1,092 non-root nodes have a back edge; repeats need a node with children (~500 here).
  expect(backEdges).toBeGreaterThan(70);
  expect(backEdges).toBeLessThan(150);
  expect(repeats).toBeGreaterThan(25);
  expect(repeats).toBeLessThan(80);
  expect(crossOrBack).toBeGreaterThan(backEdges);
  // Another seed places them elsewhere.
  const other = new SyntheticTree({ ...shape, seed: 8 });
  expect(Array.from({ length: 200 }, (_, i) => other.children(i))).not.toEqual(Array.from({ length: 200 }, (_, i) => tree.children(i)));
});

test("node times lie in [min, max] and spread over it", () => {
  const tree = new SyntheticTree(shape);
  const times = Array.from({ length: tree.size }, (_, i) => tree.nodeTimeSeconds(i));
  expect(Math.min(...times)).toBeGreaterThanOrEqual(0.5);
  expect(Math.max(...times)).toBeLessThanOrEqual(2);
  expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(1.4);
});

test("node ids: n<index> within the tree, anything else names no node", () => {
  const tree = new SyntheticTree(shape);
  expect(tree.nodeId(42)).toBe("n42");
  expect(tree.indexOf("n42")).toBe(42);
  for (const bad of ["n1093", "42", "n-1", "n01", "x", "", "n4.5"]) expect(tree.indexOf(bad)).toBeUndefined();
});

test("invalid shapes are refused with the field, the value and what is allowed", () => {
  expect(treeShapeProblems({ ...shape, branching: 0, extraEdgeRate: 2, nodeTimeMaxSeconds: 0.1 })).toEqual([
    "branching=0 is invalid: expected an integer from 1 up to 100",
    "extraEdgeRate=2 is invalid: expected a number from 0 up to 1",
    "nodeTimeMaxSeconds=0.1 is invalid: expected at least nodeTimeMinSeconds (0.5)",
  ]);
  expect(treeShapeProblems({ ...shape, branching: 10, depth: 7 })).toEqual([`branching=10 with depth=7 gives more than ${MAX_TREE_NODES} nodes`]);
  expect(() => new SyntheticTree({ ...shape, depth: 31 })).toThrow("invalid tree: depth=31 is invalid: expected an integer from 0 up to 30");
});
