// The core forms with JavaScript off in every browser: sign-up, create org, invite
// (the server renders the dialog open), joining through the link, approval with
// approvals enabled in Org Settings, and removal through the confirmation page.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ada, bob, button, link, memberRow, signUp, statusCell, waitForPath, waitForText,
} from './support/actions.js';
import { startStack } from './support/stack.js';

const noScript = { javaScriptEnabled: false };

test('every core form works without JavaScript', { timeout: 120_000 }, async (t) => {
  const { server, browse, outsideRequests } = await startStack(t);

  // Ada signs up and creates Acme.
  const admin = await browse(noScript);
  await admin.goto('/signup');
  await signUp(admin, ada);
  await waitForPath(admin, '/');
  await link(admin, 'Create an organization').click();
  await waitForPath(admin, '/orgs/new');
  await admin.locator('#org-name').fill('Acme');
  await button(admin, 'Create organization').click();
  await waitForPath(admin, '/admin/users');
  await waitForText(statusCell(memberRow(admin, ada.email)), 'active');

  // "+ Invite Users" answers with the page and the dialog already open.
  await button(admin, '+ Invite Users').click();
  const inviteDialog = admin.locator('dialog#invite-dialog[open]');
  await inviteDialog.waitFor();
  const inviteLink = await inviteDialog.locator('input#invite-link').inputValue();
  assert.ok(inviteLink.startsWith(`${server.url}/invite/`), `${inviteLink} is a link to ${server.url}/invite/`);

  // Approvals on, by the settings button.
  await link(admin, 'Org Settings').click();
  await waitForPath(admin, '/admin/settings');
  await button(admin, 'Enable').click();
  await button(admin, 'Disable').waitFor();

  // Bob signs up through the link and waits for approval.
  const teammate = await browse(noScript);
  await teammate.goto(inviteLink);
  await waitForText(teammate.locator('h1'), 'Join Acme');
  await link(teammate, 'Sign up with email').click();
  await signUp(teammate, bob);
  await waitForPath(teammate, '/pending');
  await waitForText(teammate.locator('h1'), 'Waiting for approval');

  // Ada approves him; he is in Acme.
  await link(admin, 'Users').click();
  await waitForPath(admin, '/admin/users');
  const bobRow = memberRow(admin, bob.email);
  await waitForText(statusCell(bobRow), 'pending');
  await button(bobRow, 'Approve').click();
  await waitForText(statusCell(bobRow), 'active');
  await teammate.goto('/');
  await waitForPath(teammate, '/');
  assert.match(await teammate.locator('h1').textContent(), /Acme/);

  // Ada removes him through the confirmation page; his next request is signed out.
  const usersTab = admin.url();
  await button(bobRow, 'Remove').click();
  await admin.waitForURL((url) => url.href !== usersTab);
  await button(admin, 'Remove').click();
  await waitForPath(admin, '/admin/users');
  await memberRow(admin, ada.email).waitFor();
  assert.equal(await bobRow.count(), 0);
  await teammate.goto('/');
  await waitForPath(teammate, '/login');

  assert.deepEqual(outsideRequests, []);
});
