import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { openDm } from '../../api/channels';
import { Dialog } from '../../components/Dialog';
import { UserPicker } from '../../components/UserPicker';
import { channelsQuery } from '../../state/queries';
import { useSession } from '../../state/session';
import { useUserSearch } from '../../state/userSearch';

export function NewDmDialog({ onClose, onOpened }: { onClose: () => void; onOpened: (channelId: string) => void }) {
  const session = useSession();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const [error, setError] = useState<string | null>(null);
  const found = useUserSearch(q, session.userId);
  return (
    <Dialog title="New direct message" onClose={onClose}>
      <UserPicker
        query={q}
        onQuery={setQ}
        results={found.results}
        searching={found.searching}
        error={error ?? found.error}
        actionLabel="Message"
        onPick={(u) => {
          setError(null);
          openDm(u.id)
            .then(async (c) => {
              await qc.invalidateQueries({ queryKey: channelsQuery().queryKey });
              onOpened(c.id);
            })
            .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
        }}
      />
    </Dialog>
  );
}
