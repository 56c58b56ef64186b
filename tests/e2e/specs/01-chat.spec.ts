import type { BrowserContext, Page } from '@playwright/test';
import {
  conversation,
  expect,
  marker,
  messages,
  newUserPage,
  registerInUi,
  screenshot,
  send,
  server,
  signInUi,
  test,
  uniqueName,
} from '../support/fixtures';
import { pngWithText } from '../support/png';

// Issue 11 items 4 and 7: people in separate browser contexts chat through a real LocalHost.
// One story, step by step; each step builds on the previous one.
test.describe.configure({ mode: 'serial' });

const alice = uniqueName('alice');
const bob = uniqueName('bob');
const carol = uniqueName('carol');
const dave = uniqueName('dave');
const group = uniqueName('trio');
let afterDave = '';
let groupHello = '';
let a: { context: BrowserContext; page: Page };
let b: { context: BrowserContext; page: Page };
let c: { context: BrowserContext; page: Page };

test.beforeAll(async ({ browser }) => {
  a = await newUserPage(browser);
  b = await newUserPage(browser);
  c = await newUserPage(browser);
});

test.afterAll(async () => {
  await Promise.all([a.context.close(), b.context.close(), c.context.close()]);
});

test('three people register in their own browsers', async () => {
  await registerInUi(a.page, alice, 'Alice');
  await registerInUi(b.page, bob, 'Bob');
  await registerInUi(c.page, carol, 'Carol');
});

test('a DM: messages, typing, edit and delete appear live on the other side', async () => {
  await a.page.getByRole('button', { name: 'New direct message' }).click();
  await a.page.getByLabel('Find a user (name, or user@server)').fill(bob);
  await a.page.getByRole('button', { name: `Message ${bob}` }).click();
  await expect(a.page.getByRole('heading', { level: 1, name: 'Bob' })).toBeVisible();

  const first = marker('dm1');
  await send(a.page, first);

  // Bob learns about the DM over realtime (channel.new) and reads the message.
  await conversation(b.page, 'Alice').click();
  await expect(messages(b.page).getByText(first)).toBeVisible();

  // Typing shows while Bob types.
  await b.page.getByRole('textbox', { name: 'Message' }).fill('…');
  await expect(a.page.getByRole('status').filter({ hasText: 'Bob is typing…' })).toBeVisible();
  const reply = marker('dm2');
  await b.page.getByRole('textbox', { name: 'Message' }).fill(reply);
  await b.page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(messages(a.page).getByText(reply)).toBeVisible();
  await expect(a.page.getByRole('status').filter({ hasText: 'Bob is typing…' })).toHaveCount(0);

  // Alice edits her first message; Bob sees the new text live.
  const edited = marker('dm1edit');
  await messages(a.page).getByRole('article', { name: 'Message from You' }).filter({ hasText: first }).getByRole('button', { name: 'Edit message' }).click();
  await a.page.getByRole('textbox', { name: 'Message' }).fill(edited);
  await a.page.getByRole('button', { name: 'Save' }).click();
  await expect(messages(b.page).getByText(edited)).toBeVisible();
  await expect(messages(b.page).getByText(first)).toHaveCount(0);

  // Bob deletes his reply; it disappears for Alice.
  await messages(b.page).getByRole('article', { name: 'Message from You' }).filter({ hasText: reply }).getByRole('button', { name: 'Delete message' }).click();
  await b.page.getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(messages(a.page).getByText(reply)).toHaveCount(0);
  await expect(messages(b.page).getByText(reply)).toHaveCount(0);
});

test('the safety-number dialog shows 60 digits, the same on both sides', async () => {
  await a.page.getByRole('button', { name: 'Safety number' }).click();
  const dialog = a.page.getByRole('dialog', { name: 'Safety number with Bob' });
  const shownA = await dialog.getByLabel('Safety number').innerText();
  const groupsA = shownA.trim().split(/\s+/);
  expect(groupsA).toHaveLength(12);
  expect(groupsA.every((g) => /^\d{5}$/.test(g))).toBe(true);
  const digitsA = shownA.replace(/\s/g, '');
  expect(digitsA).toMatch(/^\d{60}$/);
  await screenshot(a.page, 'dm-safety-number');
  await dialog.getByRole('button', { name: 'Close dialog' }).click();

  await b.page.getByRole('button', { name: 'Safety number' }).click();
  const digitsB = (await b.page.getByRole('dialog', { name: 'Safety number with Alice' }).getByLabel('Safety number').innerText()).replace(/\s/g, '');
  expect(digitsB).toBe(digitsA);
  await b.page.getByRole('button', { name: 'Close dialog' }).click();
});

