import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NluError } from '../nlu.error';
import { loadCorpus, parseCorpus } from './corpus.loader';

const base = 'intents:\n  greet: [hello, hi]\n  quit: [bye]\n';

describe('corpus loader', () => {
  it('merges several files and ignores the held-out test set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-corpus-'));
    writeFileSync(join(dir, 'a.yaml'), `locale: en\n${base}`);
    writeFileSync(join(dir, 'b.yaml'), 'intents:\n  greet: [hey]\nentities:\n  size:\n    values: { large: [big] }\n');
    writeFileSync(join(dir, 'test-set.yaml'), '- { text: hiya, intent: greet }\n');
    const corpus = await loadCorpus('x', dir);
    expect(corpus.files).toEqual(['a.yaml', 'b.yaml']);
    expect(corpus.intents.greet).toEqual(['hello', 'hi', 'hey']);
    expect(corpus.entities.size).toEqual({ kind: 'dictionary', values: { large: ['big'] }, matchValues: true });
  });

  it('hashes the content: same files, same hash; any edit, another', () => {
    const a = parseCorpus('x', [{ name: 'c.yaml', text: base }]);
    expect(parseCorpus('x', [{ name: 'c.yaml', text: base }]).hash).toBe(a.hash);
    expect(parseCorpus('x', [{ name: 'c.yaml', text: `${base}  help: [help]\n` }]).hash).not.toBe(a.hash);
  });

  it.each([
    ['an unknown section', `${base}intent: {}\n`, /unknown section "intent"/],
    ['an example under two intents', 'intents:\n  greet: [hello]\n  quit: [Hello]\n', /both greet and quit/],
    ['a bad regex', `${base}entities:\n  id:\n    regex: '(['\n`, /bad regex/],
    ['an unknown builtin', `${base}builtins: [colour]\n`, /unknown builtin/],
    ['broken YAML', 'intents: [\n', /c.yaml/],
  ])('rejects %s with NLU_CORPUS_INVALID', (_what, text, message) => {
    let error: unknown;
    try {
      parseCorpus('x', [{ name: 'c.yaml', text }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NluError);
    expect((error as NluError).code).toBe('NLU_CORPUS_INVALID');
    expect((error as NluError).message).toMatch(message);
  });

  it('says which folder is missing', async () => {
    await expect(loadCorpus('ghost', '/nonexistent/ghost/nlu')).rejects.toMatchObject({ code: 'NLU_CORPUS_NOT_FOUND' });
  });
});
