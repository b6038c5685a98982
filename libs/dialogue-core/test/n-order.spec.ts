import { converse, type ConverseOptions } from '@parley/dialogue-core';
import { forecasts, tripBot, tripNlu } from './trip.bot';

const start = (options: ConverseOptions = {}) => converse(tripBot, { nlu: tripNlu, services: forecasts, ...options });

/** trip → hotel → guest, with the guest asking its third question. */
const atTheThirdQuestion = (options?: ConverseOptions) =>
  start(options)
    .say('plan a trip')
    .expect('Which city?')
    .say('Paris')
    .expect('Guest name?')
    .say('Ann')
    .expect('Phone number for Ann?')
    .say('123456')
    .expect('Email for Ann?');

describe.each([
  ['restoring each turn', {}],
  ['on the live tree', { live: true }],
])('N-order behaviours (%s)', (_name, options: ConverseOptions) => {
  describe('"no" to a confirm-cancel returns to the exact step, at every level', () => {
    it('asks the innermost question again with the data of every level kept', async () => {
      await atTheThirdQuestion(options)
        .say('cancel')
        .expect('Cancel the whole trip?')
        .check((r) => expect(r.pendingQuestion).toBe('Cancel the whole trip?'))
        .say('no')
        .expect("Good, let's go on.", 'Email for Ann?')
        .check((r) => expect(r.activePath).toEqual(['trip.planning', 'hotel.registering', 'guest.askingEmail']))
        .say('ann@example.com')
        .expect('A hotel in Paris for Ann. Book it?');
    });

    it('"yes" lets the cancel go on: the thread ends, announced once', async () => {
      await atTheThirdQuestion(options)
        .say('cancel')
        .say('yes')
        .expect('Trip cancelled.', 'What next?')
        .expectNot('OK, cancelled.')
        .check((r) => expect(r.threads.focus).toBe('home'));
    });

    it('a second cancel is a yes; something else re-asks the confirmation; back undoes the cancel', async () => {
      await atTheThirdQuestion(options).say('cancel').say('cancel').expect('Trip cancelled.');
      await atTheThirdQuestion(options)
        .say('cancel')
        .say('Paris')
        .expect("Sorry, I didn't understand that.", 'Cancel the whole trip?')
        .say('go back')
        .expect('Email for Ann?')
        .say('ann@example.com')
        .expect('A hotel in Paris for Ann. Book it?');
    });

    it('a confirmation pending in a sleeping thread is asked again when it wakes', async () => {
      await atTheThirdQuestion(options)
        .say('cancel')
        .say('news')
        .expect('Sports or politics?')
        .say('no')
        .expect('Cancel the whole trip?')
        .say('no')
        .expect('Email for Ann?');
    });
  });

  describe('replaceTo while another thread sleeps', () => {
    it('leaves the sleeping thread asleep, and wakes it when the replacing thread ends', async () => {
      await atTheThirdQuestion(options)
        .say('news')
        .expect('Sports or politics?')
        .check((r) => expect(r.threads).toEqual({ focus: 'news', sleeping: ['trip'], yielding: [], blocking: [] }))
        .say('weather instead')
        .expect('Weather for which city?')
        .check((r) => expect(r.threads).toEqual({ focus: 'weather', sleeping: ['trip'], yielding: [], blocking: [] }))
        .say('Rome')
        .expect('Forecast: sunny in Rome.', 'Another city?')
        .say('no')
        .expect('Email for Ann?')
        .check((r) => expect(r.threads).toEqual({ focus: 'trip', sleeping: [], yielding: [], blocking: [] }))
        .say('ann@example.com')
        .expect('A hotel in Paris for Ann. Book it?');
    });
  });

  describe('a failure stopped at a middle level', () => {
    it('does not poison the conversation: the failed context is gone, the level that stopped it goes on', async () => {
      await atTheThirdQuestion(options)
        .say('news')
        .say('crash')
        .expect("Sorry, I didn't understand that.")
        .say('back to my trip')
        .expect('Email for Ann?')
        .say('crash')
        .expect('The guest register failed, sorry.', 'Guest name?')
        .check((r) => expect(JSON.stringify(r.state.snapshot)).not.toContain('"error"'))
        .check((r) => expect(r.threads).toEqual({ focus: 'trip', sleeping: ['news'], yielding: [], blocking: [] }))
        .say('Bob')
        .expect('Phone number for Bob?')
        .check((r) => expect(r.reset).toBeUndefined())
        .say('no')
        .say('654321')
        .say('bob@example.com')
        .expect('A hotel in Paris for Bob. Book it?');
    });
  });

  describe('a service that throws', () => {
    it('is a failure escape at the context that invoked it: its own handler answers first', async () => {
      await start(options)
        .say('weather')
        .say('Atlantis')
        .expect('No forecast for that city.', 'What next?')
        .expectNot('Sorry, something went wrong')
        .check((r) => expect(r.threads.focus).toBe('home'));
    });

    it('bubbles when the context does not handle it, ending only its own thread', async () => {
      await atTheThirdQuestion(options)
        .say('weather')
        .say('Atlantis')
        .expect('No forecast for that city.', 'Email for Ann?');
    });
  });

  describe('runaway loops', () => {
    it('an always-loop that guards cannot stop is a failure escape naming the context and stage', async () => {
      await atTheThirdQuestion(options)
        .say('spin')
        .expect('The guest register failed, sorry.', 'Guest name?')
        .check((r) =>
          expect(r.problems).toEqual([
            expect.objectContaining({ code: 'TURN_LOOP', context: 'guest', stage: expect.stringMatching(/spinning/) }),
          ]),
        )
        .say('Carl')
        .expect('Phone number for Carl?');
    });

    it('a self-raising event loop is stopped the same way', async () => {
      await atTheThirdQuestion(options)
        .say('echo')
        .expect('The guest register failed, sorry.', 'Guest name?')
        .check((r) => expect(r.problems[0]).toMatchObject({ code: 'TURN_LOOP', context: 'guest' }));
    });

    it('the bound is configurable', async () => {
      await atTheThirdQuestion({ ...options, maxTransitions: 5 })
        .check((r) => expect(r.problems).toEqual([]))
        .say('spin')
        .check((r) => expect(r.problems[0]).toMatchObject({ code: 'TURN_LOOP', context: 'guest' }));
    });
  });

  describe('honest replies at the edges', () => {
    it('a cancel with nothing to cancel says so', async () => {
      await start(options).say('cancel').expect("There's nothing to cancel.").expectNot('OK, cancelled.');
    });

    it('a quit in the middle of a task does not speak as if it was done', async () => {
      await atTheThirdQuestion(options)
        .say('bye')
        .expect("OK, I've stopped what we were doing. Goodbye!")
        .check((r) => expect(r.outcome).toBe('ended'));
      await start(options).say('bye').expect('Goodbye!').expectNot('stopped');
    });

    it('refuses an external event the bot does not declare, naming the declared ones', async () => {
      const c = start(options);
      await c.say('plan a trip');
      await expect(c.event('unknown.thing')).rejects.toMatchObject({
        code: 'EVENT_NOT_DECLARED',
        message: expect.stringContaining('declares no external events'),
      });
    });
  });
});
