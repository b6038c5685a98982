import { query } from './test-database';

export interface Line {
  seq: number;
  turn: number;
  direction: 'in' | 'out';
  kind: string;
  text: string;
  message_id: string | null;
}

/** The stored transcript of a conversation, in order. */
export function transcriptOf(schema: string, conversationId: string): Promise<Line[]> {
  return query<Line>(
    `SELECT seq, turn, direction, kind, text, message_id FROM "${schema}".transcript WHERE conversation_id = $1 ORDER BY seq`,
    [conversationId],
  );
}

/**
 * No half-written turn: seq is 1..n without gaps, turns are 1..t without gaps, every turn is one 'in' line followed by
 * its replies, and the conversation row counts exactly those turns.
 */
export async function expectWholeTurns(schema: string, conversationId: string): Promise<Line[]> {
  const lines = await transcriptOf(schema, conversationId);
  expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
  const turns = [...new Set(lines.map((l) => l.turn))];
  expect(turns).toEqual(turns.map((_, i) => i + 1));
  for (const turn of turns) {
    const own = lines.filter((l) => l.turn === turn);
    expect(own[0]!.direction).toBe('in');
    expect(own.slice(1).every((l) => l.direction === 'out')).toBe(true);
    expect(own.length).toBeGreaterThan(1);
  }
  const [row] = await query<{ turns: number; transcript_seq: number }>(
    `SELECT turns, transcript_seq FROM "${schema}".conversations WHERE id = $1`,
    [conversationId],
  );
  expect(row).toEqual({ turns: turns.length, transcript_seq: lines.length });
  return lines;
}
