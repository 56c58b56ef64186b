import { useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Avatar } from '../components/Avatar';
import { ChannelNav, type NavItem } from '../components/ChannelNav';
import { OfflineBanner } from '../components/OfflineBanner';
import { channelsQuery, configQuery, meQuery, membersQuery } from '../state/queries';
import { navigate, useRoute } from '../state/router';
import { dismissSafetyChange, signOut, useConnectionStatus, useSession } from '../state/session';
import { userQuery } from '../state/queries';
import { AdminArea } from './admin/AdminArea';
import { ChannelView } from './channels/ChannelView';
import { NewChannelDialog } from './channels/NewChannelDialog';
import { NewDmDialog } from './dms/NewDmDialog';
import { Settings } from './settings/Settings';

export function Shell() {
  const session = useSession();
  const route = useRoute();
  const status = useConnectionStatus();
  const me = useQuery(meQuery());
  const config = useQuery(configQuery());
  const channels = useQuery(channelsQuery());
  const dms = (channels.data ?? []).filter((c) => c.is_dm);
  const dmMembers = useQueries({ queries: dms.map((c) => membersQuery(c.id)) });
  const [dialog, setDialog] = useState<'channel' | 'dm' | null>(null);
  const [navOpen, setNavOpen] = useState(false);


  const items: NavItem[] = (channels.data ?? []).map((c) => {
    if (!c.is_dm) return { id: c.id, label: c.name ?? 'unnamed', isDm: false, federated: c.is_federated };
    const members = dmMembers[dms.indexOf(c)]?.data ?? [];
    const other = members.find((m) => m.user_id !== session.userId);
    const label = other === undefined ? 'Direct message' : other.is_local ? (other.display_name ?? other.username) : `${other.username}@${other.server_domain}`;
    return { id: c.id, label, isDm: true, federated: c.is_federated };
  });
  items.sort((a, b) => a.label.localeCompare(b.label));

  const open = (id: string) => {
    const c = channels.data?.find((x) => x.id === id);
    navigate(`/${c?.is_dm === true ? 'dms' : 'channels'}/${id}`);
    setNavOpen(false);
  };
  const isAdmin = me.data?.role === 'admin' || me.data?.role === 'superadmin';
  const myName = me.data?.display_name ?? me.data?.username ?? '';

  return (
    <div className={navOpen ? 'shell nav-open' : 'shell'}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <aside className="sidebar" aria-label="Sidebar" id="sidebar">
        <div className="brand">{config.data?.app_name ?? 'D3Chat'}</div>
        <a
          className="me"
          href="/settings"
          onClick={(e) => {
            e.preventDefault();
            navigate('/settings');
            setNavOpen(false);
          }}
          aria-label={`Profile and settings (${myName})`}
        >
          <Avatar name={myName} url={me.data?.avatar_url ?? null} />
          <span>{myName}</span>
        </a>
        <div className="sidebar-actions">
          <button type="button" onClick={() => { setDialog('channel'); setNavOpen(false); }}>
            New channel
          </button>
          <button type="button" onClick={() => { setDialog('dm'); setNavOpen(false); }}>
            New direct message
          </button>
        </div>
        <ChannelNav items={items} currentId={route.name === 'channel' ? route.id : null} onOpen={open} />
        <div className="sidebar-foot">
          {isAdmin && (
            <a
              href="/admin"
              onClick={(e) => {
                e.preventDefault();
                navigate('/admin/dashboard');
                setNavOpen(false);
              }}
            >
              Admin
            </a>
          )}
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </aside>
      <div className="main-col">
        <div className="topbar">
          <button type="button" className="nav-toggle" aria-expanded={navOpen} aria-controls="sidebar" onClick={() => setNavOpen(!navOpen)}>
            {navOpen ? 'Hide conversations' : 'Conversations'}
          </button>
        </div>
        <OfflineBanner status={status} />
        {session.cryptoError !== null && (
          <p role="alert" className="banner banner-warning">
            {session.cryptoError}
          </p>
        )}
        {session.safetyChanged.map((id) => (
          <SafetyChangedBanner key={id} userId={id} />
        ))}
        <main id="main" className="main">
          {route.name === 'channel' ? (
            <ChannelView key={route.id} channelId={route.id} />
          ) : route.name === 'settings' ? (
            <Settings />
          ) : route.name === 'admin' ? (
            isAdmin ? <AdminArea section={route.section} /> : <p role="alert">Administrators only.</p>
          ) : (
            <div className="empty-state">
              <h1>Welcome{myName !== '' ? `, ${myName}` : ''}</h1>
              <p>Select a conversation, or start a new one.</p>
            </div>
          )}
        </main>
      </div>
      {dialog === 'channel' && <NewChannelDialog onClose={() => setDialog(null)} onCreated={(id) => { setDialog(null); navigate(`/channels/${id}`); }} />}
      {dialog === 'dm' && <NewDmDialog onClose={() => setDialog(null)} onOpened={(id) => { setDialog(null); navigate(`/dms/${id}`); }} />}
    </div>
  );
}

function SafetyChangedBanner({ userId }: { userId: string }) {
  const user = useQuery(userQuery(userId));
  const name = user.data === undefined ? 'a contact' : user.data.display_name ?? user.data.username;
  return (
    <div role="alert" className="banner banner-warning">
      The safety number with {name} has changed: they may have a new device, or someone may be intercepting. Compare it
      again in your direct messages before trusting the conversation.{' '}
      <button type="button" onClick={() => dismissSafetyChange(userId)}>
        Dismiss
      </button>
    </div>
  );
}
