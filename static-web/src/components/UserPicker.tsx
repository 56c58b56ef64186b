import { useId } from 'react';
import type { PublicUser } from '../api/types';

export interface UserPickerProps {
  query: string;
  onQuery: (q: string) => void;
  results: PublicUser[];
  searching: boolean;
  error: string | null;
  actionLabel: string;
  onPick: (u: PublicUser) => void;
}

/** Search by name, or type user@server to look up someone on another server. */
export function UserPicker(p: UserPickerProps) {
  const id = useId();
  return (
    <div className="user-picker">
      <label htmlFor={id}>Find a user (name, or user@server)</label>
      <input id={id} type="search" value={p.query} onChange={(e) => p.onQuery(e.target.value)} autoComplete="off" />
      {p.searching && <p role="status">Searching…</p>}
      {p.error !== null && <p role="alert" className="error">{p.error}</p>}
      {!p.searching && p.query !== '' && p.results.length === 0 && p.error === null && <p role="status">No users found</p>}
      <ul aria-label="Search results" className="plain-list">
        {p.results.map((u) => {
          const label = u.is_local ? u.username : `${u.username}@${u.server_domain}`;
          return (
            <li key={u.id}>
              <span>{u.display_name ?? u.username}</span> <span className="muted">{label}</span>
              {!u.is_local && <span className="badge">remote</span>}{' '}
              <button type="button" onClick={() => p.onPick(u)} aria-label={`${p.actionLabel} ${label}`}>
                {p.actionLabel}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
