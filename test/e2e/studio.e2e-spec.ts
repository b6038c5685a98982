import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBot } from '@parley/machines';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AnyStateNode } from 'xstate';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { launchBrowser, loopbackOnly, pageProblems } from '../helpers/browser';
import { post, startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

// The callbacks of page.evaluate and $$eval run in the browser: the little of the DOM they use, typed here (not the
// whole DOM library, which would let server code use browser globals unnoticed).
declare const document: { querySelector(selector: string): { textContent: string | null } | null; cookie: string };
declare const sessionStorage: { length: number; getItem(key: string): string | null };

const juice = findBot('juice')!;
const schema = freshSchema('studio');
/** Screenshots land here (look at them: `PARLEY_SCREENSHOTS=/some/dir npx jest test/e2e/studio`). */
const shots = process.env.PARLEY_SCREENSHOTS ?? join(tmpdir(), 'parley-studio');
let app: ParleyApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let network: { blocked: string[]; requested: string[] };
let problems: string[];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  [app, browser] = await Promise.all([startInProcess({ bots: [juice], schema }), launchBrowser()]);
  context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  network = await loopbackOnly(context);
  problems = pageProblems(context);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await dropSchema(schema);
});

/** Every stage path of a machine, nested ones too. */
function stagePaths(node: AnyStateNode): string[] {
  return Object.values(node.states).flatMap((child) => [child.path.join('.'), ...stagePaths(child)]);
}

async function say(userId: string, text: string): Promise<string> {
  const res = await post(`${app.url}/channels/rest/juice`, { userId, text });
  expect(res.status).toBe(200);
  return res.body.conversationId as string;
}

