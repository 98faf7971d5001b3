import { def, globalSettings, ValuesOf } from "./group";
import { AWS_REGION, optional, pattern, RESOURCE_NAME, S3_BUCKET, tagMap } from "./parsers";

/** Settings every stack gets: the region, how to find core-infra, the default tags, and the state backend. */
export const GLOBAL_SETTINGS = globalSettings({
  doc: "Every stack gets these: the region, the name the stacks find core-infra by, the default tags and the state backend.",
  definitions: {
    region: def({
      key: "region",
      env: "QS_REGION",
      doc: "AWS region of every stack (provider `region`).",
      allowed: "an AWS region code such as us-west-2",
      default: "us-west-2",
      parse: pattern(AWS_REGION),
    }),
    coreInfraName: def({
      key: "coreInfraName",
      env: "QS_CORE_INFRA_NAME",
      doc: "Name of the shared infrastructure: VPC, ECS cluster, subnet name prefix, `Blueprint` tag of core-infra. Other stacks find core-infra by it.",
      allowed: "2-20 characters: lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen",
      default: "core-infra",
      parse: pattern(RESOURCE_NAME, 20),
    }),
    githubRepoTag: def({
      key: "githubRepoTag",
      env: "QS_GITHUB_REPO_TAG",
      doc: "Value of the `GithubRepo` default tag on every resource.",
      allowed: "1-256 characters valid in an AWS tag value",
      default: "github.com/aws-ia/ecs-blueprints",
      parse: pattern(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u),
    }),
    extraTags: def<Record<string, string>>({
      key: "extraTags",
      env: "QS_TAGS",
      doc: "Additional default tags for every resource, as a JSON object (e.g. `{\"CostCenter\":\"42\"}`).",
      allowed: 'a JSON object of string values, keys 1-128 and values 0-256 tag characters, no "aws:" prefix',
      default: {},
      parse: tagMap(),
    }),
    stateBucket: def<string | undefined>({
      key: "stateBucket",
      env: "QS_STATE_BUCKET",
      doc: "S3 bucket for Terraform state. Unset: local state files `terraform.<stack>.tfstate` in the project folder. Set: S3 backend with encryption and a native lock file (`use_lockfile`).",
      allowed: "empty, or a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)",
      default: undefined,
      parse: optional(pattern(S3_BUCKET)),
    }),
    stateKeyPrefix: def({
      key: "stateKeyPrefix",
      env: "QS_STATE_KEY_PREFIX",
      doc: "With `stateBucket`: state object key is `<prefix>/<stack>.tfstate`.",
      allowed: "1-200 characters: letters, digits, and - _ . / (no leading or trailing /)",
      default: "queue-scaling",
      parse: pattern(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 200),
    }),
    stateRegion: def<string | undefined>({
      key: "stateRegion",
      env: "QS_STATE_REGION",
      doc: "With `stateBucket`: the bucket's region. Unset: `region`.",
      allowed: "empty, or an AWS region code such as us-west-2",
      default: undefined,
      parse: optional(pattern(AWS_REGION)),
    }),
  },
});

export type GlobalSettings = ValuesOf<typeof GLOBAL_SETTINGS.definitions>;
