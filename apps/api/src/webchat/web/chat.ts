/**
 * The web chat page (`/webchat/:botId`): one conversation with one bot. The token that names the user is kept in this
 * origin's localStorage (per bot), so a reload, a second tab or a later visit continues the conversation. Messages go
 * to the channel route; the bot's pushes come on a Server-Sent Events stream read with fetch (so that the token travels
 * in a header, never in a URL). See docs/webchat.md.
 */

import type { History, Message, SendResponse, Session } from './types';

const WORDS = {
  en: { placeholder: 'Type a message…', send: 'Send', reconnecting: 'Reconnecting…', failed: 'Not sent: tap to retry', typing: 'typing', empty: 'Say hello to start.' },
  zh: { placeholder: '输入消息…', send: '发送', reconnecting: '正在重新连接…', failed: '发送失败, 点击重试', typing: '正在输入', empty: '打个招呼开始吧。' },
};

const root = document.getElementById('chat')!;
const list = document.getElementById('messages') as HTMLOListElement;
const choices = document.getElementById('choices')!;
const form = document.getElementById('composer') as HTMLFormElement;
const input = document.getElementById('text') as HTMLInputElement;
const sendButton = document.getElementById('send') as HTMLButtonElement;
const statusLine = document.getElementById('status')!;
const botId = root.dataset.bot ?? '';
const words = (root.dataset.locale ?? '').toLowerCase().startsWith('zh') ? WORDS.zh : WORDS.en;

// Relative to /webchat/<bot>: the page works behind a proxy that serves Parley under a path of its own.
const base = new URL('.', location.href);
const bot = encodeURIComponent(botId);
const urls = {
  session: new URL(`${bot}/session`, base),
  history: new URL(`${bot}/history`, base),
  events: new URL(`${bot}/events`, base),
  send: new URL(`../channels/webchat/${bot}`, base),
};
const TOKEN_KEY = `parley.webchat.${botId}`;

/** Messages on the page, by id: each is shown once, whether it came from the history, a response or the stream. */
const shown = new Map<string, HTMLLIElement>();
let lastSeq = 0;
/** Messages waiting to be sent, in order (one turn at a time, as the conversation takes them). */
const outbox: { messageId: string; text: string; item: HTMLLIElement }[] = [];
let sending = false;

// The widget passes the site's title and colour for the page (?title=…&color=%23rrggbb).
const params = new URLSearchParams(location.search);
const title = params.get('title')?.slice(0, 60) || botId;
const color = params.get('color') ?? '';
if (/^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(color)) document.documentElement.style.setProperty('--accent', color);
document.querySelector('.title')!.textContent = title;
document.title = title;
document.getElementById('avatar')!.textContent = Array.from(title)[0]?.toUpperCase() ?? '';
input.placeholder = words.placeholder;
input.setAttribute('aria-label', words.placeholder);
sendButton.textContent = words.send;

// ---- the token ------------------------------------------------------------------------------------------------

let tokenPromise: Promise<string> | undefined;

function token(): Promise<string> {
  tokenPromise ??= (async () => {
    const stored = localStorage.getItem(TOKEN_KEY);
    if (stored) return stored;
    const response = await fetch(urls.session, { method: 'POST' });
    if (!response.ok) throw new Error(await problem(response));
    const { token: fresh } = (await response.json()) as Session;
    localStorage.setItem(TOKEN_KEY, fresh);
    return fresh;
  })();
  tokenPromise.catch(() => (tokenPromise = undefined));
  return tokenPromise;
}

