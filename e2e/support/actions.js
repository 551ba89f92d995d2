// What a person does on Roster's pages, and how the tests read the outcome back.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { screenshotsDir } from './paths.js';

export const password = 'correct horse battery';
export const ada = { name: 'Ada', email: 'ada@acme.example' };
export const bob = { name: 'Bob', email: 'bob@acme.example' };
export const carol = { name: 'Carol', email: 'carol@acme.example' };

/** A button by its exact visible name. */
export function button(scope, name) {
  return scope.getByRole('button', { name, exact: true });
}

/** A link by its exact visible name. */
export function link(scope, name) {
  return scope.getByRole('link', { name, exact: true });
}

/** Fills the sign-up form the page shows and submits it. */
export async function signUp(page, person) {
  await page.locator('#name').fill(person.name);
  await page.locator('#email').fill(person.email);
  await page.locator('#password').fill(password);
  await button(page, 'Sign up').click();
}

/** Waits until the page is at `path` (query ignored); a failure says where it is. */
export async function waitForPath(page, path, options = {}) {
  await page.waitForURL((url) => url.pathname === path, options).catch((error) => {
    throw new Error(`the page should be at ${path} but is at ${page.url()}`, { cause: error });
  });
}

/** The row of the members table for `email`. */
export function memberRow(page, email) {
  return page.locator(`table.members tr[data-email="${email}"]`);
}

/** The status cell of a members row: name, email, role, status, joined. */
export function statusCell(row) {
  return row.locator('td').nth(3);
}

/** Waits until the trimmed text of `locator` is exactly `expected`. */
export async function waitForText(locator, expected, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  let seen;
  while (Date.now() < deadline) {
    seen = await locator.textContent({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => undefined);
    if (seen?.trim() === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`${locator} should read ${JSON.stringify(expected)} but reads ${JSON.stringify(seen?.trim())}`);
}

/** Clicks `target` and waits for the POST it sends to be answered. */
export async function clickAndAwaitPost(page, target) {
  const answered = page.waitForResponse((response) => response.request().method() === 'POST');
  await target.click();
  await answered;
}

/** Saves what the page shows now as docs/screenshots/NAME.png. */
export async function screenshot(page, name, options = {}) {
  await mkdir(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), ...options });
}
