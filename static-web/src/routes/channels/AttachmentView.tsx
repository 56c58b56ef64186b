import { failureCopy } from '../../components/DecryptionFailure';
import type { AttachmentRef } from '../../state/e2eeTypes';
import { useDecryptedAttachment } from '../../state/attachments';

export function AttachmentView({ attachment }: { attachment: AttachmentRef }) {
  const q = useDecryptedAttachment(attachment);
  if (q.isPending) return <p className="muted">Decrypting {attachment.name}…</p>;
  if (q.error !== null) return <p className="error">Could not download {attachment.name}.</p>;
  if (!q.data.ok) return <p className="decrypt-failure">{failureCopy(q.data.reason)}</p>;
  if (attachment.type.startsWith('image/')) {
    return (
      <a href={q.data.url} download={attachment.name} className="attachment-image">
        <img src={q.data.url} alt={`Image ${attachment.name}`} />
      </a>
    );
  }
  return (
    <a href={q.data.url} download={attachment.name} className="attachment-file">
      Download {attachment.name} ({Math.ceil(attachment.size / 1024)} kB)
    </a>
  );
}
