import type { Json } from '@parley/dialogue-core';
import { PathsError } from '../paths.error';
import type { PathTranscript, TranscriptFile, TranscriptTurn } from './transcript.types';

/**
 * The committed transcript format: one file per context under `machines/<bot>/paths/`, plain text made to be read
 * in a review.
 *
 *     ## order 2: order.askingIce: intent.deny → next
 *     covers: order.askingIce: intent.deny → next
 *     U: 我想买果汁
 *     B: 请问您要什么口味? 我们有苹果、橙子、西瓜, 每杯15元。
 *     @ order.askingFlavor
 *     E: payment.confirmed {"amount":15}
 *     S: forecast → sunny
 *     ! the engine threw: …
 */
export function formatTranscriptFile(file: TranscriptFile): string {
  const lines = [
    `# Path tests of bot '${file.bot}', generated from its statecharts by \`npm run paths -- ${file.bot}\`.`,
    '# Do not edit: change the bot, regenerate, and review the diff. Every path is a new conversation.',
    '# U: the user · E: an external event · S: the sample that answered a service · B: the bot · @: the state after',
    '# the turn · !: something the engine did wrong.',
    `clock: ${file.now}`,
  ];
  for (const path of file.paths) lines.push('', ...formatPath(path));
  return `${lines.join('\n')}\n`;
}

function formatPath(path: PathTranscript): string[] {
  const lines = [`## ${path.title}`];
  if (path.covers.length) lines.push(`covers: ${path.covers.join(' · ')}`);
  for (const turn of path.turns) lines.push(...formatTurn(turn));
  return lines;
}

function formatTurn(turn: TranscriptTurn): string[] {
  const lines: string[] = [];
  if (turn.input.kind === 'say') lines.push(`U: ${escape(turn.input.text)}`);
  else {
    const payload = Object.keys(turn.input.payload).length ? ` ${JSON.stringify(turn.input.payload)}` : '';
    lines.push(`E: ${turn.input.type}${payload}`);
  }
  for (const call of turn.services) lines.push(`S: ${call.service} → ${call.sample}`);
  for (const reply of turn.replies) lines.push(`B: ${escape(reply)}`);
  for (const note of turn.notes) lines.push(`! ${escape(note)}`);
  lines.push(`@ ${turn.state}`);
  return lines;
}

/** Read a transcript file back (what the Jest replay and `--check` do). */
export function parseTranscriptFile(name: string, bot: string, text: string): TranscriptFile {
  const file: TranscriptFile = { name, bot, now: '', paths: [] };
  let path: PathTranscript | undefined;
  let turn: TranscriptTurn | undefined;
  const fail = (line: number, message: string): never => {
    throw new PathsError('PATHS_TRANSCRIPT_INVALID', `${name}:${line}: ${message}`, { bot, file: name });
  };
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    const at = index + 1;
    if (line === '' || (line.startsWith('#') && !line.startsWith('## '))) return;
    if (line.startsWith('clock: ')) {
      file.now = line.slice(7);
      return;
    }
    if (line.startsWith('## ')) {
      path = { title: line.slice(3), covers: [], turns: [] };
      file.paths.push(path);
      turn = undefined;
      return;
    }
    if (!path) return fail(at, `expected '## <title>' before «${line}»`);
    if (line.startsWith('covers: ')) {
      path.covers = line.slice(8).split(' · ');
      return;
    }
    const tag = line.slice(0, 2);
    const rest = line.slice(tag === '@ ' || tag === '! ' ? 2 : 3);
    if (tag === 'U:' || tag === 'E:') {
      turn = {
        input: tag === 'U:' ? { kind: 'say', text: unescape(rest) } : parseEvent(rest, at, fail),
        services: [],
        replies: [],
        state: '',
        notes: [],
      };
      path.turns.push(turn);
      return;
    }
    if (!turn) return fail(at, `expected a 'U:' or 'E:' line before «${line}»`);
    if (tag === 'S:') {
      const [service, sample] = rest.split(' → ');
      if (!service || !sample) return fail(at, `expected 'S: <service> → <sample>'`);
      turn.services.push({ service, sample });
    } else if (tag === 'B:') turn.replies.push(unescape(rest));
    else if (tag === '! ') turn.notes.push(unescape(rest));
    else if (tag === '@ ') turn.state = rest;
    else fail(at, `unknown line «${line}»`);
  });
  if (!file.now) throw new PathsError('PATHS_TRANSCRIPT_INVALID', `${name}: no 'clock:' line`, { bot, file: name });
  return file;
}

function parseEvent(rest: string, at: number, fail: (line: number, message: string) => never) {
  const space = rest.indexOf(' ');
  const type = space < 0 ? rest : rest.slice(0, space);
  let payload: Record<string, Json> = {};
  if (space >= 0) {
    try {
      payload = JSON.parse(rest.slice(space + 1)) as Record<string, Json>;
    } catch {
      fail(at, `the payload of event '${type}' is not JSON`);
    }
  }
  return { kind: 'event' as const, type, payload };
}

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function unescape(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}
