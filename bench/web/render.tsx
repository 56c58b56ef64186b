// Mounts the app's real MessageList (virtualized) with N decrypted messages and measures the time
// from "the data is here" to the first frame painted with the newest message on screen.
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { MessageList } from '../../static-web/src/components/MessageList';
import type { ViewMessage } from '../../static-web/src/state/timeline';
import '../../static-web/src/styles.css';

function messages(n: number): ViewMessage[] {
  const start = Date.UTC(2026, 0, 1);
  return Array.from({ length: n }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    channelId: 'c',
    senderId: i % 3 === 0 ? 'me' : `user-${i % 7}`,
    senderDeviceId: 'd',
    createdAt: new Date(start + i * 60_000).toISOString(),
    editedAt: null,
    replyToId: i % 10 === 5 ? `00000000-0000-4000-8000-${String(i - 1).padStart(12, '0')}` : null,
    attachments: [],
    content: '',
    protocolVersion: 3,
    plain: { ok: true, value: { text: `Message number ${i}: ${'lorem ipsum dolor sit amet '.repeat(1 + (i % 4))}` } },
  }));
}

const nextPaint = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

async function once(root: Root, list: ViewMessage[]): Promise<number> {
  const t0 = performance.now();
  flushSync(() =>
    root.render(
      <div style={{ height: '800px', display: 'flex', flexDirection: 'column' }}>
        <MessageList
          messages={list}
          hasMore={false}
          loadingOlder={false}
          ownUserId="me"
          nameOf={(id) => id ?? 'nobody'}
          onLoadOlder={() => undefined}
          onReply={() => undefined}
          onEdit={() => undefined}
          onDelete={() => undefined}
          renderAttachment={() => null}
        />
      </div>,
    ),
  );
  // The virtualizer measures rows and scrolls to the end over a few frames: stop at the first painted
  // frame that shows the newest message.
  const newest = `Message number ${list.length - 1}:`;
  for (let frames = 0; frames < 600; frames++) {
    await nextPaint();
    const el = [...document.querySelectorAll('article')].find((a) => a.textContent?.includes(newest));
    const scroller = document.querySelector('[role="log"]');
    if (el !== undefined && scroller !== null) {
      const r = el.getBoundingClientRect();
      const v = scroller.getBoundingClientRect();
      if (r.bottom > v.top && r.top < v.bottom) return performance.now() - t0;
    }
  }
  throw new Error('newest message never became visible');
}

async function run(n: number, rounds: number): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const el = document.createElement('div');
    document.getElementById('root')?.replaceChildren(el);
    const root = createRoot(el);
    out.push(await once(root, messages(n)));
    root.unmount();
    await nextPaint();
  }
  return out;
}

declare global {
  interface Window {
    bench: (n: number, rounds: number) => Promise<number[]>;
  }
}
window.bench = run;
