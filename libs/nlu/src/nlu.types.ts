// Mirrors libs/dialogue-core/src/ports/nlu.port.ts until dialogue-core exports it from its index.ts;
// structurally identical, so a BuiltinNlu is assignable to the engine's NluPort either way.
export interface Entity {
  name: string;
  value: string | number;
  text?: string;
  start?: number;
  end?: number;
}

export interface IntentScore {
  intent: string;
  confidence: number;
}

export interface Understanding {
  intent: string | null;
  confidence: number;
  entities: Entity[];
  alternatives: IntentScore[];
}

export interface UnderstandOptions {
  bot: string;
  locale: string;
  openIntents: readonly string[];
  timeZone?: string;
  now?: Date;
}

export interface NluPort {
  understand(text: string, options: UnderstandOptions): Promise<Understanding>;
}
