import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { launchBrowser, loopbackOnly, pageProblems } from '../helpers/browser';
import { startInProcess } from '../helpers/in-process-app';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

// What page.evaluate runs in the browser: the little of the DOM it uses (not the whole DOM library).
declare const window: { __typingSeen?: boolean };
interface Box {
  scrollHeight: number;
  getBoundingClientRect(): { top: number; bottom: number };
}
declare const document: { querySelector(selector: string): unknown; documentElement: Box; body: Box };
declare const innerHeight: number;
declare function getComputedStyle(element: Box): { backgroundColor: string };
declare const MutationObserver: new (callback: () => void) => { observe(node: unknown, options: { childList: boolean; subtree: boolean }): void };

const schema = freshSchema('webchat_page');
/** Screenshots land here (look at them: `PARLEY_SCREENSHOTS=/some/dir npx jest test/e2e/webchat-page`). */
const shots = process.env.PARLEY_SCREENSHOTS ?? join(tmpdir(), 'parley-webchat');
let app: ParleyApp;
let site: Server;
let siteUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let network: { blocked: string[]; requested: string[] };
let problems: string[];

/** A shop's page on another origin that embeds the widget with the one script tag of the docs. */
function shopPage(parley: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>果汁店</title>
<style>body{margin:0;font-family:system-ui,sans-serif;background:#fffaf2;color:#3b2f20}
header{padding:28px 40px;background:#ff9f1c;color:#fff}h1{margin:0;font-size:28px}
main{padding:32px 40px;max-width:520px;line-height:1.7}.menu{display:flex;gap:14px;margin-top:18px}
.menu div{flex:1;padding:16px;border-radius:12px;background:#fff;box-shadow:0 2px 8px rgba(0,0,0,.08);text-align:center}</style>
</head><body><header><h1>果汁店 · Juice Shop</h1></header>
<main><p>新鲜现榨, 每杯15元, 会员8折。点右下角和我们聊天下单。</p>
<div class="menu"><div>🍎 苹果</div><div>🍊 橙子</div><div>🍉 西瓜</div></div></main>
<script src="${parley}/webchat/widget.js" data-bot="juice" data-title="果汁店" data-color="#ff9f1c" async></script>
</body></html>`;
}

/** A page that shows the chat inside one of its own elements (`data-target`). */
function inlinePage(parley: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Help</title></head><body>
<h1>Help</h1><div id="help-chat" style="width:400px;height:500px"></div>
<script src="${parley}/webchat/widget.js" data-bot="juice" data-target="#help-chat"></script></body></html>`;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  // The shop pushes «您的果汁做好了» JUICE_READY_SECONDS after payment; juice reads it when it is defined, so it is set
  // before the bots are loaded.
  process.env.JUICE_READY_SECONDS = '1';
  const { findBot } = await import('@parley/machines');
  await Promise.all([
    startInProcess({ bots: [findBot('juice')!], schema }).then((started) => (app = started)),
    launchBrowser().then((launched) => (browser = launched)),
  ]);
  site = createServer((request, response) =>
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(request.url === '/inline' ? inlinePage(app.url) : shopPage(app.url)),
  );
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
  network = await loopbackOnly(context);
  problems = pageProblems(context);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  if (site) await new Promise((resolve) => site.close(resolve));
  await app?.close();
  await dropSchema(schema);
  delete process.env.JUICE_READY_SECONDS;
});

const chat = (): FrameLocator => page.frameLocator('#parley-webchat-panel iframe');
const chatFrame = () => page.frames().find((f) => new URL(f.url()).pathname === '/webchat/juice')!;
const botTexts = () => chat().locator('.message.bot:not(.typing) .bubble').allTextContents();

/** Say something in the chat and wait for the bot's answer (the reply count grows and the typing dots go). */
async function say(text: string, expected: RegExp): Promise<void> {
  const before = (await botTexts()).length;
  await chat().locator('#text').fill(text);
  await chat().locator('#send').click();
  await expectLastReply(before, expected);
}

async function choose(choice: string, expected: RegExp): Promise<void> {
  const before = (await botTexts()).length;
  await chat().locator('.choice', { hasText: choice }).click();
  await expectLastReply(before, expected);
}

async function expectLastReply(before: number, expected: RegExp): Promise<void> {
  await chat().locator('.message.bot:not(.typing)').nth(before).waitFor();
  await chat().locator('.typing').waitFor({ state: 'detached' });
  expect((await botTexts()).slice(before).join(' ')).toMatch(expected);
}

const choices = () => chat().locator('.choice').allTextContents();

describe(`web chat in Chromium (${testDatabaseKind()})`, () => {
  test("a site embeds the widget with one script tag; the button opens the bot's page in a frame", async () => {
    await page.goto(siteUrl);
    await page.locator('#parley-webchat-button').click();
    await chat().locator('#chat[data-connected="true"]').waitFor();
    expect(await chat().locator('.title').textContent()).toBe('果汁店');
    expect(await chat().locator('#text').getAttribute('placeholder')).toBe('输入消息…');
  });

  test('ordering a juice (real NLU): the replies, the quick replies, and typing dots while the turn runs', async () => {
    const frame = chatFrame();
    await frame.evaluate(() => {
      // Recorded from the page itself: the dots may show for only a few milliseconds.
      new MutationObserver(() => {
        if (document.querySelector('.typing')) window.__typingSeen = true;
      }).observe(document.querySelector('#messages'), { childList: true, subtree: true });
    });
    await say('我想买果汁', /什么口味/);
    expect(await frame.evaluate(() => window.__typingSeen)).toBe(true);
    expect(await choices()).toEqual(['苹果', '橙子', '西瓜']);
    await choose('苹果', /加冰/);
    expect(await choices()).toEqual(['加冰', '不加冰']);
  });

  test("a reload shows the conversation so far, with the pending question's buttons, and it goes on to payment", async () => {
    const before = await chat().locator('.message .bubble').allTextContents();
    await page.reload();
    await page.locator('#parley-webchat-button').click();
    await chat().locator('#chat[data-connected="true"]').waitFor();
    await chat().locator('.message.bot').nth(1).waitFor();
    expect(await chat().locator('.message .bubble').allTextContents()).toEqual(before);
    expect(await choices()).toEqual(['加冰', '不加冰']);
    await choose('不加冰', /杯装还是碗装/);
    await choose('杯装', /要办理吗/);
    await say('不用了', /请付15元/);
    expect(await choices()).toEqual(['付款', '取消']);
  });

  test('the order is ready a second after payment: the push arrives while the page sends nothing', async () => {
    const posts: string[] = [];
    page.on('request', (request) => void (request.method() === 'POST' && posts.push(request.url())));
    await choose('付款', /支付成功/);
    expect(posts.filter((url) => url.endsWith('/channels/webchat/juice'))).toHaveLength(1);
    // JUICE_READY_SECONDS=1: the timer's turn pushes through the outbox, the adapter and the page's stream.
    await chat().locator('.message.bot .bubble', { hasText: '您的果汁做好了' }).waitFor();
    expect(posts).toHaveLength(1);
    expect(await chat().locator('.message.bot .bubble').last().textContent()).toBe('您的果汁做好了(苹果汁, 常温, 杯装), 请到柜台取。');
    await page.screenshot({ path: join(shots, 'webchat-juice.png') });
  });

  test('after a reload the push is in the history, once, and the conversation continues', async () => {
    await page.reload();
    await page.locator('#parley-webchat-button').click();
    await chat().locator('#chat[data-connected="true"]').waitFor();
    await chat().locator('.message.bot .bubble', { hasText: '您的果汁做好了' }).waitFor();
    expect(await chat().locator('.message.bot .bubble', { hasText: '您的果汁做好了' }).count()).toBe(1);
    await say('长沙明天天气怎么样', /长沙.*明天/);
  });

  test('data-target: the chat inside an element of the page, no button', async () => {
    await page.goto(`${siteUrl}inline`);
    await page.frameLocator('#help-chat iframe').locator('#chat[data-connected="true"]').waitFor();
    expect(await page.locator('#parley-webchat-button').count()).toBe(0);
    // The same browser, the same site: the conversation ordered above goes on here.
    const texts = await page.frameLocator('#help-chat iframe').locator('.message.bot .bubble').allTextContents();
    expect(texts.join(' ')).toMatch(/支付成功.*您的果汁做好了.*长沙/);
  });

  test("a turn's pushed replies arriving out of order are shown in order, with the last one's buttons", async () => {
    const alone = await context.newPage();
    try {
      const event = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
      // The stream as an outbox that sent #2 before #1 would make it.
      await alone.route('**/webchat/juice/events', (route) =>
        route.fulfill({
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
          body:
            event('ready', { conversationId: 'juice-x' }) +
            event('message', { messageId: 'job-7#2', from: 'bot', text: '要加冰吗?', choices: ['加冰', '不加冰'] }) +
            event('message', { messageId: 'job-7#1', from: 'bot', text: '客服已经处理完毕, 我们继续点单。' }),
        }),
      );
      await alone.goto(`${app.url}/webchat/juice`);
      await alone.locator('.message.bot .bubble', { hasText: '客服已经处理完毕' }).waitFor();
      // (After this browser's conversation so far: the page shares its token with the framed one.)
      expect((await alone.locator('.message .bubble').allTextContents()).slice(-2)).toEqual(['客服已经处理完毕, 我们继续点单。', '要加冰吗?']);
      expect(await alone.locator('.choice').allTextContents()).toEqual(['加冰', '不加冰']);
    } finally {
      await alone.close();
    }
  });

  test('the page on its own in a wide window: a card in the middle, one background around it', async () => {
    const alone = await context.newPage();
    try {
      await alone.goto(`${app.url}/webchat/juice`);
      await alone.locator('#chat[data-connected="true"]').waitFor();
      const layout = await alone.evaluate(() => {
        const { top, bottom } = (document.querySelector('#chat') as Box).getBoundingClientRect();
        return {
          top,
          below: innerHeight - bottom,
          scrolls: document.documentElement.scrollHeight > innerHeight,
          root: getComputedStyle(document.documentElement).backgroundColor,
          body: getComputedStyle(document.body).backgroundColor,
        };
      });
      // The page's root showed its own colour in a band above the card when the gap was the card's margin.
      expect(layout).toEqual({ top: 24, below: 24, scrolls: false, root: layout.body, body: 'rgb(230, 234, 241)' });
      // Its icon is in the page: a browser does not ask the server for /favicon.ico (a 404 in the console).
      expect(await alone.getAttribute('link[rel=icon]', 'href')).toMatch(/^data:image\/svg\+xml;base64,/);
      await alone.screenshot({ path: join(shots, 'webchat-page.png') });
    } finally {
      await alone.close();
    }
  });

  test('the pages logged no errors and threw nothing', () => {
    expect(problems).toEqual([]);
  });

  test('nothing was fetched from outside this machine', () => {
    expect(network.blocked).toEqual([]);
    expect(network.requested.some((url) => url.endsWith('/webchat/widget.js'))).toBe(true);
  });
});
