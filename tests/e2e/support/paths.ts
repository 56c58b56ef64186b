import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const e2eDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(e2eDir, '..', '..');
export const stateFile = path.join(e2eDir, '.run', 'server.json');
export const markersFile = path.join(e2eDir, '.run', 'markers.txt');
// Screenshots go to test-results unless D3CHAT_UPDATE_SCREENSHOTS=1 asks to refresh the README's
// images, so an ordinary test run leaves the working tree clean.
export const imagesDir =
  process.env.D3CHAT_UPDATE_SCREENSHOTS === '1'
    ? path.join(repoRoot, 'docs', 'images')
    : path.join(e2eDir, 'test-results', 'screenshots');