describe(`Studio in Chromium (${testDatabaseKind()})`, () => {
  test('a wrong token is refused and not kept', async () => {
    await page.goto(`${app.url}/studio`);
    await page.fill('#token', 'not-the-admin-token-at-all');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#sign-in-error')?.textContent?.includes('refused'));
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(page.url()).toBe(`${app.url}/studio`);
    // Its icon is in the page: a browser does not ask the server for /favicon.ico (a 404 in the console).
    expect(await page.getAttribute('link[rel=icon]', 'href')).toMatch(/^data:image\/svg\+xml;base64,/);
  });

  test('signing in keeps the token in the session only, and opens the first bot', async () => {
    await page.fill('#token', TEST_ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('.canvas svg .node.stage');
    expect(page.url()).toBe(`${app.url}/studio#/bots/juice`);
    expect(await page.evaluate(() => sessionStorage.getItem('parley.adminToken'))).toBe(TEST_ADMIN_TOKEN);
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  test('the juice diagram shows every context and every stage', async () => {
    const ids = await page.$$eval('.canvas svg .node', (nodes) => nodes.map((n) => n.getAttribute('data-id')));
    for (const [key, machine] of Object.entries(juice.machines)) {
      expect(ids).toContain(key);
      expect(ids).toContain(`thread:${key}`);
      for (const path of stagePaths(machine.root)) expect(ids).toContain(`${key}:${path}`);
    }
    const labels = await page.$$eval('.canvas svg .edge-label text', (texts) => texts.map((t) => t.textContent));
    expect(labels).toEqual(expect.arrayContaining(['order.juice, order.resume', 'starts member', 'deny']));
    await page.screenshot({ path: join(shots, 'juice-bot.png') });
  });

  test('clicking a stage shows its prompt, intents with corpus examples and escape handlers', async () => {
    await page.fill('#search', 'answering');
    await page.click('.canvas svg .node[data-id="weather:answering"]');
    await page.waitForSelector('#details-prompt');
    expect(await page.textContent('#details-title')).toBe('weather › answering');
    expect(await page.textContent('#details-prompt')).toBe('还有其它问题吗?');
    const intents = await page.textContent('#details-intents');
    expect(intents).toContain('deny');
    expect(intents).toMatch(/«[^»]+»/);
    expect(await page.textContent('#details-escapes')).toContain('failure at weather');
    await page.click('button[title=Fit]');
    await page.screenshot({ path: join(shots, 'juice-stage.png') });
  });

  test('search finds stages by name', async () => {
    await page.fill('#search', 'asking');
    await page.waitForFunction(() => document.querySelector('#search-count')?.textContent?.endsWith('found'));
    const matched = await page.$$eval('.node.match', (nodes) => nodes.map((n) => n.getAttribute('data-id')));
    expect(matched).toEqual(expect.arrayContaining(['member:askingName', 'member:askingPhone', 'weather:asking']));
    expect(matched.every((id) => /asking/i.test(id))).toBe(true);
  });

  test('a dependOn stage expands in place, and routing shows on the toggle', async () => {
    expect(await page.$('.node.context[data-id="order:offeringMembership>member"]')).toBeNull();
    await page.fill('#search', 'offeringMembership');
    await page.dblclick('.canvas svg .node[data-id="order:offeringMembership"]');
    await page.waitForSelector('.node.context[data-id="order:offeringMembership>member"]');
    expect(await page.$('.node.stage[data-id="order:offeringMembership>member:askingPhone"]')).not.toBeNull();
    expect(await page.$$('.edges .edge.routing')).toHaveLength(0);
    await page.check('#routing');
    await page.waitForSelector('.edges .edge.routing');
  });

  test('chatting over the REST channel moves the highlight live', async () => {
    const user = `studio-${Date.now()}`;
    const id = await say(user, '我想买果汁');
    await page.goto(`${app.url}/studio#/conversations/${encodeURIComponent(id)}`);
    await page.waitForSelector('.node.stage.active[data-id="order:ordering.flavor"]');
    expect(await page.textContent('#focus')).toBe('order');
    expect(await page.$('.node.thread.focus[data-context="order"]')).not.toBeNull();
    expect(await page.$('.node.thread.running[data-context="home"]')).not.toBeNull();
    await page.waitForSelector('#live');
    await say(user, '苹果');
    await page.waitForSelector('.node.stage.active[data-id="order:ordering.ice"]');
    expect(await page.$('.node.stage.active[data-id="order:ordering.flavor"]')).toBeNull();
    await say(user, '不加冰');
    await say(user, '杯装');
    // The membership offer runs inside the order: drawn expanded, its stage active.
    await page.waitForSelector('.node.stage.active[data-id="order:offeringMembership>member:offering"]');
    await page.screenshot({ path: join(shots, 'juice-conversation.png') });
    expect(await page.textContent('#transcript')).toContain('办理会员可以享受8折优惠');
    // A question's choices are shown under it.
    expect(await page.$$eval('#transcript li.out .choices', (lists) => lists.map((list) => list.textContent))).toContain('加冰不加冰');

    // Step back through the history: after turn 3 the order asked for the package.
    await page.click('#step-back');
    await page.waitForSelector('.node.stage.active[data-id="order:ordering.package"]');
    expect(await page.textContent('#step-position')).toBe('turn 3 of 4');
    await page.click('#step-back');
    await page.waitForSelector('.node.stage.active[data-id="order:ordering.ice"]');
    await page.click('#step-forward');
    await page.waitForSelector('.node.stage.active[data-id="order:ordering.package"]');
    await page.click('#step-latest');
    await page.waitForSelector('.node.stage.active[data-id="order:offeringMembership>member:offering"]');
  });

  test('the conversation list shows the conversation, newest first', async () => {
    const id = await say(`studio-list-${Date.now()}`, '你好');
    await page.goto(`${app.url}/studio#/conversations?bot=juice`);
    await page.waitForSelector(`#conversations tr[data-id="${id}"]`);
    const first = await page.$eval('#conversations tbody tr', (tr) => tr.getAttribute('data-id'));
    expect(first).toBe(id);
  });

  test('the pages logged no errors but the refused sign-in, and threw nothing', () => {
    const refused = problems.filter((p) => p.includes('status of 401'));
    expect(refused).toHaveLength(1);
    expect(problems.filter((p) => !refused.includes(p))).toEqual([]);
  });

  test('the pages needed nothing but 127.0.0.1, and the token was never in a URL', () => {
    expect(network.requested.length).toBeGreaterThan(10);
    expect(network.blocked).toEqual([]);
    for (const url of network.requested) {
      expect(new URL(url).hostname).toBe('127.0.0.1');
      expect(url).not.toContain(TEST_ADMIN_TOKEN);
    }
  });
});
