import {
  conversation,
  expect,
  expectNoSeriousA11yViolations,
  marker,
  messages,
  newUserPage,
  registerInUi,
  server,
  signInUi,
  test,
  uniqueName,
} from '../support/fixtures';

// Issue 11 item 6: accessible names, axe on each main screen, keyboard-only sending, 380 px.
test.describe.configure({ mode: 'serial' });

test('axe finds no serious or critical violation on the main screens', async ({ browser }) => {
  const { context, page } = await newUserPage(browser);
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('tab', { name: 'Create account' }).click();
  await expectNoSeriousA11yViolations(page);

  await registerInUi(page, uniqueName('ally'));
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('button', { name: 'New channel' }).click();
  await expectNoSeriousA11yViolations(page);
  await page.getByLabel('Channel name').fill(uniqueName('room'));
  await page.getByRole('button', { name: 'Create channel' }).click();
  await expect(messages(page)).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('button', { name: 'Add member' }).click();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('button', { name: 'Close dialog' }).click();
  await page.getByRole('link', { name: /^Profile and settings/ }).click();
  await expect(page.getByRole('heading', { name: 'Profile and settings' })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await context.close();

  const admin = await newUserPage(browser);
  await signInUi(admin.page, server.adminUsername, server.adminPassword);
  await admin.page.getByRole('link', { name: 'Admin', exact: true }).click();
  const adminNav = admin.page.getByRole('navigation', { name: 'Administration' });
  for (const section of ['Dashboard', 'Users', 'Channels', 'Audit log', 'Settings', 'Invites', 'Federation']) {
    await adminNav.getByRole('link', { name: section }).click();
    await expect(adminNav.getByRole('link', { name: section })).toHaveAttribute('aria-current', 'page');
    await expect(admin.page.getByRole('heading', { level: 1 })).toBeVisible();
    await expectNoSeriousA11yViolations(admin.page);
    if (section === 'Settings') {
      const { imagesDir } = await import('../support/paths');
      await admin.page.screenshot({ path: `${imagesDir}/admin-settings.png` });
    }
  }
  await admin.context.close();
});

test('a message can be sent with the keyboard only', async ({ browser }) => {
  const { context, page } = await newUserPage(browser);
  await registerInUi(page, uniqueName('keys'));
  const room = uniqueName('kbd');
  // Reach "New channel" by tabbing from the top of the page.
  await page.keyboard.press('Tab');
  const newChannel = page.getByRole('button', { name: 'New channel' });
  for (let i = 0; i < 10 && !(await newChannel.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(newChannel).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Channel name')).toBeFocused();
  await page.keyboard.type(room);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: `# ${room}` })).toBeVisible();
  const box = page.getByRole('textbox', { name: 'Message' });
  for (let i = 0; i < 30 && !(await box.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(box).toBeFocused();
  const text = marker('keyboard');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await expect(messages(page).getByText(text)).toBeVisible();
  await expect(box).toHaveValue('');
  await context.close();
});

test('usable at 380×800: conversations behind a toggle, chat and composer fit', async ({ browser }) => {
  const { context, page } = await newUserPage(browser, { width: 380, height: 800 });
  await registerInUi(page, uniqueName('narrow'));
  // On a narrow screen the conversation list sits behind a toggle.
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeHidden();
  await page.getByRole('button', { name: 'Conversations' }).click();
  await page.getByRole('button', { name: 'New channel' }).click();
  const room = uniqueName('small');
  await page.getByLabel('Channel name').fill(room);
  await page.getByRole('button', { name: 'Create channel' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `# ${room}` })).toBeVisible();
  const text = marker('narrow');
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(messages(page).getByText(text)).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('button', { name: 'Conversations' }).click();
  await expect(conversation(page, room)).toBeVisible();
  await context.close();
});
