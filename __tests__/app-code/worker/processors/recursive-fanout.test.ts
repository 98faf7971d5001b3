import { SQSClient } from "@aws-sdk/client-sqs";
import { loadWorkerConfig } from "../../../../app-code/worker/src/config";
import { processorFromEnv } from "../../../../app-code/worker/src/processors";

const env = { WORKER_PROCESSOR: "recursive-fanout", QUEUE_URL: "http://localhost/000000000000/nodes", TABLE_NAME: "runs", AWS_REGION: "us-east-1" };
const setup = (vars: Record<string, string>) => ({ env: vars, config: loadWorkerConfig(vars), sqs: new SQSClient({ region: "us-east-1" }) });

test("WORKER_PROCESSOR=recursive-fanout builds the node processor from the container's environment", async () => {
  const processor = await processorFromEnv(env)({ ...setup(env), log: console });
  expect(processor.name).toBe("recursive-fanout");
  expect(processor.parse('{"runId":"r","nodeId":"n1","depth":1}')).toEqual({ ok: true, job: { runId: "r", nodeId: "n1", depth: 1 } });
  // The default tree (4-ary, depth 5) has 1,365 nodes.
  expect(processor.parse('{"runId":"r","nodeId":"n1365","depth":1}')).toEqual({ ok: false, reason: 'nodeId "n1365" names no node of the workload' });
  const seconds = processor.expectedSeconds?.({ runId: "r", nodeId: "n1", depth: 1 });
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(3);
});

test("its settings are validated at start, naming the setting", () => {
  const build = (vars: Record<string, string>) => processorFromEnv(vars)({ ...setup(vars), log: console });
  expect(() => build({ ...env, TABLE_NAME: "" })).toThrow("TABLE_NAME is required");
  expect(() => build({ ...env, TREE_BRANCHING: "10", TREE_DEPTH: "8" })).toThrow("TREE_* / NODE_TIME_* settings: invalid tree: branching=10 with depth=8 gives more than 10000000 nodes");
  expect(() => build({ ...env, NODE_TIME_MAX_SECONDS: "1000", MAX_DURATION_SECONDS: "900" })).toThrow("NODE_TIME_MAX_SECONDS=1000 is invalid: expected at most MAX_DURATION_SECONDS (900)");
  expect(() => build({ ...env, NODE_TIME_MIN_SECONDS: "5", NODE_TIME_MAX_SECONDS: "2" })).toThrow('NODE_TIME_MAX_SECONDS="2" is invalid: expected a number from 5 up to 3600');
});
