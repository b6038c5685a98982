export { PATHS_DEFAULTS, resolvePathsConfig, type PathsConfig, type ResolvedPathsConfig } from './paths.config';
export { generatePaths, type GenerateInput, type GeneratedPaths } from './path.generator';
export type {
  PathsReport,
  Finding,
  FindingKind,
  Figure,
  ContextCoverage,
  Uncovered,
  UncoveredReason,
} from './report/paths.report';
export { formatCoverage, formatFindings, belowGates } from './report/coverage.table';
export { TranscriptReplay } from './replay/transcript.replay';
export { formatTranscriptFile, parseTranscriptFile } from './transcript/transcript.format';
export { PathsError, type PathsErrorCode } from './paths.error';
export type { TranscriptFile, PathTranscript, TranscriptTurn } from './transcript/transcript.types';
export { readTranscripts, compareFolder, folderContents, writeFolder, COVERAGE_FILE } from './output/paths.folder';
export { pathsCommand, checkCommand, PATHS_USAGE, CHECK_USAGE, type PathsWorkspace } from './cli/paths.command';
export { InstrumentedBot } from './model/bot.instrumenter';
export { BOT_LEVEL, type BotInventory, type StageItem, type TransitionItem } from './model/bot.inventory';
export { SampledBot, type TurnTrace, type ServiceCall } from './engine/service.sampler';
