import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';

export interface ComposerProps {
  replyingTo: string | null;
  editing: boolean;
  initialText: string;
  busy: boolean;
  error: string | null;
  onCancelReply: () => void;
  onCancelEdit: () => void;
  onTyping: (typing: boolean) => void;
  onSubmit: (text: string, files: File[]) => Promise<boolean>;
}

/** Text box (Enter sends, Shift+Enter is a new line), attachments, reply and edit bars. */
export function Composer(p: ComposerProps) {
  const [text, setText] = useState(p.initialText);
  const [files, setFiles] = useState<File[]>([]);
  const fileRef = useRef<HTMLInputElement>(null);
  const errorId = useId();
  const lastTyping = useRef(0);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (p.busy || (text.trim() === '' && files.length === 0)) return;
    const ok = await p.onSubmit(text, files);
    if (ok) {
      setText('');
      setFiles([]);
      lastTyping.current = 0;
      p.onTyping(false);
    }
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape' && p.editing) p.onCancelEdit();
  };
  const onChange = (value: string) => {
    setText(value);
    const now = Date.now();
    if (value === '') {
      lastTyping.current = 0;
      p.onTyping(false);
    } else if (now - lastTyping.current > 2000) {
      lastTyping.current = now;
      p.onTyping(true);
    }
  };

  return (
    <form className="composer" onSubmit={(e) => void submit(e)} aria-label="Send a message">
      {p.replyingTo !== null && (
        <div className="composer-bar" role="status">
          Replying to {p.replyingTo}{' '}
          <button type="button" onClick={p.onCancelReply} aria-label="Cancel reply">
            Cancel
          </button>
        </div>
      )}
      {p.editing && (
        <div className="composer-bar" role="status">
          Editing message{' '}
          <button type="button" onClick={p.onCancelEdit} aria-label="Cancel editing">
            Cancel
          </button>
        </div>
      )}
      {files.length > 0 && (
        <ul className="chips" aria-label="Files to send">
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`}>
              {f.name}{' '}
              <button type="button" aria-label={`Remove ${f.name}`} onClick={() => setFiles(files.filter((_, j) => j !== i))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {p.error !== null && (
        <p id={errorId} role="alert" className="error">
          {p.error}
        </p>
      )}
      <div className="composer-row">
        {!p.editing && (
          <>
            <input
              ref={fileRef}
              type="file"
              multiple
              className="visually-hidden"
              aria-label="Attach files"
              onChange={(e) => {
                setFiles([...files, ...Array.from(e.target.files ?? [])]);
                e.target.value = '';
              }}
            />
            <button type="button" onClick={() => fileRef.current?.click()}>
              Attach
            </button>
          </>
        )}
        <textarea
          aria-label="Message"
          aria-describedby={p.error !== null ? errorId : undefined}
          placeholder="Write an encrypted message"
          rows={1}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKey}
        />
        <button type="submit" disabled={p.busy || (text.trim() === '' && files.length === 0)}>
          {p.editing ? 'Save' : 'Send'}
        </button>
      </div>
    </form>
  );
}
