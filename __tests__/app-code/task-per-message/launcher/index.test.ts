/**
 * The launcher Lambda's handler as Lambda calls it: configuration from its environment, the ECS client from the
 * standard AWS variables (here pointing at the ECS stand-in), a partial batch response back.
 */
import type { Context } from "aws-lambda";
import { handler, logger } from "../../../../app-code/task-per-message/launcher/index";
import { EcsStandIn, startEcsStandIn } from "../../../../tools/local/ecs-stand-in";
import { sqsRecord } from "../sqs-record";

logger.setLogLevel("SILENT");
let ecs: EcsStandIn;
const savedEnv = { ...process.env };
beforeAll(async () => {
  ecs = await startEcsStandIn();
  Object.assign(process.env, {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_ECS: ecs.url,
    CLUSTER_ARN: "arn:aws:ecs:us-east-1:123456789012:cluster/core-infra",
    TASK_DEFINITION_ARN: "arn:aws:ecs:us-east-1:123456789012:task-definition/jobs:3",
    CONTAINER_NAME: "job",
    SUBNET_IDS: "subnet-a",
    SECURITY_GROUP_IDS: "sg-1",
    CAPACITY_PROVIDER: "FARGATE_SPOT",
    STARTED_BY: "jobs-launcher",
  });
});
afterAll(async () => {
  process.env = savedEnv;
  await ecs.close();
});

test("launches from its environment's settings and answers with the failed records only", async () => {
  const event = { Records: [sqsRecord("m-1", JSON.stringify({ id: "a", input: "s3://b/a" })), sqsRecord("m-2", "{}")] };
  expect(await handler(event, {} as Context)).toEqual({ batchItemFailures: [{ itemIdentifier: "m-2" }] });
  expect(ecs.callsOf("RunTask")).toEqual([
    expect.objectContaining({ capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }], startedBy: "jobs-launcher", clientToken: "m-1" }),
  ]);
  expect(ecs.callsOf("ListTasks")).toEqual([expect.objectContaining({ startedBy: "jobs-launcher" })]);
});
