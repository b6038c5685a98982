/**
 * The web chat widget: a site adds one script tag and gets a chat button that opens the bot's page in a frame.
 *
 *   <script src="https://parley.example.com/webchat/widget.js" data-bot="juice" async></script>
 *
 * Options (attributes of the tag): `data-bot` (required), `data-title` (the chat's title, the frame's and the button's label),
 * `data-color` (the button's and the chat's colour, `#rgb` or `#rrggbb`), `data-open="true"` (open at once), `data-target="<CSS
 * selector>"` (show the chat inside that element instead of a floating button). The frame is loaded on first open, so
 * visitors who never open it cost the server nothing. `window.ParleyWebchat.open()` / `.close()` / `.toggle()`.
 * Styles are set through the DOM (no stylesheet is injected), so the host page's CSP needs no `unsafe-inline`.
 */
(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const botId = script?.dataset.bot;
  if (!script || !botId) {
    console.error('Parley web chat: add data-bot="<bot id>" to the widget\'s script tag.');
    return;
  }
  const title = script.dataset.title ?? 'Chat';
  const color = /^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(script.dataset.color ?? '') ? script.dataset.color! : '#2f6fed';
  const url = new URL(encodeURIComponent(botId), new URL('.', script.src));
  if (script.dataset.title) url.searchParams.set('title', script.dataset.title);
  if (script.dataset.color) url.searchParams.set('color', color);
  const page = url.href;

  const frame = (): HTMLIFrameElement => {
    const iframe = document.createElement('iframe');
    iframe.src = page;
    iframe.title = title;
    Object.assign(iframe.style, { border: '0', width: '100%', height: '100%', display: 'block', background: '#f4f6fa' });
    return iframe;
  };

  const target = script.dataset.target ? document.querySelector(script.dataset.target) : null;
  if (script.dataset.target) {
    if (target) target.append(frame());
    else console.error(`Parley web chat: no element matches data-target="${script.dataset.target}".`);
    return;
  }

  const panel = document.createElement('div');
  panel.id = 'parley-webchat-panel';
  Object.assign(panel.style, {
    position: 'fixed',
    right: '20px',
    bottom: '88px',
    width: 'min(380px, calc(100vw - 40px))',
    height: 'min(600px, calc(100vh - 120px))',
    borderRadius: '14px',
    overflow: 'hidden',
    boxShadow: '0 12px 40px rgba(20, 30, 50, 0.25)',
    zIndex: '2147483646',
    display: 'none',
  });
  const button = document.createElement('button');
  button.id = 'parley-webchat-button';
  button.type = 'button';
  button.setAttribute('aria-label', title);
  button.setAttribute('aria-expanded', 'false');
  Object.assign(button.style, {
    position: 'fixed',
    right: '20px',
    bottom: '20px',
    width: '56px',
    height: '56px',
    borderRadius: '50%',
    border: '0',
    cursor: 'pointer',
    background: color,
    boxShadow: '0 6px 20px rgba(20, 30, 50, 0.3)',
    zIndex: '2147483647',
    display: 'grid',
    placeItems: 'center',
    padding: '0',
  });
  const icon = (open: boolean) =>
    open
      ? '<svg width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round"><path d="M6 6l12 12M18 6L6 18"/></svg>'
      : '<svg width="26" height="26" viewBox="0 0 24 24" fill="#fff"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  button.innerHTML = icon(false);

  let isOpen = false;
  const set = (open: boolean) => {
    isOpen = open;
    if (open && !panel.firstChild) panel.append(frame());
    panel.style.display = open ? 'block' : 'none';
    button.innerHTML = icon(open);
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', () => set(!isOpen));
  const mount = () => {
    document.body.append(panel, button);
    if (script.dataset.open === 'true') set(true);
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });

  (window as unknown as { ParleyWebchat: object }).ParleyWebchat = {
    open: () => set(true),
    close: () => set(false),
    toggle: () => set(!isOpen),
  };
})();
