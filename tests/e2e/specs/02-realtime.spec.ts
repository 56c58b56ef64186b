import { expect, marker, messages, newUserPage, registerInUi, test, uniqueName } from '../support/fixtures';

// Issue 11 item 3: an offline banner while disconnected; after reconnecting the app re-fetches what it
// shows, so a message sent meanwhile appears (once).
test('offline banner while disconnected, missed messages appear once after reconnecting', async ({ browser }) => {
  const a = await newUserPage(browser);
  const b = await newUserPage(browser);
  const aName = uniqueName('on');
  const bName = uniqueName('off');
  await registerInUi(a.page, aName);
  await registerInUi(b.page, bName);
  await a.page.getByRole('button', { name: 'New direct message' }).click();
  await a.page.getByLabel('Find a user (name, or user@server)').fill(bName);
  await a.page.getByRole('button', { name: `Message ${bName}` }).click();
  const first = marker('online');
  await a.page.getByRole('textbox', { name: 'Message' }).fill(first);
  await a.page.getByRole('button', { name: 'Send', exact: true }).click();
  await b.page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: aName }).click();
  await expect(messages(b.page).getByText(first, { exact: true })).toBeVisible();

  await b.context.setOffline(true);
  await expect(b.page.getByRole('status').filter({ hasText: /Offline|Connecting/ })).toBeVisible({ timeout: 45_000 });
  const missed = marker('missed');
  await a.page.getByRole('textbox', { name: 'Message' }).fill(missed);
  await a.page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(messages(a.page).getByText(missed, { exact: true })).toBeVisible();

  await b.context.setOffline(false);
  await expect(b.page.getByRole('status').filter({ hasText: /Offline|Connecting/ })).toHaveCount(0, { timeout: 45_000 });
  await expect(messages(b.page).getByText(missed, { exact: true })).toHaveCount(1);
  await expect(messages(b.page).getByText(first, { exact: true })).toHaveCount(1);
  await a.context.close();
  await b.context.close();
});
