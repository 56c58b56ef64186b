import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { deleteDevice } from '../../api/devices';
import { changePassword, removeAvatar, updateMe, uploadAvatar } from '../../api/users';
import { Avatar } from '../../components/Avatar';
import { DeviceList } from '../../components/DeviceList';
import { devicesQuery, meQuery } from '../../state/queries';
import { useSession } from '../../state/session';

export function Settings() {
  const session = useSession();
  const qc = useQueryClient();
  const me = useQuery(meQuery());
  const devices = useQuery(devicesQuery());
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const report = (p: Promise<unknown>, ok: string) => {
    setNote(null);
    setError(null);
    p.then(() => setNote(ok)).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  const refreshMe = () => qc.invalidateQueries({ queryKey: meQuery().queryKey });
  const removeDev = useMutation({ mutationFn: deleteDevice, onSuccess: () => qc.invalidateQueries({ queryKey: devicesQuery().queryKey }) });

  if (me.data === undefined) return <p role="status">Loading your profile…</p>;
  return (
    <div className="settings">
      <h1>Profile and settings</h1>
      {note !== null && <p role="status" className="banner">{note}</p>}
      {error !== null && <p role="alert" className="error">{error}</p>}
      <section aria-labelledby="profile-h">
        <h2 id="profile-h">Profile</h2>
        <div className="row">
          <Avatar name={me.data.display_name ?? me.data.username} url={me.data.avatar_url === null ? null : `${me.data.avatar_url}?v=${me.dataUpdatedAt}`} size={64} />
          <label className="file-button">
            Upload a new avatar
            <input
              type="file"
              accept="image/png,image/jpeg,image/webp,image/gif"
              className="visually-hidden"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f !== undefined) report(uploadAvatar(f, f.name).then(refreshMe), 'Avatar updated.');
                e.target.value = '';
              }}
            />
          </label>
          {me.data.avatar_url !== null && (
            <button type="button" onClick={() => report(removeAvatar().then(refreshMe), 'Avatar removed.')}>
              Remove avatar
            </button>
          )}
        </div>
        <ProfileForm
          key={me.data.id}
          displayName={me.data.display_name ?? ''}
          bio={me.data.bio ?? ''}
          status={me.data.status_message ?? ''}
          onSave={(p) => report(updateMe(p).then(refreshMe), 'Profile saved.')}
        />
        <p className="muted">
          Signed in as {me.data.username}@{me.data.server_domain}
        </p>
      </section>
      <section aria-labelledby="devices-h">
        <h2 id="devices-h">Devices</h2>
        <p className="muted">Each browser or app you sign in with is a device with its own keys. Remove the ones you no longer use.</p>
        {devices.data !== undefined && <DeviceList devices={devices.data} currentId={session.deviceId} onRemove={(d) => removeDev.mutate(d.id)} />}
      </section>
      <section aria-labelledby="password-h">
        <h2 id="password-h">Password</h2>
        <PasswordForm onSave={(o, n) => report(changePassword(o, n), 'Password changed.')} />
      </section>
    </div>
  );
}

function ProfileForm(p: { displayName: string; bio: string; status: string; onSave: (patch: { display_name: string | null; bio: string | null; status_message: string | null }) => void }) {
  const [displayName, setDisplayName] = useState(p.displayName);
  const [bio, setBio] = useState(p.bio);
  const [status, setStatus] = useState(p.status);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    p.onSave({ display_name: displayName === '' ? null : displayName, bio: bio === '' ? null : bio, status_message: status === '' ? null : status });
  };
  return (
    <form onSubmit={submit} className="stack" aria-label="Profile">
      <label>
        Display name
        <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={64} />
      </label>
      <label>
        Status
        <input value={status} onChange={(e) => setStatus(e.target.value)} maxLength={128} />
      </label>
      <label>
        Bio ({bio.length}/256)
        <textarea value={bio} onChange={(e) => setBio(e.target.value)} maxLength={256} rows={3} />
      </label>
      <button type="submit">Save profile</button>
    </form>
  );
}

function PasswordForm({ onSave }: { onSave: (oldPassword: string, newPassword: string) => void }) {
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  return (
    <form
      className="stack"
      aria-label="Change password"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(oldPassword, newPassword);
        setOld('');
        setNew('');
      }}
    >
      <label>
        Current password
        <input type="password" autoComplete="current-password" value={oldPassword} onChange={(e) => setOld(e.target.value)} required />
      </label>
      <label>
        New password
        <input type="password" autoComplete="new-password" value={newPassword} onChange={(e) => setNew(e.target.value)} required minLength={8} />
      </label>
      <button type="submit">Change password</button>
    </form>
  );
}
