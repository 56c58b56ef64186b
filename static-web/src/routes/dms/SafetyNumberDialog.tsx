import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Dialog } from '../../components/Dialog';
import { SafetyNumber } from '../../components/SafetyNumber';
import { acceptSafetyNumber, safetyNumber } from '../../state/e2ee';

export function SafetyNumberDialog({ contact, userId, onClose }: { contact: string; userId: string; onClose: () => void }) {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['safety', userId], queryFn: () => safetyNumber(userId), staleTime: 0 });
  const error = q.error !== null ? q.error.message : q.data === null ? 'Encryption is not available in this build.' : null;
  return (
    <Dialog title={`Safety number with ${contact}`} onClose={onClose}>
      <SafetyNumber
        contact={contact}
        digits={q.data?.digits ?? null}
        changed={q.data?.changed ?? false}
        error={error}
        onAccept={() => void acceptSafetyNumber(userId).then(() => qc.invalidateQueries({ queryKey: ['safety', userId] }))}
      />
    </Dialog>
  );
}
