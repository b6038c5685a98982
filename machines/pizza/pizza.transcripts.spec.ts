import { converse, InMemoryMemory, type ConverseOptions } from '@parley/dialogue-core';
import { BuiltinNlu } from '@parley/nlu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pizza } from './pizza.bot';

const nlu = new BuiltinNlu({ cacheDir: mkdtempSync(join(tmpdir(), 'parley-nlu-')), log: () => undefined });
const chat = (options: ConverseOptions = {}) => converse(pizza, { nlu, ...options });

describe('pizza transcripts', () => {
  it('P1: an order with the nested address sub-dialogue', async () => {
    await chat()
      .say('hello')
      .expect('Parley Pizza')
      .say('I want a pizza')
      .expect('What size')
      .say('large')
      .expect('Which pizza')
      .say('pepperoni')
      .expect('What is the delivery address?')
      .say('12 Baker Street')
      .expect('Deliver to 12 Baker Street, right?')
      .say('yes')
      .expect('Address saved.', 'A large pepperoni to 12 Baker Street. Shall I place the order?')
      .say('yes')
      .expect('Your large pepperoni is on its way to 12 Baker Street!', 'Anything else');
  });

  it('P2: a cancel is intercepted with a question; "no" returns to the interrupted step', async () => {
    await chat()
      .say('can I get a large pepperoni')
      .expect('What is the delivery address?')
      .say('cancel')
      .expect('Do you really want to cancel your pizza order?')
      .say('no')
      .expect("Good, let's carry on.", 'What is the delivery address?')
      .say('cancel')
      .expect('Do you really want to cancel')
      .say('yes')
      .expect('OK, your pizza order is cancelled.', 'Anything else')
      .check((r) => expect(r.threads.focus).toBe('home'));
  });

  it('P3: a returning customer confirms the saved address; a cancel inside the address keeps it', async () => {
    const memory = new InMemoryMemory();
    await chat({ memory })
      .say('one margherita please')
      .say('small')
      .say('1 Elm Road')
      .say('yes')
      .say('yes')
      .expect('on its way');
    await chat({ memory, conversationId: 'c2' })
      .say('I want a pizza')
      .say('medium')
      .say('veggie')
      .expect('Deliver to 1 Elm Road again?')
      .say('never mind')
      .expect('keeping your saved address, 1 Elm Road', 'A medium veggie to 1 Elm Road')
      .say('change my address')
      .expect('What is the delivery address?')
      .say('7 Oak Lane')
      .say('yes')
      .expect('A medium veggie to 7 Oak Lane');
  });

  it('P5: changing the address as a task of its own', async () => {
    const memory = new InMemoryMemory();
    await chat({ memory })
      .say('please change the delivery address')
      .expect('What is the delivery address?')
      .say('5 Main Street')
      .say('yes')
      .expect('Address saved.', 'Anything else')
      .say('I want a pizza')
      .say('large')
      .say('hawaiian')
      .expect('Deliver to 5 Main Street again?');
  });

  it('P4: going back a step, and not understood', async () => {
    await chat()
      .say('I want a pizza')
      .say('small')
      .expect('Which pizza')
      .say('go back')
      .expect('What size')
      .say('sing me a song')
      .expect("Sorry, I didn't understand that.", 'What size');
  });
});
