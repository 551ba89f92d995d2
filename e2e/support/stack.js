// One test's world: a fresh roster server, Debian's chromium driven by playwright-core,
// and a helper for fresh browser contexts that may only talk to that server.

import { access } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { startRoster } from './roster.js';

const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const desktop = { width: 1280, height: 800 };
export const phone = { width: 390, height: 844 };

/**
 * Starts a server and a browser for test `t` and stops both when it ends. `browse()`
 * opens a page in a new context; `outsideRequests` lists every request that tried to
 * leave the server's origin (they are aborted).
 */
export async function startStack(t, { roster = {}, alsoAllowed = [] } = {}) {
  await access(chromiumPath).catch(() => {
    throw new Error(`${chromiumPath} is missing: apt-get install -y chromium`);
  });
  const server = await startRoster(roster);
  let browser;
  t.after(async () => {
    await browser?.close();
    await server.stop();
  });
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });

  const outsideRequests = [];

  /** A page in a fresh context (own cookies); `options` go to `browser.newContext`. */
  async function browse(options = {}) {
    const context = await browser.newContext({ baseURL: server.url, viewport: desktop, ...options });
    context.setDefaultTimeout(10_000);
    await context.route('**/*', (route) => {
      const url = route.request().url();
      const origin = new URL(url).origin;
      if (origin === server.url || alsoAllowed.includes(origin)) return route.continue();
      outsideRequests.push(url);
      return route.abort('blockedbyclient');
    });
    return context.newPage();
  }

  return { server, browser, browse, outsideRequests };
}
