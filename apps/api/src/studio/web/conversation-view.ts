import { getJson, listen } from './api';
import { DiagramView } from './diagram-view';
import { clear, el } from './dom';
import type { ConversationPage, ConversationRow, Highlight } from './types';

let stopLive: (() => void) | undefined;

/** Stop the live stream of the view being left. */
export function leaveLive(): void {
  stopLive?.();
  stopLive = undefined;
}

/** The conversation list: by bot, user and last activity, paged, refreshed live. */
export async function showConversations(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const bot = params.get('bot') ?? '';
  const user = params.get('user') ?? '';
  const after = params.get('after') ?? '';
  const query = new URLSearchParams();
  if (bot) query.set('bot', bot);
  if (user) query.set('user', user);
  if (after) query.set('after', after);
  query.set('limit', '25');
  const page = await getJson<{ items: ConversationRow[]; next: string | null }>(
    `/api/conversations?${query.toString()}`,
  );
  const bots = await getJson<{ items: { id: string }[] }>('/api/bots');
  const botSelect = el(
    'select',
    { id: 'filter-bot' },
    el('option', { value: '' }, 'all bots'),
    ...bots.items.map((b) => el('option', { value: b.id, selected: b.id === bot }, b.id)),
  );
  const userInput = el('input', { id: 'filter-user', placeholder: 'user id', value: user });
  const go = el('button', { type: 'submit' }, 'Filter');
  const form = el(
    'form',
    { class: 'toolbar' },
    el('strong', {}, 'Conversations'),
    botSelect,
    userInput,
    go,
    el('span', { class: 'spacer' }),
    el('span', { class: 'live' }, '● live'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    if (botSelect.value) next.set('bot', botSelect.value);
    if (userInput.value.trim()) next.set('user', userInput.value.trim());
    location.hash = `#/conversations?${next.toString()}`;
  });
  const rows = page.items.map((c) =>
    el(
      'tr',
      { 'data-id': c.id },
      el('td', {}, el('a', { href: `#/conversations/${encodeURIComponent(c.id)}` }, c.id)),
      el('td', {}, c.botId),
      el('td', {}, c.userId),
      el('td', {}, c.channel),
      el('td', {}, String(c.turns)),
      el('td', {}, c.status),
      el('td', {}, new Date(c.updatedAt).toLocaleString()),
    ),
  );
  const more = new URLSearchParams(query);
  more.delete('limit');
  if (page.next) more.set('after', page.next);
  clear(root);
  root.append(
    form,
    el(
      'div',
      { class: 'page' },
      el(
        'table',
        { class: 'list', id: 'conversations' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['conversation', 'bot', 'user', 'channel', 'turns', 'status', 'last activity'].map((h) =>
              el('th', {}, h),
            ),
          ),
        ),
        el('tbody', {}, ...rows),
      ),
      rows.length === 0 ? el('p', { class: 'muted' }, 'No conversations yet.') : null,
      el(
        'p',
        {},
        after
          ? el('a', { href: `#/conversations?${new URLSearchParams(bot ? { bot } : {}).toString()}` }, '« newest')
          : null,
        ' ',
        page.next ? el('a', { href: `#/conversations?${more.toString()}`, id: 'next-page' }, 'older »') : null,
      ),
    ),
  );
  // New activity moves conversations to the top: refresh the first page when something happens.
  if (!after) {
    let pending: number | undefined;
    const stream = listen(`/api/studio/changes${bot ? `?bot=${encodeURIComponent(bot)}` : ''}`, (event) => {
      if (event !== 'turn' && event !== 'reset' && event !== 'resync') return;
      pending ??= window.setTimeout(() => void showConversations(root, params), 300);
    });
    stopLive = () => {
      stream.stop();
      if (pending) clearTimeout(pending);
    };
  }
}

