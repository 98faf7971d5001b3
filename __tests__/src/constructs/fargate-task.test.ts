import { FargateTask, FargateTaskProps } from "../../../src/constructs/fargate-task";
import { constructStack, resourcesOf, synthJson, TerraformJson } from "../../helpers";

const BASE: FargateTaskProps = {
  name: "demo-job",
  accountId: "123456789012",
  region: "us-west-2",
  vpcId: "vpc-1",
  executionRoleArn: "arn:aws:iam::123456789012:role/exec",
  image: "repo:src-abc",
  entryPoint: ["node", "job.js"],
  taskStatements: [],
  egress: "https",
  kind: "job",
};

function synth(props: Partial<FargateTaskProps> = {}): TerraformJson {
  const stack = constructStack();
  new FargateTask(stack, "job", { ...BASE, ...props });
  return synthJson(stack).json;
}

describe("FargateTask", () => {
  it("is a task definition with its security group, log group and role, and no service", () => {
    const json = synth();
    expect(resourcesOf(json, "aws_ecs_service")).toEqual({});
    expect(Object.keys(resourcesOf(json, "aws_ecs_task_definition"))).toEqual(["job_task_definition"]);
    const [container] = JSON.parse(resourcesOf(json, "aws_ecs_task_definition").job_task_definition.container_definitions);
    expect(container).toMatchObject({ name: "demo-job", entryPoint: ["node", "job.js"], user: "1000:1000", readonlyRootFilesystem: true, stopTimeout: 120 });
    expect(container.logConfiguration.options["awslogs-stream-prefix"]).toBe("job");
    expect(resourcesOf(json, "aws_security_group").job_security_group).toMatchObject({
      description: "Tasks of the demo-job job",
      ingress: [],
      egress: [expect.objectContaining({ protocol: "tcp", from_port: 443, to_port: 443 })],
    });
  });

  it("gives a role without permissions no policy (IAM refuses an empty one), and no ECS Exec unless asked", () => {
    expect(resourcesOf(synth(), "aws_iam_role_policy")).toEqual({});
    const withExec = synth({ enableExecuteCommand: true });
    expect(withExec.data!.aws_iam_policy_document.job_task_permissions.statement.map((s: { sid: string }) => s.sid)).toEqual(["EcsExec"]);
  });
});
