import { converse, InMemoryMemory, type ConversationState } from '@parley/dialogue-core';
import { BuiltinNlu } from '@parley/nlu';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pizza } from './pizza.bot';

const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), log: () => undefined });
/** Conversations stored by pizza version 1 (its `taking` stage and `confirmingCancel` question), as fixtures. */
const stored = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', `v1-${name}.json`), 'utf8')) as ConversationState;

describe('pizza version 2 takes over conversations stored by version 1', () => {
  const resume = (name: string) => {
    const conversation = converse(pizza, { nlu, memory: new InMemoryMemory() });
    conversation.state = stored(name);
    return conversation;
  };

  it('an order in the address sub-dialogue goes on where it was, and can go back', async () => {
    await resume('confirming-street')
      .say('yes')
      .check((r) => expect(r.reset).toBeUndefined())
      .expect('Address saved.', 'A large pepperoni to 12 Main Street. Shall I place the order?')
      .check((r) => expect(r.state.version).toBe(2));
    await resume('confirming-street').say('go back').expect('What is the delivery address?');
  });

  it('an order asking to confirm a cancel still asks it: "yes" cancels, "no" goes on', async () => {
    await resume('confirming-cancel')
      .say('yes')
      .check((r) => expect(r.reset).toBeUndefined())
      .expect('OK, your pizza order is cancelled.', 'Anything else');
    await resume('confirming-cancel').say('no').expect("Good, let's carry on.", 'What is the delivery address?');
  });
});
