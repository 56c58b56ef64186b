import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const e2eDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(e2eDir, '..', '..');
export const stateFile = path.join(e2eDir, '.run', 'server.json');
export const markersFile = path.join(e2eDir, '.run', 'markers.txt');
export const imagesDir = path.join(repoRoot, 'docs', 'images');
