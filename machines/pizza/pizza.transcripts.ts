/** The pizza bot's transcripts. */
import { turn as t, type Transcript } from '../transcript';

export const pizzaTranscripts: Transcript[] = [
  {
    name: 'P1: an order with the nested address sub-dialogue',
    turns: [
      t('hello', 'Parley Pizza'),
      t('I want a pizza', 'What size'),
      t('large', 'Which pizza'),
      t('pepperoni', 'What is the delivery address?'),
      t('12 Baker Street', 'Deliver to 12 Baker Street, right?'),
      t('yes', 'Address saved.', 'A large pepperoni to 12 Baker Street. Shall I place the order?'),
      t('yes', 'Your large pepperoni is on its way to 12 Baker Street!', 'Anything else'),
    ],
  },
  {
    name: 'P2: a cancel is intercepted with a question; "no" returns to the interrupted step',
    turns: [
      t('can I get a large pepperoni', 'What is the delivery address?'),
      t('cancel', 'Do you really want to cancel your pizza order?'),
      t('no', "Good, let's carry on.", 'What is the delivery address?'),
      t('cancel', 'Do you really want to cancel'),
      t('yes', 'OK, your pizza order is cancelled.', 'Anything else'),
    ],
  },
  {
    name: 'P2b: "no" to the cancel question returns to the exact step inside the address, with the street kept',
    turns: [
      t('I want a large pepperoni pizza', 'What is the delivery address?'),
      t('12 Main Street', 'Deliver to 12 Main Street, right?'),
      t('cancel', 'Do you really want to cancel your pizza order?'),
      t('no', "Good, let's carry on.", 'Deliver to 12 Main Street, right?'),
      t('yes', 'Address saved.', 'A large pepperoni to 12 Main Street. Shall I place the order?'),
    ],
  },
  {
    name: 'P3: a returning customer confirms the saved address; a cancel inside the address keeps it',
    turns: [
      t('one margherita please', 'What size'),
      t('small', 'What is the delivery address?'),
      t('1 Elm Road', 'Deliver to 1 Elm Road, right?'),
      t('yes', 'A small margherita to 1 Elm Road'),
      t('yes', 'on its way'),
      t('I want a pizza', 'What size'),
      t('medium', 'Which pizza'),
      t('veggie', 'Deliver to 1 Elm Road again?'),
      t('never mind', 'keeping your saved address, 1 Elm Road', 'A medium veggie to 1 Elm Road'),
      t('change my address', 'What is the delivery address?'),
      t('7 Oak Lane', 'Deliver to 7 Oak Lane, right?'),
      t('yes', 'A medium veggie to 7 Oak Lane'),
    ],
  },
  {
    name: 'P4: going back a step, and not understood',
    turns: [
      t('I want a pizza', 'What size'),
      t('small', 'Which pizza'),
      t('go back', 'What size'),
      t('sing me a song', "Sorry, I didn't understand that.", 'What size'),
    ],
  },
  {
    name: 'P5: changing the address as a task of its own',
    turns: [
      t('please change the delivery address', 'What is the delivery address?'),
      t('5 Main Street', 'Deliver to 5 Main Street, right?'),
      t('yes', 'Address saved.', 'Anything else'),
      t('I want a pizza', 'What size'),
      t('large', 'Which pizza'),
      t('hawaiian', 'Deliver to 5 Main Street again?'),
    ],
  },
];