/** A request with the token; a refused token (the server's secret changed, or it was tampered with) starts afresh. */
async function authorized(url: URL, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${await token()}`);
    const response = await fetch(url, { ...init, headers, cache: 'no-store' });
    if (response.status !== 401 || attempt > 0) return response;
    localStorage.removeItem(TOKEN_KEY);
    tokenPromise = undefined;
    reset();
  }
}

async function problem(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `HTTP ${response.status}`;
}

// ---- showing messages ------------------------------------------------------------------------------------------

function show(message: Message): void {
  if (message.seq && message.seq > lastSeq) lastSeq = message.seq;
  const existing = shown.get(message.messageId);
  if (existing) {
    existing.classList.remove('pending', 'failed');
    return;
  }
  const item = document.createElement('li');
  item.className = `message ${message.from}`;
  item.dataset.messageId = message.messageId;
  const bubble = document.createElement('p');
  bubble.className = 'bubble';
  bubble.textContent = message.text;
  item.append(bubble);
  list.querySelector('.empty')?.remove();
  const later = laterReplyOfSameTurn(message.messageId);
  list.insertBefore(item, later ?? list.querySelector('.typing'));
  shown.set(message.messageId, item);
  // The buttons are the last message's: a reply that went in before a later one leaves them as they are.
  if (!later) showChoices(message);
  scrollDown();
}

/**
 * A turn's replies are `<id>#1`, `<id>#2`, …: pushed ones may arrive in another order (the outbox sends each alone), so
 * a reply goes before a later one of its turn already shown.
 */
function laterReplyOfSameTurn(messageId: string): HTMLLIElement | null {
  const match = /^(.*)#(\d+)$/.exec(messageId);
  if (!match) return null;
  const [, turn, n] = match;
  for (const item of list.querySelectorAll<HTMLLIElement>(`li[data-message-id^="${CSS.escape(`${turn}#`)}"]`)) {
    const other = /#(\d+)$/.exec(item.dataset.messageId ?? '');
    if (other && item.dataset.messageId === `${turn}#${other[1]}` && Number(other[1]) > Number(n)) return item;
  }
  return null;
}

/** Quick replies: the choices of the bot's last message, as buttons, until the user says something. */
function showChoices(message: Message): void {
  if (message.from === 'user') {
    choices.replaceChildren();
    return;
  }
  choices.replaceChildren(
    ...(message.choices ?? []).map((choice) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'choice';
      button.textContent = choice;
      button.addEventListener('click', () => say(choice));
      return button;
    }),
  );
}

function typing(on: boolean): void {
  const current = list.querySelector('.typing');
  if (!on) {
    current?.remove();
    return;
  }
  if (current) return;
  const item = document.createElement('li');
  item.className = 'message bot typing';
  item.setAttribute('aria-label', words.typing);
  const dots = document.createElement('p');
  dots.className = 'bubble';
  for (let i = 0; i < 3; i++) dots.append(document.createElement('span'));
  item.append(dots);
  list.append(item);
  scrollDown();
}

function scrollDown(): void {
  list.scrollTop = list.scrollHeight;
}

/** A new user (the old token was refused): the page starts empty. */
function reset(): void {
  shown.clear();
  lastSeq = 0;
  list.replaceChildren();
  choices.replaceChildren();
}

// ---- sending ---------------------------------------------------------------------------------------------------

function say(text: string): void {
  const messageId = newId();
  show({ messageId, from: 'user', text });
  const item = shown.get(messageId)!;
  item.classList.add('pending');
  outbox.push({ messageId, text, item });
  void drain();
}

async function drain(): Promise<void> {
  if (sending) return;
  sending = true;
  try {
    while (outbox.length > 0) {
      const next = outbox[0]!;
      typing(true);
      try {
        const response = await authorized(urls.send, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: next.text, messageId: next.messageId }),
        });
        if (!response.ok) throw new Error(await problem(response));
        const { replies } = (await response.json()) as SendResponse;
        next.item.classList.remove('pending');
        for (const reply of replies) show(reply);
        outbox.shift();
      } catch (error) {
        // Kept with its id: a retry is answered once even if the first try reached the bot.
        next.item.classList.remove('pending');
        next.item.classList.add('failed');
        next.item.title = `${words.failed} (${error instanceof Error ? error.message : String(error)})`;
        next.item.addEventListener('click', () => retry(next.item), { once: true });
        outbox.length = 0;
      }
    }
  } finally {
    typing(false);
    sending = false;
  }
}

function retry(item: HTMLLIElement): void {
  item.classList.remove('failed');
  item.classList.add('pending');
  outbox.push({ messageId: item.dataset.messageId!, text: item.textContent ?? '', item });
  void drain();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  say(text);
});

function newId(): string {
  // crypto.getRandomValues works on plain http too (randomUUID needs a secure context).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `w-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

// ---- the history and the live stream ---------------------------------------------------------------------------

async function loadHistory(): Promise<void> {
  const url = new URL(urls.history);
  if (lastSeq > 0) url.searchParams.set('after', String(lastSeq));
  const response = await authorized(url);
  if (!response.ok) throw new Error(await problem(response));
  const { messages } = (await response.json()) as History;
  for (const message of messages) show(message);
  if (shown.size === 0 && !list.querySelector('.empty')) {
    const hint = document.createElement('li');
    hint.className = 'empty';
    hint.textContent = words.empty;
    list.append(hint);
  }
}

/** Read the stream; on `ready` (every (re)connection) and `resync`, catch up from the history. Reconnects with backoff. */
async function listen(): Promise<void> {
  for (let failures = 0; ; ) {
    try {
      const response = await authorized(urls.events, { headers: { accept: 'text/event-stream' } });
      if (!response.ok || !response.body) throw new Error(await problem(response));
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (await handle(block)) failures = 0;
        }
      }
    } catch {
      // Below: shown as reconnecting, and tried again.
    }
    root.dataset.connected = 'false';
    statusLine.textContent = words.reconnecting;
    await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** failures++, 15_000)));
  }
}

/** One Server-Sent Event. True once the stream is ready. */
async function handle(block: string): Promise<boolean> {
  let event = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trim();
  }
  if (event === 'ready') {
    await loadHistory();
    statusLine.textContent = '';
    root.dataset.connected = 'true';
    return true;
  }
  if (event === 'message' && data) show(JSON.parse(data) as Message);
  else if (event === 'resync') await loadHistory();
  return false;
}

void listen();
input.focus();
