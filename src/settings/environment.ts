import { settingsSourceFromEnv } from "./cdktf-context";
import { SettingsError } from "./error";
import { AppSettings, loadSettings } from "./load";

/**
 * The settings from the cdktf context and the environment, as the app and `npm run synth`'s check read them;
 * undefined after `report` got the problems (one message for all of them).
 */
export function settingsFromEnvironment(
  env: Record<string, string | undefined>,
  report: (message: string) => void,
  projectDir?: string,
): AppSettings | undefined {
  try {
    return loadSettings(settingsSourceFromEnv(env, projectDir));
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    report(error.message);
    return undefined;
  }
}