test('a group of three: live messages and an encrypted image the others preview', async () => {
  await a.page.getByRole('button', { name: 'New channel' }).click();
  await a.page.getByLabel('Channel name').fill(group);
  await a.page.getByRole('button', { name: 'Create channel' }).click();
  await expect(a.page.getByRole('heading', { level: 1, name: `# ${group}` })).toBeVisible();
  for (const who of [bob, carol]) {
    await a.page.getByRole('button', { name: 'Add member' }).click();
    await a.page.getByLabel('Find a user (name, or user@server)').fill(who);
    await a.page.getByRole('button', { name: `Add ${who}` }).click();
    await expect(a.page.getByRole('status').filter({ hasText: `Added ${who}` })).toBeVisible();
    await a.page.getByRole('button', { name: 'Close dialog' }).click();
  }

  const hello = marker('group1');
  groupHello = hello;
  await send(a.page, hello);
  await conversation(b.page, group).click();
  await conversation(c.page, group).click();
  await expect(messages(b.page).getByText(hello)).toBeVisible();
  await expect(messages(c.page).getByText(hello)).toBeVisible();

  // Bob replies with an image; the file and its name are encrypted before upload.
  const imageMarker = marker('image');
  const caption = marker('caption');
  await messages(b.page).getByRole('article').filter({ hasText: hello }).getByRole('button', { name: /^Reply to/ }).click();
  await b.page.getByLabel('Attach files').setInputFiles({ name: `${imageMarker}.png`, mimeType: 'image/png', buffer: pngWithText(imageMarker) });
  await b.page.getByRole('textbox', { name: 'Message' }).fill(caption);
  await b.page.getByRole('button', { name: 'Send', exact: true }).click();
  for (const p of [a.page, c.page]) {
    const img = messages(p).getByRole('img', { name: `Image ${imageMarker}.png` });
    await expect(img).toBeVisible();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(48);
    await expect(messages(p).getByText(caption)).toBeVisible();
  }
  await screenshot(c.page, 'group-chat');
});

test('someone added later reads only what is sent after they joined', async ({ browser }) => {
  const before = marker('beforedave');
  await send(a.page, before);
  const d = await newUserPage(browser);
  await registerInUi(d.page, dave, 'Dave');
  await a.page.getByRole('button', { name: 'Add member' }).click();
  await a.page.getByLabel('Find a user (name, or user@server)').fill(dave);
  await a.page.getByRole('button', { name: `Add ${dave}` }).click();
  await expect(a.page.getByRole('status').filter({ hasText: `Added ${dave}` })).toBeVisible();
  await a.page.getByRole('button', { name: 'Close dialog' }).click();
  const after = marker('afterdave');
  afterDave = after;
  await send(a.page, after);

  await conversation(d.page, group).click();
  await expect(messages(d.page).getByText(after)).toBeVisible();
  await expect(messages(d.page).getByText(before)).toHaveCount(0);
  await d.context.close();
});

test('a reload shows the history again', async () => {
  await a.page.reload();
  await expect(a.page.getByRole('heading', { level: 1, name: `# ${group}` })).toBeVisible();
  await expect(messages(a.page).getByText(groupHello, { exact: true })).toBeVisible();
  await expect(messages(a.page).getByText(afterDave, { exact: true })).toBeVisible();
  await expect(messages(a.page).getByRole('img', { name: /^Image ptimage/ })).toBeVisible();
  await expect(messages(a.page).getByText(/^Unable to decrypt/)).toHaveCount(0);
});

test('an admin bans a user and that browser session ends', async ({ browser }) => {
  const admin = await newUserPage(browser);
  await signInUi(admin.page, server.adminUsername, server.adminPassword);
  await admin.page.getByRole('link', { name: 'Admin', exact: true }).click();
  await admin.page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Users' }).click();
  await admin.page.getByLabel('Search users').fill(carol);
  await expect(admin.page.getByRole('row', { name: new RegExp(carol) })).toBeVisible();
  await screenshot(admin.page, 'admin-users');
  await admin.page.getByRole('button', { name: `Ban ${carol}` }).click();
  await admin.page.getByLabel('Reason (optional)').fill('e2e');
  await admin.page.getByRole('button', { name: 'Ban user' }).click();
  await expect(admin.page.getByRole('row', { name: new RegExp(carol) }).getByRole('cell', { name: 'banned' })).toBeVisible();
  await admin.context.close();

  // Carol's next request (here the typing notice as she starts to type) is refused: the app signs
  // her out and wipes her keys.
  await c.page.getByRole('textbox', { name: 'Message' }).fill('never sent');
  await expect(c.page.getByRole('alert').filter({ hasText: 'Your account has been banned' })).toBeVisible();
  await expect(c.page.getByRole('button', { name: 'Sign in' })).toBeVisible();
});

test('settings: profile saved, avatar uploaded, devices listed', async () => {
  await b.page.getByRole('link', { name: /^Profile and settings/ }).click();
  await b.page.getByLabel('Status').fill('Testing D3Chat');
  await b.page.getByRole('button', { name: 'Save profile' }).click();
  await expect(b.page.getByRole('status').filter({ hasText: 'Profile saved.' })).toBeVisible();
  await expect(b.page.getByRole('list', { name: 'Your devices' }).getByText('this device')).toBeVisible();
  // Avatars are public profile pictures (not end-to-end encrypted), so no marker goes in this one.
  await b.page.getByLabel('Upload a new avatar').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: pngWithText('avatar', 64, 64) });
  await expect(b.page.getByRole('status').filter({ hasText: 'Avatar updated.' })).toBeVisible();
  await expect(b.page.getByRole('button', { name: 'Remove avatar' })).toBeVisible();
  await screenshot(b.page, 'settings');
});

test('logout leaves nothing in IndexedDB or storage', async () => {
  await b.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(b.page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  const left = await b.page.evaluate(async () => ({
    dbs: (await indexedDB.databases()).map((d) => d.name),
    local: localStorage.length,
    session: sessionStorage.length,
  }));
  expect(left).toEqual({ dbs: [], local: 0, session: 0 });
  await screenshot(b.page, 'sign-in');
});
