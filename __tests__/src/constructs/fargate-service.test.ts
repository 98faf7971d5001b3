import { Testing } from "cdktf";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { FargateService, FargateServiceProps } from "../../../src/constructs/fargate-service";
import { constructStack, resourcesOf, TerraformJson } from "../../helpers";

const BASE: FargateServiceProps = {
  name: "demo-producer",
  accountId: "123456789012",
  partition: "aws",
  region: "us-west-2",
  clusterArn: "arn:aws:ecs:us-west-2:123456789012:cluster/core-infra",
  clusterName: "core-infra",
  vpcId: "vpc-1",
  subnetIds: ["subnet-1", "subnet-2"],
  executionRoleArn: "arn:aws:iam::123456789012:role/exec",
  image: "repo:src-abc",
  taskStatements: [{ sid: "Send", actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:us-west-2:123456789012:q"] }],
};

function synth(props: Partial<FargateServiceProps> = {}): { synthesized: string; json: TerraformJson } {
  const stack = constructStack();
  new FargateService(stack, "svc", { ...BASE, ...props });
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) };
}

const container = (json: TerraformJson) => JSON.parse(resourcesOf(json, "aws_ecs_task_definition").svc_task_definition.container_definitions)[0];

describe("FargateService", () => {
  it("by default: no ingress, all egress, ECS Exec with its channels, desired count left to autoscaling", () => {
    const { synthesized, json } = synth();
    expect(synthesized).toHaveResourceWithProperties(SecurityGroup, { ingress: [], egress: [expect.objectContaining({ protocol: "-1" })] });
    const statements = json.data!.aws_iam_policy_document.svc_task_permissions.statement as Array<{ sid: string }>;
    expect(statements.map((s) => s.sid)).toEqual(["Send", "EcsExec"]);
    expect(synthesized).toHaveResourceWithProperties(EcsService, {
      enable_execute_command: true,
      lifecycle: { ignore_changes: ["desired_count"] },
      network_configuration: expect.objectContaining({ assign_public_ip: false }),
    });
    expect(container(json)).toMatchObject({ user: "1000:1000", readonlyRootFilesystem: true, stopTimeout: 120 });
    expect(container(json).entryPoint).toBeUndefined();
    expect(container(json).logConfiguration.options["awslogs-stream-prefix"]).toBe("service");
  });

  it("can be HTTPS-only, without ECS Exec, with its own entry point, a public address and a count Terraform owns", () => {
    const { json } = synth({
      egress: "https",
      enableExecuteCommand: false,
      entryPoint: ["node", "producer.js"],
      assignPublicIp: true,
      autoscaled: false,
      desiredCount: 0,
      kind: "producer",
    });
    const sg = resourcesOf(json, "aws_security_group").svc_security_group;
    expect(sg.egress).toEqual([expect.objectContaining({ protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["0.0.0.0/0"] })]);
    const statements = json.data!.aws_iam_policy_document.svc_task_permissions.statement as Array<{ sid: string }>;
    expect(statements.map((s) => s.sid)).toEqual(["Send"]);
    const service = resourcesOf(json, "aws_ecs_service").svc_service;
    expect(service).toMatchObject({ enable_execute_command: false, desired_count: 0, network_configuration: { assign_public_ip: true } });
    expect(service.lifecycle).toBeUndefined();
    expect(container(json)).toMatchObject({ entryPoint: ["node", "producer.js"], logConfiguration: { options: { "awslogs-stream-prefix": "producer" } } });
    expect(resourcesOf(json, "aws_iam_role").svc_task_role.description).toBe("Task role of the demo-producer producer");
  });

  it("refuses a stop timeout Fargate does not allow", () => {
    expect(() => synth({ stopTimeoutSeconds: 121 })).toThrow("stopTimeoutSeconds 121 is outside Fargate's 2..120");
  });
});
