// gb's programmatic API: the same run the command line does, as a library.

export { run, validateRunOptions, type RunOptions, type RunReport, type RunFailure, type RunProgress } from './api/run.js';
export type { FlagOptions, HeadersOption, CredentialsOption, StagesOption } from './api/options.js';
export type { Result } from './result.js';
export type { Threshold, ThresholdOutcome } from './metrics/thresholds.js';
// The lower-level pieces run() is made of.
export { runConfig, type RunOutcome } from './run-config.js';
export type { Config } from './config/config.js';
export type { Summary, PhaseStats } from './metrics/summary.js';
export type { FailureCode, FailureKind } from './failures.js';
export type { RunHooks } from './engine/run.js';
export type { Script, ScriptContext, ScriptRequest, ScriptResponse, ScriptResponseHeaders, ScriptOptions } from './engine/script-api.js';
export type {
  Journey,
  JourneyOptions,
  VirtualUser,
  StepOptions,
  StepRequest,
  StepResponse,
  UserWebSocket,
  WebSocketMessage,
} from './engine/journey-api.js';
export { startTargetServer, type TargetServer, type TargetStats } from './server/target.js';
export { renderAbReport } from './report/ab-text.js';
export { VERSION } from './version.js';
export { parseCommandLine, type CliOptions, type CliCommand } from './cli/flags.js';
export { renderJson } from './report/json.js';
export { parseSummaryJson } from './metrics/result-json.js';
export { renderHtml } from './report/html.js';
export { mergeSummaries } from './metrics/merge.js';
export { compareSummaries, checkRules, parseFailRule } from './metrics/compare.js';
