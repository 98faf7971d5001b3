import { def, stackSettings, ValuesOf } from "./group";
import { integer, ipv4Cidr } from "./parsers";

/** Settings of the stack core-infra: the shared VPC. */
export const CORE_INFRA_SETTINGS = stackSettings("core-infra", {
  doc: "The shared VPC and ECS cluster that the other stacks find by `coreInfraName`.",
  definitions: {
    azCount: def({
      key: "azCount",
      env: "QS_CORE_INFRA__AZ_COUNT",
      doc: "How many availability zones (from the `aws_availability_zones` data source) get a public and a private subnet.",
      allowed: "an integer from 1 to 3",
      default: 3,
      parse: integer(1, 3),
    }),
    vpcCidr: def({
      key: "vpcCidr",
      env: "QS_CORE_INFRA__VPC_CIDR",
      doc: "CIDR of the core VPC. Public subnet k is its /24 number k, private subnet k its /24 number k+10.",
      allowed: "an IPv4 network with prefix /16 to /20 and no host bits set, such as 10.0.0.0/16",
      default: "10.0.0.0/16",
      parse: ipv4Cidr(16, 20),
    }),
  },
});

export type CoreInfraSettings = ValuesOf<typeof CORE_INFRA_SETTINGS.definitions>;
