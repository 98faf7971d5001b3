import { createApp } from "./src/app";
import { cdktfContextFromEnv, loadSettings, SettingsError } from "./src/settings";

// Settings are validated before the App exists: the App constructor creates the output folder, and a bad value
// must leave nothing behind.
try {
  const settings = loadSettings({ context: cdktfContextFromEnv(process.env), env: process.env });
  createApp(settings).synth();
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
