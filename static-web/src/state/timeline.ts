// The app's timelines: the model of timelineStore.ts over the HTTP API and the crypto module.
import { getMessages } from '../api/messages';
import { decryptBodies } from './e2ee';
import { TimelineStore } from './timelineStore';

export { toView, TimelineStore, type Timeline, type ViewMessage } from './timelineStore';

export const timelines = new TimelineStore({ fetchPage: getMessages, decrypt: decryptBodies });
