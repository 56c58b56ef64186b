import type { ConnectionStatus } from '../realtime/hub';

export function OfflineBanner({ status }: { status: ConnectionStatus }) {
  if (status === 'online') return null;
  return (
    <div role="status" className="banner banner-offline">
      {status === 'connecting' ? 'Connecting…' : 'Offline: reconnecting. New messages will appear when the connection is back.'}
    </div>
  );
}
