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
        [*] --> n5
      }
    }
    state "thread order" as n6 {
      state "order · ⚑ cancel" as n7 {
        state "askingSize · “Size?”" as n9
        state "confirming · ⤷ confirm" as n10
        state "done · ⇒ done" as n11
        n11 --> [*]
        [*] --> n9
      }
    }
    state "thread confirm" as n12 {
      state "confirm" as n13 {
        state "asking · “Sure?”" as n15
        state "yes · ⇒ done" as n16
        n16 --> [*]
        state "no · ⇒ cancelled" as n17
        n17 --> [*]
        [*] --> n15
      }
    }
  }
  n1 --> n6 : order.start
  n9 --> n10 : size [hasSize]
  n10 --> n13 : starts confirm
  n10 --> n11 : done
  n15 --> n16 : affirm
  n15 --> n17 : deny
  n13 --> n17 : ⚑ cancel
`);
  });

  test('quotes and line breaks in labels cannot break the syntax', () => {
    const diagram = buildDiagram(miniBot());
    diagram.nodes.find((n) => n.id === 'home:idle')!.prompt = 'Say "hi"\nplease; #1';
    diagram.edges.find((e) => e.id === 'e8')!.label = 'yes; #1\nok';
    const text = toMermaid(diagram);
    expect(text).toContain('state "idle · “Say ”hi” please; #1”" as n5');
    expect(text).toContain('n15 --> n16 : yes, ＃1 ok');
  });
});
