import { Testing } from "cdktf";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcEndpoints } from "../../../src/constructs/vpc-endpoints";
import { constructStack, resourcesOf, TerraformJson } from "../../helpers";

function synth(services?: string[]): { synthesized: string; json: TerraformJson } {
  const stack = constructStack();
  const endpoints = new VpcEndpoints(stack, "endpoints", {
    name: "demo",
    region: "eu-west-1",
    vpcId: "vpc-1",
    subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    routeTableIds: ["rtb-private"],
    interfaceServices: services,
  });
  endpoints.allowFrom("worker", "sg-worker");
  endpoints.allowFrom("producer", "sg-producer");
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) };
}

describe("VpcEndpoints", () => {
  it("by default: interface endpoints for sqs, ecr.api, ecr.dkr and logs with private DNS in every subnet", () => {
    const { json } = synth();
    const endpoints = resourcesOf(json, "aws_vpc_endpoint");
    const interfaces = Object.values(endpoints).filter((e) => e.vpc_endpoint_type === "Interface");
    expect(interfaces.map((e) => e.service_name).sort()).toEqual([
      "com.amazonaws.eu-west-1.ecr.api",
      "com.amazonaws.eu-west-1.ecr.dkr",
      "com.amazonaws.eu-west-1.logs",
      "com.amazonaws.eu-west-1.sqs",
    ]);
    for (const e of interfaces) {
      expect(e).toMatchObject({
        vpc_id: "vpc-1",
        private_dns_enabled: true,
        subnet_ids: ["subnet-a", "subnet-b", "subnet-c"],
        security_group_ids: ["${aws_security_group.endpoints_security_group.id}"],
      });
      expect(e.policy).toBeUndefined();
    }
  });

  it("adds the services asked for, one each, and refuses one listed twice", () => {
    const { json } = synth(["sqs", "ecr.api", "ecr.dkr", "logs", "monitoring", "ssmmessages"]);
    expect(Object.keys(resourcesOf(json, "aws_vpc_endpoint")).sort()).toEqual(
      ["endpoints_ecr_api", "endpoints_ecr_dkr", "endpoints_logs", "endpoints_monitoring", "endpoints_s3", "endpoints_sqs", "endpoints_ssmmessages"],
    );
    expect(() => synth(["sqs", "sqs"])).toThrow("interface endpoint services listed twice: sqs, sqs");
  });

  it("admits HTTPS from the security groups allowed (the tasks') only, and sends nothing", () => {
    const { json } = synth();
    const sg = resourcesOf(json, "aws_security_group").endpoints_security_group;
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toEqual([]);
    const rules = resourcesOf(json, "aws_vpc_security_group_ingress_rule");
    const rule = (client: string) => ({
      security_group_id: "${aws_security_group.endpoints_security_group.id}",
      description: `HTTPS from the ${client} tasks`,
      ip_protocol: "tcp",
      from_port: 443,
      to_port: 443,
      referenced_security_group_id: `sg-${client}`,
    });
    expect(rules).toEqual({ endpoints_from_producer: rule("producer"), endpoints_from_worker: rule("worker") });
    expect(Object.values(rules).map((r) => r.cidr_ipv4)).toEqual([undefined, undefined]);
  });

  it("puts the S3 gateway endpoint (ECR's image layers) on the private route tables", () => {
    expect(synth().synthesized).toHaveResourceWithProperties(VpcEndpoint, {
      service_name: "com.amazonaws.eu-west-1.s3",
      vpc_endpoint_type: "Gateway",
      route_table_ids: ["rtb-private"],
    });
  });
});
