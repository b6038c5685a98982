import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingPeers } from '../../scripts/bench-peers';

describe('bench:peers installs the peers when their pinned versions are not there', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-peers-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { a: '1.0.0', b: '2.0.0', c: '3.0.0' } }));
  const installed = (name: string, version: string) => {
    mkdirSync(join(dir, 'node_modules', name), { recursive: true });
    writeFileSync(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
  };

  it('names those missing or at another version', () => {
    expect(missingPeers(dir)).toEqual(['a@1.0.0', 'b@2.0.0', 'c@3.0.0']);
    installed('a', '1.0.0');
    installed('b', '1.9.0');
    expect(missingPeers(dir)).toEqual(['b@2.0.0', 'c@3.0.0']);
    installed('b', '2.0.0');
    installed('c', '3.0.0');
    expect(missingPeers(dir)).toEqual([]);
  });
});
