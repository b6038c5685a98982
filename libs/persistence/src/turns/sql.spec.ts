import { inline, literal } from './sql';

describe('SQL literals', () => {
  test('quote, backslash and unicode survive', () => {
    expect(literal("it's")).toBe("'it''s'");
    expect(literal('a\\b')).toBe(" E'a\\\\b'");
    expect(literal('长沙 \u{1F34A}')).toBe("'长沙 \u{1F34A}'");
    expect(literal(null)).toBe('NULL');
    expect(literal(3)).toBe('3');
  });

  test('inline replaces each placeholder once, $10 is not $1', () => {
    const params = Array.from({ length: 10 }, (_, i) => `p${i + 1}`);
    expect(inline('SELECT $1, $10', params)).toBe("SELECT 'p1', 'p10'");
    expect(() => inline('SELECT $2', ['x'])).toThrow();
  });
});
