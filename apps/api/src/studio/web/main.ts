import { getJson, signIn, signOut, token, Unauthorized } from './api';
import { showBot } from './bot-view';
import { leaveLive, showConversation, showConversations } from './conversation-view';
import { clear, el } from './dom';

const app = document.getElementById('app')!;
const nav = document.getElementById('nav')!;
const signOutButton = document.getElementById('sign-out') as HTMLButtonElement;

signOutButton.addEventListener('click', () => {
  signOut();
  void route();
});
window.addEventListener('hashchange', () => void route());

/** `#/bots/<id>`, `#/conversations?bot=&user=`, `#/conversations/<id>`; the token never appears in them. */
async function route(): Promise<void> {
  leaveLive();
  if (!token()) {
    showSignIn();
    return;
  }
  signOutButton.hidden = false;
  const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    const bots = await getJson<{ items: { id: string; version: number }[] }>('/api/bots');
    clear(nav);
    for (const bot of bots.items)
      nav.append(
        el(
          'a',
          { href: `#/bots/${encodeURIComponent(bot.id)}`, class: parts[1] === bot.id ? 'current' : undefined },
          bot.id,
        ),
      );
    nav.append(
      el(
        'a',
        { href: '#/conversations', class: parts[0] === 'conversations' ? 'current' : undefined },
        'Conversations',
      ),
    );
    if (parts[0] === 'bots' && parts[1]) await showBot(app, parts[1]);
    else if (parts[0] === 'conversations' && parts[1]) await showConversation(app, parts[1]);
    else if (parts[0] === 'conversations') await showConversations(app, new URLSearchParams(query));
    else if (bots.items[0]) location.hash = `#/bots/${encodeURIComponent(bots.items[0].id)}`;
    else app.replaceChildren(el('p', { class: 'page' }, 'This server serves no bots.'));
  } catch (error) {
    if (error instanceof Unauthorized) showSignIn('The admin token was refused. Sign in again.');
    else
      app.replaceChildren(
        el('p', { class: 'page error', id: 'error' }, error instanceof Error ? error.message : String(error)),
      );
  }
}

function showSignIn(message?: string): void {
  signOutButton.hidden = true;
  clear(nav);
  const input = el('input', {
    type: 'password',
    id: 'token',
    autocomplete: 'off',
    required: true,
    'aria-label': 'Admin token',
  });
  const error = el('p', { class: 'error', id: 'sign-in-error' }, message ?? '');
  const form = el(
    'form',
    { class: 'sign-in', method: 'post' },
    el('h1', {}, 'Sign in'),
    el(
      'p',
      { class: 'muted' },
      'The admin token (ADMIN_TOKEN, or the one printed at start). It is kept in this tab only.',
    ),
    input,
    el('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    error.textContent = '';
    signIn(input.value.trim()).then(
      (ok) => {
        if (ok) void route();
        else error.textContent = 'That token was refused.';
      },
      (e: unknown) => (error.textContent = e instanceof Error ? e.message : String(e)),
    );
  });
  app.replaceChildren(form);
  input.focus();
}

void route();
