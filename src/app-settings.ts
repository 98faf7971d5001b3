/**
 * Every setting of the app: the global ones and those of the blueprint (src/settings.ts), plus one group per
 * pattern stack (src/settings/<stack>.ts), read and validated together so one run reports every bad value.
 * (Interim wiring until settings are organised per stack for every stack; see the settings groups' files.)
 */
import { loadSettings, Settings, SettingsError, SettingsSource } from "./settings";
import { parseGroup } from "./settings/pattern-groups";
import { QUEUE_DEPTH_TRACKING_GROUP, QueueDepthTrackingSettings } from "./settings/sqs-queue-depth-tracking";
import { SCALE_TO_ZERO_GROUP, ScaleToZeroSettings } from "./settings/sqs-scale-to-zero";

export interface AppSettings extends Settings {
  readonly sqsQueueDepthTracking: QueueDepthTrackingSettings;
  readonly sqsScaleToZero: ScaleToZeroSettings;
}

/** @throws SettingsError listing every invalid value, of the global settings and of every group. */
export function loadAppSettings(source: SettingsSource = {}): AppSettings {
  const problems: string[] = [];
  let settings: Settings | undefined;
  try {
    settings = loadSettings(source);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    problems.push(...error.problems);
  }
  const sqsQueueDepthTracking = Object.freeze(parseGroup(QUEUE_DEPTH_TRACKING_GROUP, source, problems));
  const sqsScaleToZero = Object.freeze(parseGroup(SCALE_TO_ZERO_GROUP, source, problems));
  if (problems.length > 0) throw new SettingsError(problems);
  return Object.freeze({ ...settings!, sqsQueueDepthTracking, sqsScaleToZero });
}
