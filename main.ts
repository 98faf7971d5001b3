import "./src/skip-source-maps"; // first: it must run before the heavy modules below are loaded
import { synthFromEnvironment } from "./src/synth-from-environment";

process.exitCode = synthFromEnvironment(process.env);
