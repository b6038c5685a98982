import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`; `.ci/run` installs it). playwright-core never downloads a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless run as root on a machine with no network but loopback. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * Let a browser context reach 127.0.0.1 only: every other request is aborted and recorded, so a test can assert that
 * its pages need nothing from the network (no CDN, no font service). Also records every URL requested.
 */
export async function loopbackOnly(context: BrowserContext): Promise<{ blocked: string[]; requested: string[] }> {
  const seen = { blocked: [] as string[], requested: [] as string[] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    seen.requested.push(url);
    const { protocol, hostname } = new URL(url);
    if ((protocol === 'http:' || protocol === 'https:') && hostname === '127.0.0.1') return route.continue();
    if (protocol === 'data:' || protocol === 'blob:') return route.continue();
    seen.blocked.push(url);
    return route.abort('blockedbyclient');
  });
  return seen;
}

/**
 * What the pages of a context complained about: console errors (a failed request, a script's `console.error`) and
 * uncaught exceptions, each with the page's URL. A test asserts the list is what it expects. (With `loopbackOnly`'s
 * routing, Chromium does not ask for /favicon.ico, so a missing icon does not show here.)
 */
export function pageProblems(context: BrowserContext): string[] {
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${page.url()}: console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: uncaught: ${error.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return problems;
}
