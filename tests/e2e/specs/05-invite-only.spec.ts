import { expect, newUserPage, PASSWORD, server, signInUi, test, uniqueName } from '../support/fixtures';

// Issue 11 items 1 and 2: the admin switches registration to invite-only and creates an invite; the
// sign-up form follows the public config and needs the code.
test.afterAll(async ({ request }) => {
  // Whatever happened above, leave the server open for the specs after this one.
  const login = await request.post(`${server.baseUrl}/api/v1/auth/login`, { data: { username: server.adminUsername, password: server.adminPassword } });
  const { access_token: token } = (await login.json()) as { access_token: string };
  await request.put(`${server.baseUrl}/api/v1/admin/settings/registration_mode`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { value: { value: 'open' } },
  });
});

test('invite-only registration: the admin sets it and hands out a code, the form asks for it', async ({ browser }) => {
  const admin = await newUserPage(browser);
  await signInUi(admin.page, server.adminUsername, server.adminPassword);
  await admin.page.getByRole('link', { name: 'Admin', exact: true }).click();
  const adminNav = admin.page.getByRole('navigation', { name: 'Administration' });
  await adminNav.getByRole('link', { name: 'Settings' }).click();
  await admin.page.getByRole('textbox', { name: /^registration_mode/ }).fill('invite_only');
  await admin.page.getByRole('button', { name: 'Save registration_mode' }).click();
  await expect(admin.page.getByRole('status').filter({ hasText: 'Saved registration_mode.' })).toBeVisible();

  await adminNav.getByRole('link', { name: 'Invites' }).click();
  await admin.page.getByLabel('Maximum uses (empty: unlimited)').fill('1');
  await admin.page.getByRole('button', { name: 'Create invite' }).click();
  const invite = admin.page.getByRole('list', { name: 'Invite codes' }).getByRole('listitem').first();
  await expect(invite).toContainText('used 0 of 1');
  const code = (await invite.getByRole('button', { name: /^Revoke invite / }).getAttribute('aria-label'))?.replace('Revoke invite ', '') ?? '';
  expect(code).not.toBe('');

  const guest = await newUserPage(browser);
  await guest.page.goto('/');
  await guest.page.getByRole('tab', { name: 'Create account' }).click();
  await expect(guest.page.getByText('This server is invite-only: you need an invite code.')).toBeVisible();
  await guest.page.getByLabel('Username').fill(uniqueName('invited'));
  await guest.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await guest.page.getByLabel('Confirm password').fill(PASSWORD);
  await guest.page.getByLabel('Invite code').fill('not-a-real-code');
  await guest.page.getByRole('button', { name: 'Create account' }).click();
  await expect(guest.page.getByRole('alert')).toBeVisible();
  await guest.page.getByLabel('Invite code').fill(code);
  await guest.page.getByRole('button', { name: 'Create account' }).click();
  await expect(guest.page.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();

  await admin.page.reload();
  await expect(admin.page.getByRole('list', { name: 'Invite codes' }).getByRole('listitem').first()).toContainText('used 1 of 1');
  await admin.context.close();
  await guest.context.close();
});
