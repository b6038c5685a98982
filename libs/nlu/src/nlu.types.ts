// The NLU port is the engine's (docs/design.md#layout-and-dependencies: nlu → dialogue-core); re-exported here for the lib's own files.
export type { Entity, IntentScore, NluPort, Understanding, UnderstandOptions } from '@parley/dialogue-core';
