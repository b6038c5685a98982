import { UsageError } from '../../apps/api/src/cli/command-line';
import { loadName, parseLoads } from '../../scripts/bench/load-spec';
import { checkReplies, JUICE_ORDER } from '../../scripts/bench/juice-order';
import { parleyRunner } from '../../scripts/bench/parley-runners';
import { xstateRunner } from '../../scripts/bench/xstate-runner';

describe('npm run bench --scenarios', () => {
  it('reads scenario@users, 8 users when not given', () => {
    expect(parseLoads('juice@64, new-user,counter@1')).toEqual([
      { scenario: 'juice', users: 64 },
      { scenario: 'new-user', users: 8 },
      { scenario: 'counter', users: 1 },
    ]);
  });

  it('reads the number of server processes after an x', () => {
    const loads = parseLoads('juice@64,juice@64x2');
    expect(loads).toEqual([
      { scenario: 'juice', users: 64 },
      { scenario: 'juice', users: 64, processes: 2 },
    ]);
    expect(loads.map(loadName)).toEqual(['juice@64', 'juice@64x2']);
  });

  it('reads a think time in ms after a ~, with or without processes', () => {
    const loads = parseLoads('juice@64~250,juice@64x2~100');
    expect(loads).toEqual([
      { scenario: 'juice', users: 64, thinkMs: 250 },
      { scenario: 'juice', users: 64, processes: 2, thinkMs: 100 },
    ]);
    expect(loads.map(loadName)).toEqual(['juice@64~250', 'juice@64x2~100']);
  });

  it.each([
    ['pizza', /Unknown scenario 'pizza'/],
    ['juice@64~0', /think time \(ms\) of 'juice@64~0' must be a whole number ≥ 1/],
    ['juice@64~', /whole number ≥ 1/],
    ['juice@64x0', /processes of 'juice@64x0' must be a whole number ≥ 1/],
    ['juice@0', /whole number ≥ 1/],
    ['juice@x', /whole number ≥ 1/],
    ['juice,juice@8', /'juice@8' is listed twice/],
    [',', /names no scenario/],
  ])('refuses %s', (list, message) => {
    expect(() => parseLoads(list)).toThrow(UsageError);
    expect(() => parseLoads(list)).toThrow(message);
  });
});

describe('npm run bench:peers: the order on Parley’s engine', () => {
  // What the NLU gives for the order's messages (bench:peers classifies them with the real NLU at start).
  const classified = [
    { intent: 'order.juice', entities: [] },
    { intent: 'inform', entities: [{ name: 'flavor', value: '苹果' }] },
    { intent: 'inform', entities: [{ name: 'ice', value: 'no' }] },
    { intent: 'inform', entities: [{ name: 'package', value: 'cup' }] },
    { intent: 'affirm', entities: [] },
    { intent: null, entities: [] },
    { intent: 'inform', entities: [{ name: 'number', value: 123 }] },
    { intent: 'inform', entities: [{ name: 'phone', value: '13800138000' }] },
    { intent: 'affirm', entities: [] },
  ];
  const order = JUICE_ORDER.map((turn, i) => ({ text: turn.text, ...classified[i]! }));

  const runners = {
    'parley-restore': () => parleyRunner('restore'),
    'parley-live': () => parleyRunner('live'),
    'xstate-restore': () => xstateRunner('restore'),
    'xstate-live': () => xstateRunner('live'),
  };

  it.each(Object.keys(runners) as (keyof typeof runners)[])(
    '%s answers every turn as the juice bot does, order after order',
    async (name) => {
      const runner = runners[name]();
      expect(runner.name).toBe(name);
      for (const n of [1, 2]) {
        for (const [step, input] of order.entries())
          checkReplies(runner.name, step, await runner.turn(`c${n}`, `u${n}`, input));
        runner.ended?.(`c${n}`);
      }
    },
  );

  it('bare XState, restored from JSON, offers no membership to a customer who signed up in an earlier order', async () => {
    const runner = xstateRunner('restore');
    for (const input of order) await runner.turn('c1', 'u1', input);
    const [start, flavor, ice, pack] = order;
    for (const input of [start!, flavor!, ice!]) await runner.turn('c2', 'u1', input);
    expect(await runner.turn('c2', 'u1', pack!)).toEqual(['会员8折, 请付12元。']);
  });

  it('names the turn and the missing words when a framework answers otherwise', () => {
    expect(() => checkReplies('x', 6, ['手机号格式不对, 应该是11位数字。'])).toThrow(
      'x: turn 7 («123») answered «手机号格式不对, 应该是11位数字。», missing «请留一个手机号».',
    );
  });
});
