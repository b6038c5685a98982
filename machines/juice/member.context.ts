import { juiceKit } from './kit';
import { NEW_CUSTOMER } from './menu';

interface MemberData {
  /** `offer`: offered during an order; `join`: a thread of its own («我要办会员»). */
  mode: 'offer' | 'join';
  name: string | null;
}

/** What the caller learns: did the customer become (or were they already) a member? */
export interface MemberResult {
  member: boolean;
}

const { defineContext, ask, finish, remember, say, update, when, entity } = juiceKit.context<MemberData, MemberResult>();

/**
 * Membership. Two ways in: offered during an order (`dependOn(member, { input: { mode: 'offer' } })`, returns
 * `{ member }`), or its own thread («我要办会员»). A cancel from inside it is intercepted: no membership, and the
 * order goes on.
 */
export const member = defineContext({
  id: 'member',
  description: 'Sign up for membership (8折); remembered per user.',
  memory: { customer: { scope: 'user', initial: NEW_CUSTOMER } },
  context: ({ input }) => ({ mode: input.mode === 'offer' ? 'offer' : 'join', name: null }),
  initial: 'start',
  stages: {
    start: {
      always: [
        { guard: 'isMember', target: 'alreadyMember' },
        { guard: when(({ context }) => context.mode === 'offer'), target: 'offering' },
        { target: 'askingName' },
      ],
    },
    alreadyMember: { entry: say('您已经是我们的会员了, 买果汁一律8折。'), always: 'joined' },
    offering: ask({
      prompt: '办理会员可以享受8折优惠, 要办理吗?',
      choices: ['好的', '不用了'],
      on: { 'intent.affirm': 'askingName', 'intent.deny': 'declined' },
    }),
    askingName: ask({
      prompt: '好的, 请问怎么称呼您?',
      on: {
        'intent.none': { target: 'askingPhone', actions: update(({ event }) => ({ name: cleanName(event.text) })) },
        'intent.inform': { target: 'askingPhone', actions: update(({ event }) => ({ name: cleanName(event.text) })) },
      },
    }),
    askingPhone: ask({
      prompt: ({ context }) => `${context.name ?? ''}您好, 请留一个手机号。`,
      on: {
        'intent.*': [
          {
            guard: when(({ event }) => entity(event, 'phone') !== undefined),
            target: 'joined',
            actions: [
              remember('customer', ({ memory, context, event }) => ({
                ...(memory.customer ?? NEW_CUSTOMER),
                member: true,
                name: context.name ?? undefined,
                phone: entity(event, 'phone'),
              })),
              say('会员办理成功! 以后买果汁一律8折。'),
            ],
          },
          {
            guard: when(({ event }) => ['inform', 'none'].includes(event.intent) || /\d/.test(event.text)),
            target: 'askingPhone',
            reenter: true,
            actions: say('手机号格式不对, 应该是11位数字。'),
          },
        ],
      },
    }),
    joined: finish('done', { member: true }),
    declined: finish('done', { member: false }),
  },
  guards: { isMember: ({ memory }) => memory.customer?.member === true },
  // «算了» while signing up: no membership, and whoever asked goes on.
  onCancel: { target: '.declined', actions: say('好的, 不办会员了。') },
});

/** «我叫李雷» → 李雷 */
function cleanName(text: string): string {
  return (
    text
      .replace(/^(我叫|我是|叫我|我姓|姓)/, '')
      .replace(/[,，。.!！?？\s]/g, '')
      .slice(0, 20) || text
  );
}
