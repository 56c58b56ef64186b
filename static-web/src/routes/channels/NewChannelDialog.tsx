import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { createChannel } from '../../api/channels';
import { Dialog } from '../../components/Dialog';
import { channelsQuery } from '../../state/queries';

export function NewChannelDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [isPublic, setIsPublic] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const c = await createChannel(name, isPublic);
      await qc.invalidateQueries({ queryKey: channelsQuery().queryKey });
      onCreated(c.id);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Dialog title="New channel" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} className="stack">
        <label>
          Channel name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} />
        </label>
        <label className="row">
          <input type="checkbox" checked={isPublic} onChange={(e) => setIsPublic(e.target.checked)} />
          Anyone on this server may join (members still read only what is sent after they join)
        </label>
        {error !== null && <p role="alert" className="error">{error}</p>}
        <button type="submit">Create channel</button>
      </form>
    </Dialog>
  );
}
