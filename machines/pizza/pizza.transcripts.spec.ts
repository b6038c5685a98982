import { converse, InMemoryMemory } from '@parley/dialogue-core';
import { BuiltinNlu } from '@parley/nlu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { playTranscript } from '../transcript';
import { pizza } from './pizza.bot';
import { pizzaTranscripts } from './pizza.transcripts';

const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), log: () => undefined });

describe('pizza transcripts, on the engine', () => {
  it.each(pizzaTranscripts.map((transcript) => [transcript.name, transcript] as const))(
    '%s',
    async (_name, transcript) => {
      const conversation = converse(pizza, { nlu, memory: new InMemoryMemory() });
      await playTranscript(transcript, async (_user, text) => {
        await conversation.say(text);
        return conversation.last.replies.map((reply) => reply.text);
      });
    },
  );
});
