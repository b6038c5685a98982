import { converse, InMemoryMemory } from '@parley/dialogue-core';
import { BuiltinNlu } from '@parley/nlu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTurn } from '../transcript';
import { pizza } from './pizza.bot';
import { pizzaTranscripts } from './pizza.transcripts';

const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), log: () => undefined });

describe('pizza transcripts, on the engine', () => {
  it.each(pizzaTranscripts.map((transcript) => [transcript.name, transcript] as const))(
    '%s',
    async (_name, transcript) => {
      const conversation = converse(pizza, { nlu, memory: new InMemoryMemory() });
      for (const turn of transcript.turns) {
        await conversation.say(turn.say);
        const problem = checkTurn(
          turn,
          conversation.last.replies.map((r) => r.text),
        );
        if (problem)
          throw new Error(
            `${problem}\n\ntranscript:\n${conversation.transcript.map((l) => `  ${l.from}: ${l.text}`).join('\n')}`,
          );
      }
    },
  );
});
