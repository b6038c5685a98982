// The README's "Write a bot" test, verbatim: keep the two in sync.
import { converse } from '@parley/dialogue-core';
import { coffee, coffeeNlu } from './readme-coffee.bot';

it('orders a coffee', async () => {
  await converse(coffee, { nlu: coffeeNlu })
    .say('a big coffee please')
    .expect('A large coffee, right?')
    .say('no')
    .expect('Small or large?')
    .say('go back')
    .expect('A large coffee, right?')
    .say('cancel')
    .expect('Order cancelled.', 'Anything else?');
});
