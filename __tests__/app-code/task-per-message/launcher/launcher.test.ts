/**
 * The launcher against the ECS stand-in (RunTask cannot run here): a real ECS client, so the SDK's
 * serialisation, throttling retries and the partial batch response are exercised as in Lambda.
 */
import type { SQSEvent } from "aws-lambda";
import { ECSClient } from "@aws-sdk/client-ecs";
import { resilientClientConfig } from "../../../../app-code/shared/aws-client-config";
import { launchBatch, loadLauncherConfig, runTaskResult } from "../../../../app-code/task-per-message/launcher/launcher";
import { EcsStandIn, EcsStandInOptions, startEcsStandIn } from "../../../../tools/local/ecs-stand-in";
import { recordingLog } from "../../recording-log";
import { sqsRecord } from "../sqs-record";

const ENV = {
  CLUSTER_ARN: "arn:aws:ecs:us-east-1:123456789012:cluster/core-infra",
  TASK_DEFINITION_ARN: "arn:aws:ecs:us-east-1:123456789012:task-definition/jobs:7",
  CONTAINER_NAME: "job",
  SUBNET_IDS: "subnet-a, subnet-b",
  SECURITY_GROUP_IDS: "sg-1",
  MAX_RUNNING_TASKS: "5",
};
const config = loadLauncherConfig(ENV);
const stands: EcsStandIn[] = [];
afterAll(() => Promise.all(stands.map((s) => s.close())));