/** One conversation: the bot's diagram with every thread's active stage, the stacks, memory, transcript and history. */
export async function showConversation(root: HTMLElement, id: string): Promise<void> {
  let data = await getJson<ConversationPage>(`/api/studio/conversations/${encodeURIComponent(id)}`);
  const canvas = el('div', { class: 'canvas', id: 'canvas' });
  const panel = el('aside', { class: 'panel', id: 'conversation-panel' });
  const back = el('button', { type: 'button', id: 'step-back', title: 'Earlier turn' }, '◀');
  const forward = el('button', { type: 'button', id: 'step-forward', title: 'Later turn' }, '▶');
  const latest = el('button', { type: 'button', id: 'step-latest' }, 'Latest');
  const position = el('span', { id: 'step-position' });
  const liveBadge = el('span', { class: 'live', id: 'live' }, '● live');
  clear(root);
  root.append(
    el(
      'div',
      { class: 'toolbar' },
      el('strong', {}, id),
      el('a', { href: `#/bots/${encodeURIComponent(data.conversation.botId)}` }, data.conversation.botId),
      back,
      position,
      forward,
      latest,
      el('span', { class: 'spacer' }),
      liveBadge,
    ),
    el('div', { class: 'workspace' }, canvas, panel),
  );
  const view = new DiagramView(canvas);
  /** Index into data.turns of the turn shown; null: the current state (follows new turns). */
  let step: number | null = null;
  let drawn = '';

  const render = async () => {
    const turns = data.turns;
    const current = step === null ? null : turns[step];
    const highlight: Highlight | null = current ? current.highlight : data.highlight;
    const expand = highlight?.expand ?? [];
    const key = expand.join(',');
    if (key !== drawn || !view.nodes().length) {
      await view.load(data.conversation.botId, { routing: false, expand });
      drawn = key;
    }
    mark(view, highlight);
    position.textContent = current
      ? `turn ${current.turn} of ${data.conversation.turns}`
      : `now (turn ${data.conversation.turns})`;
    back.disabled = turns.length === 0 || step === 0;
    forward.disabled = step === null;
    latest.disabled = step === null;
    liveBadge.textContent = step === null ? '● live' : '○ history';
    renderPanel(panel, data, current?.turn ?? null, (turn) => {
      const index = data.turns.findIndex((t) => t.turn === turn);
      step = index === data.turns.length - 1 ? null : index;
      void render();
    });
  };
  back.addEventListener('click', () => {
    step = step === null ? Math.max(0, data.turns.length - 2) : Math.max(0, step - 1);
    if (data.turns.length < 2) step = 0;
    void render();
  });
  forward.addEventListener('click', () => {
    if (step === null) return;
    step = step + 1 >= data.turns.length - 1 ? null : step + 1;
    void render();
  });
  latest.addEventListener('click', () => {
    step = null;
    void render();
  });
  await render();
  const stream = listen(`/api/studio/changes?conversation=${encodeURIComponent(id)}`, (event) => {
    if (event !== 'turn' && event !== 'reset' && event !== 'resync') return;
    void getJson<ConversationPage>(`/api/studio/conversations/${encodeURIComponent(id)}`).then((fresh) => {
      data = fresh;
      return render();
    });
  });
  stopLive = () => stream.stop();
}

function mark(view: DiagramView, highlight: Highlight | null): void {
  const active = new Set(highlight?.active ?? []);
  for (const node of view.nodes('.node.stage')) node.classList.toggle('active', active.has(node.dataset.id ?? ''));
  const running = new Set(highlight?.running ?? []);
  for (const node of view.nodes('.node.thread')) {
    const context = node.dataset.context ?? '';
    node.classList.toggle('running', running.has(context));
    node.classList.toggle('focus', highlight?.focus === context);
  }
}

