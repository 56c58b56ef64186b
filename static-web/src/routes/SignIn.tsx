import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { login, register } from '../api/auth';
import type { SessionEndReason } from '../api/client';
import { configQuery } from '../state/queries';
import { signedIn } from '../state/session';

const endedCopy: Record<SessionEndReason, string> = {
  expired: 'Your session has ended. Sign in again.',
  banned: 'Your account has been banned, and you were signed out.',
  suspended: 'Your account is suspended, and you were signed out.',
};

export function SignIn({ endedReason }: { endedReason: SessionEndReason | null }) {
  const config = useQuery(configQuery());
  const mode = config.data?.registration_mode ?? 'open';
  const [tab, setTab] = useState<'signin' | 'register'>('signin');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [invite, setInvite] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (tab === 'register' && password !== confirm) {
      setError('The passwords do not match.');
      return;
    }
    setBusy(true);
    try {
      const tokens =
        tab === 'signin'
          ? await login(username, password)
          : await register({
              username,
              password,
              ...(displayName !== '' ? { display_name: displayName } : {}),
              ...(invite !== '' ? { invite_code: invite } : {}),
            });
      await signedIn(tokens);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const appName = config.data?.app_name ?? 'D3Chat';
  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>{appName}</h1>
        <p className="muted">{config.data?.app_description ?? 'Federated end-to-end encrypted chat'}</p>
        {endedReason !== null && (
          <p role="alert" className="banner banner-warning">
            {endedCopy[endedReason]}
          </p>
        )}
        <div role="tablist" aria-label="Account" className="tabs">
          <button role="tab" type="button" aria-selected={tab === 'signin'} onClick={() => setTab('signin')}>
            Sign in
          </button>
          <button role="tab" type="button" aria-selected={tab === 'register'} onClick={() => setTab('register')}>
            Create account
          </button>
        </div>
        {tab === 'register' && mode === 'closed' ? (
          <p role="status" className="banner">Registration is closed on this server. Ask an administrator for an account.</p>
        ) : (
          <form onSubmit={(e) => void submit(e)} aria-label={tab === 'signin' ? 'Sign in' : 'Create account'} className="stack">
            {tab === 'register' && mode === 'invite_only' && <p className="banner">This server is invite-only: you need an invite code.</p>}
            <label>
              Username
              <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" required minLength={3} maxLength={64} pattern="[A-Za-z0-9_\-]+" />
            </label>
            {tab === 'register' && (
              <label>
                Display name (optional)
                <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={64} />
              </label>
            )}
            <label>
              Password
              <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete={tab === 'signin' ? 'current-password' : 'new-password'} required minLength={tab === 'register' ? 8 : 1} />
            </label>
            {tab === 'register' && (
              <>
                <label>
                  Confirm password
                  <input type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password" required />
                </label>
                {mode === 'invite_only' && (
                  <label>
                    Invite code
                    <input value={invite} onChange={(e) => setInvite(e.target.value)} required />
                  </label>
                )}
                <p className="muted small">Your encryption keys live only on this device. Signing out erases them from this browser.</p>
              </>
            )}
            {error !== null && <p role="alert" className="error">{error}</p>}
            <button type="submit" disabled={busy}>
              {tab === 'signin' ? 'Sign in' : 'Create account'}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}
