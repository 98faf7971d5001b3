import { nodeMessageBody, parseNodeMessage } from "../../../app-code/recursive-fanout/node-message";

test("valid node messages parse, and the body round-trips", () => {
  const job = { runId: "run-1", nodeId: "n7", parentId: "n2", depth: 2 };
  expect(parseNodeMessage(nodeMessageBody(job))).toEqual({ ok: true, job });
  expect(parseNodeMessage('{"runId":"r","nodeId":"n0","depth":0}')).toEqual({ ok: true, job: { runId: "r", nodeId: "n0", depth: 0 } });
});

test.each([
  [undefined, "empty body"],
  ["{", "body is not JSON"],
  ['"n1"', "body is not a JSON object"],
  ['{"nodeId":"n1","depth":0}', "runId null is invalid"],
  ['{"runId":"r","depth":0}', "nodeId null names no node"],
  ['{"runId":"r","nodeId":"","depth":0}', 'nodeId "" names no node'],
  ['{"runId":"r","nodeId":"#run","depth":0}', "ids starting with # are reserved"],
  ['{"runId":"r","nodeId":"n1","depth":-1}', "depth -1 is invalid"],
  ['{"runId":"r","nodeId":"n1","depth":0,"parentId":5}', "parentId 5 names no node"],
])("%j is rejected: %s", (body, reason) => {
  const parsed = parseNodeMessage(body);
  expect(parsed.ok).toBe(false);
  expect(!parsed.ok && parsed.reason).toContain(reason);
});

test("the workload decides which ids name a node", () => {
  const parsed = parseNodeMessage('{"runId":"r","nodeId":"n99","depth":1}', (id) => id !== "n99");
  expect(parsed).toEqual({ ok: false, reason: 'nodeId "n99" names no node of the workload' });
});
