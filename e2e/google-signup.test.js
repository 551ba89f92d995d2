// Sign up with Google through the real provider's login page: a Workspace user creates
// the domain's org, and a colleague who signs in with Google lands in it by domain.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { button, link, waitForPath } from './support/actions.js';
import { freePort, startProvider } from './support/provider.js';
import { startStack } from './support/stack.js';

const accounts = {
  alice: { email: 'alice@corp.example', email_verified: true, hd: 'corp.example', name: 'Alice' },
  bob: { email: 'bob@corp.example', email_verified: true, hd: 'corp.example', name: 'Bob' },
};

/** Goes through the provider's login page as `login` and back to Roster. */
async function throughProvider(page, login) {
  await page.locator('#login').fill(login);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.pathname === '/' || url.pathname === '/admin/users');
}

test('a Workspace user signs up with Google and a colleague joins the domain org by signing in', { timeout: 120_000 }, async (t) => {
  const port = await freePort();
  const provider = await startProvider({ accounts, redirectUri: `http://127.0.0.1:${port}/auth/oidc/sso/callback` });
  t.after(() => provider.stop());
  const { browse, outsideRequests } = await startStack(t, {
    roster: {
      listen: `127.0.0.1:${port}`,
      args: ['--oidc-client-id', 'roster', '--oidc-issuer', provider.issuer, '--oidc-label', 'Google'],
      env: { ROSTER_OIDC_CLIENT_SECRET: 'roster-test-secret' },
    },
    alsoAllowed: [provider.issuer],
  });

  // Alice: "Sign up with Google", the provider's login page, then back, without an org.
  const alice = await browse();
  await alice.goto('/signup');
  await link(alice, 'Sign up with Google').click();
  await alice.locator('#login').waitFor();
  assert.equal(new URL(alice.url()).origin, provider.issuer, 'the login page is the provider\'s');
  await throughProvider(alice, 'alice');
  await link(alice, 'Create an organization').click();
  await alice.locator('#org-name').fill('Corp');
  await button(alice, 'Create organization').click();
  await waitForPath(alice, '/admin/users');
  await link(alice, 'Org Settings').click();
  await alice.getByText('corp.example', { exact: true }).waitFor();

  // Bob: "Sign in with Google" puts him straight into Corp, by his Workspace domain.
  const bob = await browse();
  await bob.goto('/login');
  await link(bob, 'Sign in with Google').click();
  await throughProvider(bob, 'bob');
  assert.equal(await bob.locator('h1').textContent(), 'Corp');

  assert.deepEqual(outsideRequests, []);
});
