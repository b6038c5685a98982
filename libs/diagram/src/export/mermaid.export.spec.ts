import { miniBot } from '../../test/mini.bot';
import { buildDiagram } from '../model/build-diagram';
import { toMermaid } from './mermaid.export';

describe('toMermaid', () => {
  test('a small bot as a stateDiagram-v2: composite threads and contexts, [*] for initial and final stages', () => {
    expect(toMermaid(buildDiagram(miniBot()))).toBe(`stateDiagram-v2
  state "mini v2" as n0 {
    state "bot-wide · help: reply" as n1
    state "thread home (home)" as n2 {
      state "home" as n3 {
        state "idle · “Anything else?”" as n5
        state "closed · ⇒ done" as n6
        n6 --> [*]
        [*] --> n5
      }
    }
    state "thread order" as n7 {
      state "order · ⚑ cancel" as n8 {
        state "askingSize · “Size?”" as n10
        state "confirming · ⤷ confirm" as n11
        state "done · ⇒ done" as n12
        n12 --> [*]
        [*] --> n10
      }
    }
    state "thread confirm" as n13 {
      state "confirm" as n14 {
        state "asking · “Sure?”" as n16
        state "yes · ⇒ done" as n17
        n17 --> [*]
        state "no · ⇒ cancelled" as n18
        n18 --> [*]
        [*] --> n16
      }
    }
  }
  n1 --> n7 : order.start
  n10 --> n11 : size [hasSize]
  n11 --> n14 : starts confirm
  n11 --> n12 : done
  n16 --> n17 : affirm
  n16 --> n18 : deny
  n14 --> n18 : ⚑ cancel
`);
  });

  test('quotes and line breaks in labels cannot break the syntax', () => {
    const diagram = buildDiagram(miniBot());
    diagram.nodes.find((n) => n.id === 'home:idle')!.prompt = 'Say "hi"\nplease; #1';
    diagram.edges.find((e) => e.id === 'e8')!.label = 'yes; #1\nok';
    const text = toMermaid(diagram);
    expect(text).toContain('state "idle · “Say ”hi” please; #1”" as n5');
    expect(text).toContain('n16 --> n17 : yes, ＃1 ok');
  });
});