async function setUp(options: EcsStandInOptions = {}, maxAttempts?: number) {
  const ecs = await startEcsStandIn(options);
  stands.push(ecs);
  const client = new ECSClient({
    ...resilientClientConfig({ maxAttempts }),
    endpoint: ecs.url,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const log = recordingLog();
  return { ecs, log, run: (event: SQSEvent) => launchBatch(event, undefined, config, { ecs: client, log }) };
}

const good = (id: string) => JSON.stringify({ id, input: `s3://uploads/${id}.mp4` });

test("valid jobs start one task each; malformed ones fail their item with one log line and start nothing", async () => {
  const { ecs, log, run } = await setUp();
  const records = [
    sqsRecord("m-1", good("a")),
    sqsRecord("m-2", "not json"),
    sqsRecord("m-3", JSON.stringify({ id: "c" })),
    sqsRecord("m-4", JSON.stringify({ id: "d", input: "x".repeat(9000) })),
    sqsRecord("m-5", good("e"), { attempt: "2" }),
  ];
  const response = await run({ Records: records });

  expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m-2" }, { itemIdentifier: "m-3" }, { itemIdentifier: "m-4" }]);
  const runTasks = ecs.callsOf("RunTask");
  expect(runTasks.map((c) => c.clientToken)).toEqual(["m-1", "m-5"]);
  expect(runTasks[0]).toEqual({
    cluster: ENV.CLUSTER_ARN,
    taskDefinition: ENV.TASK_DEFINITION_ARN,
    count: 1,
    capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
    networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-1"], assignPublicIp: "DISABLED" } },
    overrides: {
      containerOverrides: [
        {
          name: "job",
          environment: [
            { name: "JOB_ID", value: "a" },
            { name: "JOB_INPUT", value: "s3://uploads/a.mp4" },
            { name: "JOB_DURATION_SECONDS", value: "0" },
            { name: "JOB_FAIL_ATTEMPTS", value: "0" },
            { name: "JOB_ATTEMPT", value: "1" },
            { name: "JOB_MESSAGE_ID", value: "m-1" },
          ],
        },
      ],
    },
    clientToken: "m-1",
    startedBy: "sqs-task-launcher",
    tags: [
      { key: "messageId", value: "m-1" },
      { key: "jobId", value: "a" },
      { key: "attempt", value: "1" },
    ],
    propagateTags: "TASK_DEFINITION",
    enableECSManagedTags: true,
  });
  expect((runTasks[1].tags as unknown[])[2]).toEqual({ key: "attempt", value: "2" });

  for (const [id, reason] of [
    ["m-2", "body is not JSON"],
    ["m-3", "input is missing"],
    ["m-4", "overrides would be 9"],
  ]) {
    const lines = log.about("messageId", id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "warn", extra: { reason: expect.stringContaining(reason) } });
  }
  expect(log.about("messageId", "m-1")).toEqual([expect.objectContaining({ level: "info", message: "job task started" })]);
});

test("a throttled RunTask is retried by the SDK with backoff; one that keeps failing fails its item", async () => {
  const throttledOnce = await setUp({ runTask: (_input, call) => (call === 1 ? "throttle" : "start") });
  expect((await throttledOnce.run({ Records: [sqsRecord("m-1", good("a"))] })).batchItemFailures).toEqual([]);
  expect(throttledOnce.ecs.callsOf("RunTask")).toHaveLength(2);
  expect(throttledOnce.ecs.tasks.size).toBe(1);

  const alwaysThrottled = await setUp({ runTask: () => "throttle" }, 2);
  expect((await alwaysThrottled.run({ Records: [sqsRecord("m-1", good("a"))] })).batchItemFailures).toEqual([{ itemIdentifier: "m-1" }]);
  expect(alwaysThrottled.ecs.callsOf("RunTask")).toHaveLength(2);
  expect(alwaysThrottled.log.about("messageId", "m-1")).toEqual([
    expect.objectContaining({ level: "error", extra: expect.objectContaining({ reason: expect.stringContaining("RunTask threw: ThrottlingException") }) }),
  ]);
});

test("RunTask answering with failures (no capacity, ENI limit) fails the item: the job is not forgotten", async () => {
  const { ecs, log, run } = await setUp({ runTask: (input) => (input.clientToken === "m-2" ? { failure: "RESOURCE:ENI" } : "start") });
  const response = await run({ Records: [sqsRecord("m-1", good("a")), sqsRecord("m-2", good("b"))] });
  expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m-2" }]);
  expect(ecs.tasks.size).toBe(1);
  expect(log.about("messageId", "m-2")[0].extra.reason).toBe("RunTask returned failures: RESOURCE:ENI");
  expect(runTaskResult({ tasks: [], failures: [] })).toEqual({ ok: false, reason: "RunTask returned no task" });
});

test("over the cap, records fail (and wait a visibility timeout) after one ListTasks per invocation", async () => {
  const { ecs, log, run } = await setUp();
  await run({ Records: ["1", "2", "3", "4"].map((n) => sqsRecord(`first-${n}`, good(`f${n}`))) });
  expect(ecs.tasks.size).toBe(4);

  const response = await run({ Records: ["1", "2", "3"].map((n) => sqsRecord(`second-${n}`, good(`s${n}`))) });
  expect(response.batchItemFailures).toEqual([{ itemIdentifier: "second-2" }, { itemIdentifier: "second-3" }]);
  expect(ecs.tasks.size).toBe(5);
  expect(ecs.callsOf("ListTasks")).toHaveLength(2);
  expect(ecs.callsOf("ListTasks")[1]).toMatchObject({ cluster: ENV.CLUSTER_ARN, startedBy: "sqs-task-launcher", desiredStatus: "RUNNING" });
  expect(log.about("messageId", "second-2")).toEqual([expect.objectContaining({ message: "job not launched: at the cap" })]);

  // A task that stopped frees its slot.
  ecs.stopTask([...ecs.tasks.keys()][0], { exitCode: 0, stopCode: "EssentialContainerExited" });
  expect((await run({ Records: [sqsRecord("second-2", good("s2"))] })).batchItemFailures).toEqual([]);
});

test("the same batch delivered again starts no second task (clientToken = message id)", async () => {
  const { ecs, run } = await setUp();
  const event = { Records: [sqsRecord("m-1", good("a")), sqsRecord("m-2", good("b"))] };
  await run(event);
  expect((await run(event)).batchItemFailures).toEqual([]);
  expect(ecs.callsOf("RunTask")).toHaveLength(4);
  expect(ecs.tasks.size).toBe(2);
});

test("settings are validated with the variable, the value and what is allowed", () => {
  expect(() => loadLauncherConfig({ ...ENV, CLUSTER_ARN: "" })).toThrow('CLUSTER_ARN is required (got "")');
  expect(() => loadLauncherConfig({ ...ENV, SUBNET_IDS: "subnet-a,,subnet-b" })).toThrow('SUBNET_IDS="subnet-a,,subnet-b" is invalid: expected a comma-separated list with no empty items');
  expect(() => loadLauncherConfig({ ...ENV, CAPACITY_PROVIDER: "EC2" })).toThrow('CAPACITY_PROVIDER="EC2" is invalid: expected one of FARGATE, FARGATE_SPOT');
  expect(() => loadLauncherConfig({ ...ENV, MAX_RUNNING_TASKS: "0" })).toThrow('MAX_RUNNING_TASKS="0" is invalid: expected an integer from 1 up to 5000');
  expect(() => loadLauncherConfig({ ...ENV, STARTED_BY: "has space" })).toThrow('STARTED_BY="has space" is invalid');
  expect(loadLauncherConfig({ ...ENV, CAPACITY_PROVIDER: "FARGATE_SPOT" }).capacityProvider).toBe("FARGATE_SPOT");
});
