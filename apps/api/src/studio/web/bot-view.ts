import { getJson } from './api';
import { DiagramView } from './diagram-view';
import { clear, el } from './dom';
import type { BotView, Coverage, StageDetails } from './types';

/** The bot view: the whole bot as one diagram, a toolbar (search, routing, expand, zoom) and a details panel. */
export async function showBot(root: HTMLElement, botId: string): Promise<void> {
  const bot = await getJson<BotView>(`/api/studio/bots/${encodeURIComponent(botId)}`);
  const search = el('input', {
    type: 'search',
    placeholder: 'Search stages…',
    id: 'search',
    'aria-label': 'Search stages',
  });
  const found = el('span', { class: 'muted', id: 'search-count' });
  const routing = el('input', { type: 'checkbox', id: 'routing' });
  const expandAll = el('input', { type: 'checkbox', id: 'expand-all' });
  const zoomIn = el('button', { type: 'button', title: 'Zoom in' }, '+');
  const zoomOut = el('button', { type: 'button', title: 'Zoom out' }, '−');
  const fit = el('button', { type: 'button', title: 'Fit' }, 'Fit');
  const canvas = el('div', { class: 'canvas', id: 'canvas' });
  const panel = el(
    'aside',
    { class: 'panel', id: 'details' },
    el(
      'p',
      { class: 'muted' },
      'Click a stage to see its prompt, intents and handlers. Double-click a dependOn stage to draw its context inside it.',
    ),
  );
  clear(root);
  root.append(
    el(
      'div',
      { class: 'toolbar' },
      el('strong', {}, `${bot.id} v${bot.version}`),
      search,
      found,
      el('label', {}, routing, ' Parley routing'),
      el('label', {}, expandAll, ' expand dependOn'),
      zoomOut,
      zoomIn,
      fit,
      el('span', { class: 'spacer' }),
      coverageSummary(bot.coverage),
      el('a', { href: `#/conversations?bot=${encodeURIComponent(bot.id)}` }, 'Conversations'),
    ),
    el('div', { class: 'workspace' }, canvas, panel),
  );
  const view = new DiagramView(canvas);
  const expanded = new Set<string>();
  const reload = async () => {
    await view.load(bot.id, { routing: routing.checked, expand: expandAll.checked ? 'all' : [...expanded] });
    applySearch();
  };
  const applySearch = () => {
    const q = search.value.trim().toLowerCase();
    let first: SVGGElement | undefined;
    let count = 0;
    for (const node of view.nodes('.node.stage, .node.context')) {
      const hit = q !== '' && (node.dataset.stage ?? node.dataset.context ?? '').toLowerCase().includes(q);
      node.classList.toggle('match', hit);
      if (hit) {
        count++;
        first ??= node;
      }
    }
    found.textContent = q ? `${count} found` : '';
    if (first) view.focusOn(first);
  };
  search.addEventListener('input', applySearch);
  routing.addEventListener('change', () => void reload());
  expandAll.addEventListener('change', () => void reload());
  zoomIn.addEventListener('click', () => view.zoom(1 / 1.25));
  zoomOut.addEventListener('click', () => view.zoom(1.25));
  fit.addEventListener('click', () => view.fit());
  const toggle = (id: string) => {
    if (expanded.has(id)) expanded.delete(id);
    else expanded.add(id);
    void reload();
  };
  view.onToggle = (node) => toggle(node.dataset.id ?? '');
  view.onSelect = (node) => {
    for (const n of view.nodes('.selected')) n.classList.remove('selected');
    node.classList.add('selected');
    showDetails(panel, bot, node, toggle);
  };
  await reload();
}

function coverageSummary(coverage: Coverage | null): HTMLElement {
  if (!coverage) return el('span', { id: 'coverage' });
  const pct = (r: { covered: number; total: number }) =>
    r.total ? `${Math.round((100 * r.covered) / r.total)}%` : '–';
  return el(
    'span',
    { id: 'coverage', title: `${coverage.paths} generated paths` },
    `Path tests: stages ${pct(coverage.stages)} · transitions ${pct(coverage.transitions)} · escapes ${pct(coverage.escapes)}`,
  );
}

function showDetails(panel: HTMLElement, bot: BotView, node: SVGGElement, toggle: (id: string) => void): void {
  clear(panel);
  const context = node.dataset.context ?? '';
  const stage = node.dataset.stage;
  if (!stage) {
    panel.append(
      el('h2', {}, `context ${context}`),
      el('p', { class: 'muted' }, node.querySelector('title')?.textContent ?? ''),
    );
    return;
  }
  const details: StageDetails | undefined = bot.stages[`${context}:${stage}`];
  panel.append(el('h2', { id: 'details-title' }, `${context} › ${stage}`));
  if (!details) return;
  panel.append(
    el(
      'div',
      { class: 'muted' },
      details.type === 'final' ? `final stage, result: ${details.result ?? 'done'}` : `${details.type} stage`,
    ),
  );
  if (details.prompt)
    panel.append(el('h3', {}, 'Prompt'), el('div', { class: 'prompt', id: 'details-prompt' }, details.prompt));
  if (details.dependOn) {
    const id = node.dataset.id ?? '';
    const button = el(
      'button',
      { type: 'button' },
      node.classList.contains('expanded') ? `Collapse ${details.dependOn}` : `Draw ${details.dependOn} here`,
    );
    button.addEventListener('click', () => toggle(id));
    panel.append(el('h3', {}, 'Starts'), el('p', {}, `dependOn → ${details.dependOn} `, button));
  }
  if (details.intents.length) {
    panel.append(
      el('h3', {}, 'Open intents here'),
      el(
        'ul',
        { id: 'details-intents' },
        ...details.intents.map((i) =>
          el(
            'li',
            {},
            el('strong', {}, i.intent === '*' ? 'any intent' : i.intent),
            i.guard ? ` ${i.guard}` : '',
            i.to ? ` → ${i.to}` : ' (stays)',
            i.examples.length ? el('div', { class: 'example' }, i.examples.map((x) => `«${x}»`).join(' ')) : null,
          ),
        ),
      ),
    );
  }
  if (details.events.length) {
    panel.append(
      el('h3', {}, 'Other transitions'),
      el('ul', {}, ...details.events.map((e) => el('li', {}, `${e.event} ${e.guard}${e.to ? ` → ${e.to}` : ''}`))),
    );
  }
  panel.append(
    el('h3', {}, 'Escape handlers'),
    details.escapes.length
      ? el(
          'ul',
          { id: 'details-escapes' },
          ...details.escapes.map((e) =>
            el('li', {}, `${e.kind} at ${e.at}${e.to ? ` → ${e.to}` : ' (handled, no move)'}`),
          ),
        )
      : el('p', { class: 'muted' }, 'none here: escapes go on to the caller, then the thread ends'),
  );
  if (details.contextIntents.length)
    panel.append(el('h3', {}, 'Context-level intents'), el('p', {}, details.contextIntents.join(', ')));
  panel.append(el('h3', {}, 'Bot-wide intents'), el('p', {}, details.botIntents.join(', ') || '—'));
  if (bot.coverage) {
    const findings = bot.coverage.findings.filter((f) => f.context === context && (!f.stage || f.stage === stage));
    panel.append(
      el('h3', {}, 'Path-test coverage'),
      findings.length
        ? el('ul', { id: 'details-coverage' }, ...findings.map((f) => el('li', {}, `${f.kind}: ${f.message}`)))
        : el('p', { id: 'details-coverage' }, 'No finding for this stage.'),
    );
  }
}
