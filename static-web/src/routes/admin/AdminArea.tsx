import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import * as admin from '../../api/admin';
import { Dialog } from '../../components/Dialog';
import type { AdminUser, ServerSetting } from '../../api/types';
import {
  adminAnalyticsQuery,
  adminAuditQuery,
  adminChannelsQuery,
  adminInvitesQuery,
  adminPeersQuery,
  adminSettingsQuery,
  adminStatsQuery,
  adminUsersQuery,
  meQuery,
} from '../../state/queries';
import { navigate, type AdminSection } from '../../state/router';

const sections: { id: AdminSection; label: string }[] = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'users', label: 'Users' },
  { id: 'channels', label: 'Channels' },
  { id: 'audit', label: 'Audit log' },
  { id: 'settings', label: 'Settings' },
  { id: 'invites', label: 'Invites' },
  { id: 'federation', label: 'Federation' },
];

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function AdminArea({ section }: { section: AdminSection }) {
  return (
    <div className="admin">
      <nav aria-label="Administration" className="admin-nav">
        {sections.map((s) => (
          <a
            key={s.id}
            href={`/admin/${s.id}`}
            aria-current={s.id === section ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/admin/${s.id}`);
            }}
          >
            {s.label}
          </a>
        ))}
      </nav>
      <div className="admin-body">
        {section === 'dashboard' && <Dashboard />}
        {section === 'users' && <Users />}
        {section === 'channels' && <Channels />}
        {section === 'audit' && <Audit />}
        {section === 'settings' && <SettingsPanel />}
        {section === 'invites' && <Invites />}
        {section === 'federation' && <Federation />}
      </div>
    </div>
  );
}

function Dashboard() {
  const stats = useQuery(adminStatsQuery());
  const analytics = useQuery(adminAnalyticsQuery());
  const max = Math.max(1, ...(analytics.data?.days ?? []).map((d) => d.new_messages));
  return (
    <section aria-labelledby="dash-h">
      <h1 id="dash-h">Dashboard</h1>
      {stats.data !== undefined && (
        <dl className="stats">
          <div><dt>Users</dt><dd>{stats.data.total_users}</dd></div>
          <div><dt>Active today</dt><dd>{stats.data.active_users_today}</dd></div>
          <div><dt>Messages</dt><dd>{stats.data.total_messages}</dd></div>
          <div><dt>Channels</dt><dd>{stats.data.total_channels}</dd></div>
        </dl>
      )}
      <h2>Messages per day (last 14 days)</h2>
      <table className="table">
        <caption className="visually-hidden">Daily activity</caption>
        <thead><tr><th scope="col">Date</th><th scope="col">Messages</th><th scope="col">New users</th><th scope="col">Active users</th></tr></thead>
        <tbody>
          {(analytics.data?.days ?? []).map((d) => (
            <tr key={d.date}>
              <th scope="row">{d.date}</th>
              <td><meter min={0} max={max} value={d.new_messages} aria-label={`${d.new_messages} messages on ${d.date}`} /> {d.new_messages}</td>
              <td>{d.new_users}</td>
              <td>{d.active_users}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Users() {
  const qc = useQueryClient();
  const me = useQuery(meQuery());
  const [search, setSearch] = useState('');
  const users = useQuery(adminUsersQuery(search, 1));
  const [error, setError] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: (f: () => Promise<unknown>) => f(),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['admin', 'users'] }),
    onError: (e) => setError(errText(e)),
  });
  const run = (f: () => Promise<unknown>) => {
    setError(null);
    act.mutate(f);
  };
  const superadmin = me.data?.role === 'superadmin';
  const [banTarget, setBanTarget] = useState<AdminUser | null>(null);
  const [reason, setReason] = useState('');
  const statusOf = (u: AdminUser) => (u.is_banned ? 'banned' : u.is_suspended ? `suspended until ${u.suspended_until ?? ''}` : 'active');
  return (
    <section aria-labelledby="users-h">
      <h1 id="users-h">Users</h1>
      <label>
        Search users
        <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </label>
      {error !== null && <p role="alert" className="error">{error}</p>}
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Local users</caption>
          <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {(users.data?.users ?? []).map((u) => (
              <tr key={u.id}>
                <th scope="row">{u.username}</th>
                <td>{u.role}</td>
                <td>{statusOf(u)}</td>
                <td className="actions">
                  {u.id !== me.data?.id && (
                    <>
                      {u.is_banned ? (
                        <button type="button" onClick={() => run(() => admin.unbanUser(u.id))} aria-label={`Unban ${u.username}`}>Unban</button>
                      ) : (
                        <button type="button" onClick={() => setBanTarget(u)} aria-label={`Ban ${u.username}`}>Ban</button>
                      )}
                      {u.is_suspended ? (
                        <button type="button" onClick={() => run(() => admin.unsuspendUser(u.id))} aria-label={`Unsuspend ${u.username}`}>Unsuspend</button>
                      ) : (
                        <button type="button" onClick={() => run(() => admin.suspendUser(u.id, 24, null))} aria-label={`Suspend ${u.username} for 24 hours`}>Suspend 24 h</button>
                      )}
                      {superadmin && (
                        <>
                          <label className="visually-hidden" htmlFor={`role-${u.id}`}>Role of {u.username}</label>
                          <select id={`role-${u.id}`} value={u.role} onChange={(e) => run(() => admin.promoteUser(u.id, e.target.value))}>
                            <option value="user">user</option>
                            <option value="admin">admin</option>
                            <option value="superadmin">superadmin</option>
                          </select>
                          <button type="button" onClick={() => { if (window.confirm(`Delete ${u.username} for good?`)) run(() => admin.deleteUser(u.id)); }} aria-label={`Delete ${u.username}`}>Delete</button>
                        </>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {users.data !== undefined && <p className="muted">{users.data.total === 1 ? '1 user' : `${users.data.total} users`}</p>}
      {banTarget !== null && (
        <Dialog title={`Ban ${banTarget.username}`} onClose={() => setBanTarget(null)}>
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              const target = banTarget;
              setBanTarget(null);
              setReason('');
              run(() => admin.banUser(target.id, reason === '' ? null : reason));
            }}
          >
            <p>They are signed out everywhere and cannot sign in again until unbanned.</p>
            <label>
              Reason (optional)
              <input value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
            <button type="submit">Ban user</button>
          </form>
        </Dialog>
      )}
    </section>
  );
}

function Channels() {
  const qc = useQueryClient();
  const [search, setSearch] = useState('');
  const channels = useQuery(adminChannelsQuery(search, 1));
  const [error, setError] = useState<string | null>(null);
  return (
    <section aria-labelledby="ch-h">
      <h1 id="ch-h">Channels</h1>
      <label>
        Search channels
        <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </label>
      {error !== null && <p role="alert" className="error">{error}</p>}
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Channels</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Members</th><th scope="col">Messages</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {(channels.data?.channels ?? []).map((c) => {
              const label = c.name ?? `DM ${c.id.slice(0, 8)}`;
              return (
                <tr key={c.id}>
                  <th scope="row">{label}</th>
                  <td>{c.is_dm ? 'DM' : 'channel'}</td>
                  <td>{c.member_count}</td>
                  <td>{c.message_count}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Delete channel ${label}`}
                      onClick={() => {
                        if (window.confirm(`Delete ${label} with all its messages?`))
                          admin.deleteAdminChannel(c.id).then(() => qc.invalidateQueries({ queryKey: ['admin', 'channels'] }), (e: unknown) => setError(errText(e)));
                      }}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Audit() {
  const logs = useQuery(adminAuditQuery(1));
  return (
    <section aria-labelledby="audit-h">
      <h1 id="audit-h">Audit log</h1>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Administrative actions, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Admin</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">IP</th></tr></thead>
          <tbody>
            {(logs.data?.logs ?? []).map((l) => (
              <tr key={l.id}>
                <th scope="row">{new Date(l.created_at).toLocaleString()}</th>
                <td>{l.admin_username ?? '—'}</td>
                <td>{l.action}</td>
                <td>{l.target_type ?? ''} {l.target_id ?? ''}</td>
                <td>{l.ip_address ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function settingValue(s: ServerSetting): string {
  const v = s.value;
  if (typeof v === 'object' && v !== null && 'value' in v) {
    const inner = (v as { value: unknown }).value;
    return typeof inner === 'string' ? inner : JSON.stringify(inner);
  }
  return JSON.stringify(v);
}

function SettingsPanel() {
  const qc = useQueryClient();
  const me = useQuery(meQuery());
  const settings = useQuery(adminSettingsQuery());
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canEdit = me.data?.role === 'superadmin';
  const categories = [...new Set((settings.data ?? []).map((s) => s.category))];
  return (
    <section aria-labelledby="settings-h">
      <h1 id="settings-h">Server settings</h1>
      {!canEdit && <p className="muted">Only superadmins can change settings.</p>}
      {note !== null && <p role="status" className="banner">{note}</p>}
      {error !== null && <p role="alert" className="error">{error}</p>}
      {categories.map((cat) => (
        <fieldset key={cat}>
          <legend>{cat}</legend>
          {(settings.data ?? [])
            .filter((s) => s.category === cat)
            .map((s) => (
              <form
                key={s.key}
                className="setting-row"
                onSubmit={(e) => {
                  e.preventDefault();
                  const raw = new FormData(e.currentTarget).get('value');
                  const text = typeof raw === 'string' ? raw : '';
                  let value: unknown = text;
                  if (/^(true|false|-?\d+(\.\d+)?|\[.*\]|\{.*\})$/s.test(text.trim())) {
                    try {
                      value = JSON.parse(text);
                    } catch {
                      value = text;
                    }
                  }
                  setNote(null);
                  setError(null);
                  admin.updateSetting(s.key, value).then(
                    () => {
                      setNote(`Saved ${s.key}.`);
                      void qc.invalidateQueries({ queryKey: adminSettingsQuery().queryKey });
                      void qc.invalidateQueries({ queryKey: ['config'] });
                    },
                    (err: unknown) => setError(errText(err)),
                  );
                }}
              >
                <label>
                  {s.key}
                  {s.description !== null && <span className="muted small"> ({s.description})</span>}
                  <input name="value" defaultValue={settingValue(s)} readOnly={!canEdit} />
                </label>
                {canEdit && <button type="submit" aria-label={`Save ${s.key}`}>Save</button>}
              </form>
            ))}
        </fieldset>
      ))}
    </section>
  );
}

function Invites() {
  const qc = useQueryClient();
  const invites = useQuery(adminInvitesQuery());
  const [maxUses, setMaxUses] = useState('1');
  const [error, setError] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: adminInvitesQuery().queryKey });
  return (
    <section aria-labelledby="inv-h">
      <h1 id="inv-h">Invites</h1>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          admin.createInvite(maxUses === '' ? null : Number(maxUses), null).then(refresh, (err: unknown) => setError(errText(err)));
        }}
      >
        <label>
          Maximum uses (empty: unlimited)
          <input type="number" min={1} value={maxUses} onChange={(e) => setMaxUses(e.target.value)} />
        </label>
        <button type="submit">Create invite</button>
      </form>
      {error !== null && <p role="alert" className="error">{error}</p>}
      <ul className="plain-list" aria-label="Invite codes">
        {(invites.data ?? []).map((i) => (
          <li key={i.code}>
            <code>{i.code}</code> <span className="muted">used {i.uses}{i.max_uses !== null ? ` of ${i.max_uses}` : ''}</span>{' '}
            <button type="button" aria-label={`Revoke invite ${i.code}`} onClick={() => admin.revokeInvite(i.code).then(refresh, (err: unknown) => setError(errText(err)))}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Federation() {
  const qc = useQueryClient();
  const peers = useQuery(adminPeersQuery());
  const [note, setNote] = useState<string | null>(null);
  return (
    <section aria-labelledby="fed-h">
      <h1 id="fed-h">Federation peers</h1>
      {note !== null && <p role="status" className="banner">{note}</p>}
      {peers.data?.length === 0 && <p className="muted">No peer servers yet.</p>}
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Peer servers and their delivery state</caption>
          <thead><tr><th scope="col">Server</th><th scope="col">Queued</th><th scope="col">Dead letters</th><th scope="col">Failures</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {(peers.data ?? []).map((p) => (
              <tr key={p.domain}>
                <th scope="row">{p.domain}</th>
                <td>{p.queued}</td>
                <td>{p.dead_letters}</td>
                <td>{p.consecutive_failures}</td>
                <td>
                  <button
                    type="button"
                    disabled={p.dead_letters === 0}
                    aria-label={`Retry dead letters to ${p.domain}`}
                    onClick={() =>
                      admin.retryPeer(p.domain).then(
                        (r) => {
                          setNote(`Requeued ${r.requeued} deliveries to ${r.domain}.`);
                          void qc.invalidateQueries({ queryKey: adminPeersQuery().queryKey });
                        },
                        (e: unknown) => setNote(errText(e)),
                      )
                    }
                  >
                    Retry
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