function renderPanel(
  panel: HTMLElement,
  data: ConversationPage,
  shownTurn: number | null,
  select: (turn: number) => void,
): void {
  clear(panel);
  const c = data.conversation;
  const stateOfTurn = shownTurn === null ? null : (data.turns.find((t) => t.turn === shownTurn)?.state ?? null);
  const threads = stateOfTurn
    ? {
        focus: stateOfTurn.focus ?? '',
        sleeping: stateOfTurn.sleeping ?? [],
        yielding: stateOfTurn.yielding ?? [],
        blocking: stateOfTurn.blocking ?? [],
      }
    : c.state?.threads;
  const chips = (items: readonly string[]) =>
    items.length ? items.map((t) => el('span', { class: 'chip' }, t)) : [el('span', { class: 'muted' }, '–')];
  panel.append(
    el('h2', {}, `${c.userId} on ${c.channel}`),
    el(
      'div',
      { class: 'muted' },
      `${c.botId} · ${c.turns} turns · ${c.status} · last activity ${new Date(c.updatedAt).toLocaleString()}`,
    ),
    el('h3', {}, shownTurn === null ? 'Threads now' : `Threads after turn ${shownTurn}`),
    el(
      'div',
      { id: 'threads' },
      el('div', {}, 'focus ', el('span', { class: 'chip focus', id: 'focus' }, threads?.focus || '–')),
      el('div', { id: 'sleeping' }, 'sleeping ', ...chips(threads?.sleeping ?? [])),
      el('div', { id: 'yielding' }, 'yielding ', ...chips(threads?.yielding ?? [])),
      el('div', { id: 'blocking' }, 'blocking ', ...chips(threads?.blocking ?? [])),
    ),
  );
  const path = stateOfTurn ? (stateOfTurn.activePath ?? []) : (c.state?.activePath ?? []);
  panel.append(el('div', { id: 'active-path' }, path.length ? path.join(' › ') : '–'));
  if (shownTurn === null && c.state?.held) {
    const { reason, since } = c.state.held;
    panel.append(
      el('h3', {}, 'Held by a person'),
      el('div', { id: 'held' }, `since ${since}${reason ? ` — ${reason}` : ''} (POST /api/conversations/:id/handoff/return gives it back)`),
    );
  }
  if (shownTurn === null && c.state?.pendingQuestion) {
    const choices = c.state.pendingChoices?.length ? ` [${c.state.pendingChoices.join(' | ')}]` : '';
    panel.append(el('h3', {}, 'Waiting for'), el('div', { class: 'prompt' }, c.state.pendingQuestion + choices));
  }
  panel.append(
    el('h3', {}, 'Memory (now)'),
    c.memory.length
      ? el(
          'pre',
          { id: 'memory' },
          c.memory.map((m) => `${m.name} @ ${m.scope}\n${JSON.stringify(m.data, null, 2)}`).join('\n\n'),
        )
      : el('p', { class: 'muted' }, 'none'),
  );
  if (c.timers.length)
    panel.append(
      el('h3', {}, 'Timers'),
      el('ul', {}, ...c.timers.map((t) => el('li', {}, `${t.key ?? 'timer'} at ${new Date(t.at).toLocaleString()}`))),
    );
  panel.append(
    el('h3', {}, 'Transcript'),
    el(
      'ol',
      { class: 'transcript', id: 'transcript' },
      ...data.transcript.map((line) => {
        const item = el(
          'li',
          { class: `${line.direction}${shownTurn === line.turn ? ' current' : ''}`, 'data-turn': String(line.turn) },
          `${line.direction === 'in' ? '→' : '←'} ${line.text}`,
          line.direction === 'in' && line.state
            ? el(
                'span',
                { class: 'state' },
                `${line.state.intent ? `${line.state.intent} · ` : ''}${line.state.outcome ?? ''} · ${(line.state.activePath ?? []).join(' › ') || 'no focus'}`,
              )
            : null,
          line.choices?.length ? el('span', { class: 'choices' }, ...line.choices.map((choice) => el('span', { class: 'choice' }, choice))) : null,
        );
        item.addEventListener('click', () => select(line.turn));
        return item;
      }),
    ),
  );
}
