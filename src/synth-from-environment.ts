import { createApp } from "./app";
import { loadAppSettings } from "./app-settings";
import { cdktfContextFromEnv, SettingsError } from "./settings";

/**
 * What `main.ts` does, as a function tests can call: reads and validates the settings, then synthesizes every
 * stack into `CDKTF_OUTDIR` (else `cdktf.out`). Settings are validated before the App exists, because the App
 * constructor already creates the output folder: a bad value leaves nothing behind. Returns the exit code.
 */
export function synthFromEnvironment(
  env: Record<string, string | undefined>,
  reportError: (message: string) => void = console.error,
): number {
  try {
    const settings = loadAppSettings({ context: cdktfContextFromEnv(env), env });
    createApp(settings, { outdir: env.CDKTF_OUTDIR }).synth();
    return 0;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    reportError(error.message);
    return 1;
  }
}
