import type { Device } from '../api/types';

export function DeviceList({ devices, currentId, onRemove }: { devices: Device[]; currentId: string | null; onRemove: (d: Device) => void }) {
  return (
    <ul aria-label="Your devices" className="plain-list">
      {devices.map((d) => (
        <li key={d.id}>
          <span>{d.device_name}</span> <span className="muted">added {new Date(d.created_at).toLocaleString()}</span>
          {d.id === currentId ? (
            <span className="badge">this device</span>
          ) : (
            <button type="button" onClick={() => onRemove(d)} aria-label={`Remove device ${d.device_name} added ${new Date(d.created_at).toLocaleString()}`}>
              Remove
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
