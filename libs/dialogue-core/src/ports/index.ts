export * from './nlu.port';
export * from './memory.port';
export * from './clock.port';
export * from './conversation-store.port';
