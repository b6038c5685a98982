/* eslint-disable @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-assignment -- the expected compile errors below give error-typed values */
/**
 * Type checks of the authoring kit, run by `npm run typecheck` (this file is compiled, never executed): every
 * `@ts-expect-error` line must be a compile error, or the type check fails. They prove that a wrong field, a wrong
 * result or a wrong entity is caught when the bot is compiled, not in a conversation.
 */
import { botKit, contextKit, defineBot, openThread } from '@parley/dialogue-core';

interface Order {
  size: 'small' | 'large' | null;
  count: number;
}
interface Quiz {
  answer: string | null;
}

const kit = botKit<{ memory: { customer: { orders: number } }; entities: { size: 'small' | 'large'; phone: string } }>();
const o = kit.context<Order, { size: string }>();
const q = contextKit<Quiz, { score: number }>();

const quiz = q.defineContext({ id: 'quiz', context: { answer: null }, initial: 'done', stages: { done: q.finish('done', { score: 1 }) } });

export const typeChecks = [
  o.update({ count: 1 }),
  // @ts-expect-error: `sise` is not a field of the context's data
  o.update({ sise: 'small' }),
  // @ts-expect-error: a field of the wrong type
  o.update({ count: 'one' }),
  o.ask({ prompt: ({ context }) => `${context.count} so far` }),
  // @ts-expect-error: a prompt that reads data the context does not have
  o.ask({ prompt: ({ context }) => context.total }),
  o.finish('done', ({ context }) => ({ size: context.size ?? 'small' })),
  // @ts-expect-error: a result field the context does not return
  o.finish('done', { sized: 'small' }),
  o.dependOn(quiz, { onDone: { done: { actions: o.update(({ event }) => ({ count: event.output.score })) } } }),
  // @ts-expect-error: the child's result has no `points`
  o.dependOn(quiz, { onDone: { done: { actions: o.update(({ event }) => ({ count: event.output.points })) } } }),
  o.ask({
    prompt: 'Size?',
    on: { 'intent.*': { actions: o.update(({ event }) => ({ size: o.entity(event, 'size') ?? null })) } },
  }),
  // @ts-expect-error: the bot has no entity `colour`
  o.entity(undefined, 'colour'),
  // @ts-expect-error: an external event's fields are unknown until checked
  o.ask({ prompt: 'x', on: { 'ext.paid': { actions: o.update(({ event }) => ({ count: event.amount })) } } }),
  o.remember('customer', ({ memory }) => ({ orders: (memory.customer?.orders ?? 0) + 1 })),
  // @ts-expect-error: memory the bot does not declare
  o.remember('basket', { items: [] }),
  // @ts-expect-error: the wrong shape for the bot's memory
  o.remember('customer', { orders: 'many' }),
  o.form({
    slots: { size: { prompt: 'Size?', fill: (event) => o.entity(event, 'size') } },
    onDone: 'next',
  }),
  o.form({
    // @ts-expect-error: a slot must fill the field's type
    slots: { count: { prompt: 'How many?', fill: () => 'three' } },
    onDone: 'next',
  }),
  o.ask({ prompt: 'Size?', choices: ['small', 'large'] }),
  o.ask({ prompt: 'Size?', choices: ({ context }) => (context.count > 0 ? ['same again'] : ['small', 'large']) }),
  // @ts-expect-error: choices are the texts a user can send back
  o.ask({ prompt: 'How many?', choices: [1, 2, 3] }),
  // @ts-expect-error: choices computed from data the context does not have
  o.ask({ prompt: 'Size?', choices: ({ context }) => context.sizes }),
  o.form({
    slots: { size: { prompt: 'Size?', choices: ['small', 'large'], fill: (event) => o.entity(event, 'size') } },
    onDone: 'next',
  }),
  o.handoff({ reason: ({ context }) => `after ${context.count} tries`, say: 'A person will take over.' }),
  // @ts-expect-error: a reason computed from data the context does not have
  o.handoff({ reason: ({ context }) => context.tries }),
  // @ts-expect-error: what the bot says last is text
  o.handoff({ say: 42 }),
  o.ask({ prompt: 'x', onReturn: { actions: o.say('Back with you.') } }),
  // @ts-expect-error: onReturn's actions are checked against the context's data like any other
  o.ask({ prompt: 'x', onReturn: { actions: o.update({ sise: 'small' }) } }),
  o.delegate({ brain: 'faq', memory: ['customer'], onDone: { actions: o.update(({ event }) => ({ count: Number(event.output.score) })) } }),
  // @ts-expect-error: the brain may only see memory the bot declares
  o.delegate({ brain: 'faq', memory: ['basket'], onDone: 'done' }),
  // @ts-expect-error: a brain's result is JSON, not the context's data: `size` must be checked before it is used
  o.delegate({ brain: 'faq', onDone: { actions: o.update(({ event }) => ({ size: event.output.size })) } }),
  kit.brainContext({ id: 'faq', brain: 'faq', memory: ['customer'] }),
  // @ts-expect-error: the same for a context that is all brain
  kit.brainContext({ id: 'faq', brain: 'faq', memory: ['basket'] }),
  // @ts-expect-error: XState timers are not a stage option (they are lost between turns)
  o.ask({ prompt: 'x', after: { 1000: 'y' } }),
  defineBot({ id: 'x', version: 1, home: 'quiz', contexts: [quiz], intents: { go: openThread('quiz') } }),
];
