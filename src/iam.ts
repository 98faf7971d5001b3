import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

/**
 * Why a key policy passes QS-IAM-002 (the reason of its suppression on each KMS key): checkov's CKV_AWS_109, 111
 * and 356 read every policy document, key policies included, and so does the rule.
 */
export const KEY_POLICY_REASON =
  'In a key policy, Resource "*" means this key and nothing else (the key policy is attached to it); its statements follow AWS\'s default key policy (the account administers the key through IAM), and a grant to a service is narrowed by a condition.';

export interface ServiceTrustOptions {
  /** Service principal that may assume the role, e.g. `lambda.amazonaws.com`. */
  readonly service: string;
  /** This account's id: the service may assume the role only on behalf of it. */
  readonly accountId: string;
  /** `aws:SourceArn` pattern (ArnLike) that further narrows which resources of the service may. @default none */
  readonly sourceArnLike?: string;
}

/**
 * The trust policy of a service role: `sts:AssumeRole` for one AWS service principal, on behalf of this account
 * only (the confused-deputy guard AWS recommends for service roles). Every role of the project is trusted
 * through this, so the guard cannot be forgotten on one of them. Created in `scope` under `id`.
 */
export function serviceTrustPolicy(scope: Construct, id: string, options: ServiceTrustOptions): DataAwsIamPolicyDocument {
  const condition = [{ test: "StringEquals", variable: "aws:SourceAccount", values: [options.accountId] }];
  if (options.sourceArnLike) condition.push({ test: "ArnLike", variable: "aws:SourceArn", values: [options.sourceArnLike] });
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: [
      {
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: [options.service] }],
        condition,
      },
    ],
  });
}
