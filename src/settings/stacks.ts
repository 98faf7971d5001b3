import { CORE_INFRA_SETTINGS } from "./core-infra";
import { GLOBAL_SETTINGS, GlobalSettings } from "./global";
import { SettingsGroup, ValuesOf } from "./group";
import { SQS_DYNAMIC_TARGET_TRACKING_SETTINGS } from "./sqs-dynamic-target-tracking";
import { QUEUE_DEPTH_TRACKING_SETTINGS } from "./sqs-queue-depth-tracking";
import { RECURSIVE_FANOUT_SETTINGS } from "./sqs-recursive-fanout";
import { SCALE_TO_ZERO_SETTINGS } from "./sqs-scale-to-zero";
import { TASK_PER_MESSAGE_SETTINGS } from "./sqs-task-per-message";

/**
 * The one place where a stack's settings group is registered. A new stack: write `src/settings/<stack>.ts` with
 * `stackSettings("<stack>", { doc, definitions, crossChecks })` and add it to this list.
 */
export const STACK_SETTINGS = checkedRegistry([
  CORE_INFRA_SETTINGS,
  SQS_DYNAMIC_TARGET_TRACKING_SETTINGS,
  QUEUE_DEPTH_TRACKING_SETTINGS,
  SCALE_TO_ZERO_SETTINGS,
  TASK_PER_MESSAGE_SETTINGS,
  RECURSIVE_FANOUT_SETTINGS,
] as const);

type StackGroup = (typeof STACK_SETTINGS)[number];

/** The stacks that have settings, as `cdktf deploy <stack>` knows them. */
export type StackName = StackGroup["name"];

/** What stack `S` gets: the globals and its own settings, nothing of another stack's. */
export type StackSettings<S extends StackName> = GlobalSettings & ValuesOf<Extract<StackGroup, { name: S }>["definitions"]>;

/** Every group, globals first, in the order docs/settings.md lists them. */
export const SETTINGS_GROUPS: readonly SettingsGroup[] = [GLOBAL_SETTINGS, ...STACK_SETTINGS];

/**
 * Stack names must be unique, and a stack's keys must not repeat a global key: a stack gets both in one object,
 * and a context key must say unambiguously which group it is for. Thrown when the module loads.
 */
export function checkedRegistry<G extends readonly SettingsGroup[]>(groups: G): G {
  const problems: string[] = [];
  const names = groups.map((g) => g.name);
  for (const group of groups) {
    if (names.indexOf(group.name) !== names.lastIndexOf(group.name)) problems.push(`stack ${group.name} is registered twice`);
    if (Object.hasOwn(GLOBAL_SETTINGS.definitions, group.name)) problems.push(`stack ${group.name} has the name of a global setting`);
    for (const key of Object.keys(group.definitions)) {
      if (Object.hasOwn(GLOBAL_SETTINGS.definitions, key)) problems.push(`stack ${group.name}: ${key} is also a global setting`);
    }
  }
  if (problems.length > 0) throw new Error(`settings registry: ${[...new Set(problems)].join("; ")}`);
  return groups;
}
