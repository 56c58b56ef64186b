import { expect, marker, messages, newUserPage, registerInUi, test, uniqueName } from '../support/fixtures';

// Issue 11 item 1: the message view is a virtualized list with backward infinite scroll (pages of 50).
test('scrolling up loads older pages; only rows near the viewport exist in the page', async ({ browser }) => {
  const { context, page } = await newUserPage(browser);
  await registerInUi(page, uniqueName('scroll'));
  await page.getByRole('button', { name: 'New channel' }).click();
  const room = uniqueName('long');
  await page.getByLabel('Channel name').fill(room);
  await page.getByRole('button', { name: 'Create channel' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `# ${room}` })).toBeVisible();

  const box = page.getByRole('textbox', { name: 'Message' });
  const first = marker('oldest');
  const texts = [first, ...Array.from({ length: 59 }, (_, i) => `history line ${i + 1}`)];
  for (const t of texts) {
    await box.fill(t);
    await box.press('Enter');
    await expect(box).toHaveValue('');
  }
  await page.reload();
  const log = messages(page);
  await expect(log.getByText('history line 59', { exact: true })).toBeVisible();
  await expect(log.getByText(first, { exact: true })).toHaveCount(0);
  expect(await log.getByRole('article').count()).toBeLessThan(40);

  // Scroll to the top until the first message (on the second page) appears.
  await expect(async () => {
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect(log.getByText(first, { exact: true })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(log.getByText('Beginning of the conversation')).toBeVisible();
  expect(await log.getByRole('article').count()).toBeLessThan(40);
  await context.close();
});
