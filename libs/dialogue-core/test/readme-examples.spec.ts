import { converse, keywordNlu, defineBot, homeContext, openThread } from '@parley/dialogue-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { weather } from './readme-weather.context';

const README = readFileSync(join(__dirname, '../../../README.md'), 'utf8');

/** A ```ts block of the README whose first line is `// <name>`, without that line. */
function readmeBlock(name: string): string {
  const start = README.indexOf(`\`\`\`ts\n// ${name}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const body = README.slice(start + `\`\`\`ts\n// ${name}\n`.length);
  return body.slice(0, body.indexOf('```'));
}

/** A file of this folder without its first line (the note that it is the README's example). */
const file = (name: string) => readFileSync(join(__dirname, name), 'utf8').split('\n').slice(1).join('\n');

describe("the README's examples are the files the tests compile and run", () => {
  it('the weather context', () => {
    expect(readmeBlock('machines/juice/weather.context.ts (a first version)')).toBe(file('readme-weather.context.ts'));
  });

  it('the coffee bot and its test', () => {
    expect(readmeBlock('machines/coffee/coffee.bot.ts')).toBe(file('readme-coffee.bot.ts'));
    expect(readmeBlock('machines/coffee/coffee.spec.ts')).toBe(
      file('readme-coffee.spec.ts').replace("from './readme-coffee.bot'", "from './coffee.bot'"),
    );
  });

  it('the weather context asks for a city and returns it', async () => {
    const bot = defineBot({
      id: 'readme',
      version: 1,
      home: 'home',
      contexts: [homeContext({ prompt: 'Anything else?' }), weather],
      intents: { 'weather.ask': openThread('weather') },
    });
    const nlu = keywordNlu({ intents: { 'weather.ask': ['weather'] }, entities: { city: { 长沙: [], 北京: [] } } });
    await converse(bot, { nlu }).say('weather').expect('请问您想查哪个城市?').say('长沙').expect('Anything else?');
  });
});
