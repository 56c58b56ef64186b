import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { addMember, sendTyping } from '../../api/channels';
import { Composer } from '../../components/Composer';
import { Dialog } from '../../components/Dialog';
import { MessageList } from '../../components/MessageList';
import { TypingIndicator } from '../../components/TypingIndicator';
import { UserPicker } from '../../components/UserPicker';
import { membersChanged, SendRefusedError } from '../../state/e2ee';
import { sendRefusedCopy } from '../../components/DecryptionFailure';
import { channelQuery, membersQuery, presenceQuery } from '../../state/queries';
import { editEncrypted, removeMessage, sendEncrypted } from '../../state/send';
import { useSession } from '../../state/session';
import { timelines, type ViewMessage } from '../../state/timeline';
import { typing } from '../../state/typing';
import { useUserSearch } from '../../state/userSearch';
import { SafetyNumberDialog } from '../dms/SafetyNumberDialog';
import { AttachmentView } from './AttachmentView';

export function ChannelView({ channelId }: { channelId: string }) {
  const session = useSession();
  const qc = useQueryClient();
  const channel = useQuery(channelQuery(channelId));
  const members = useQuery(membersQuery(channelId));
  const timeline = useSyncExternalStore(timelines.subscribe, () => timelines.get(channelId));
  const typingIds = useSyncExternalStore(typing.subscribe, () => typing.get(channelId));
  const memberIds = (members.data ?? []).map((m) => m.user_id);
  const presence = useQuery(presenceQuery(memberIds.filter((id) => id !== session.userId)));
  const [replyTo, setReplyTo] = useState<ViewMessage | null>(null);
  const [editing, setEditing] = useState<ViewMessage | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'add' | 'safety' | 'members' | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<ViewMessage | null>(null);

  useEffect(() => {
    void timelines.loadLatest(channelId);
  }, [channelId]);

  // Someone left or was removed since we last looked: the module rotates before our next send.
  const memberKey = [...memberIds].sort().join(',');
  const [seenMembers, setSeenMembers] = useState<string | null>(null);
  useEffect(() => {
    if (members.data === undefined) return;
    if (seenMembers !== null && seenMembers.split(',').some((id) => id !== '' && !memberKey.split(',').includes(id))) void membersChanged(channelId);
    setSeenMembers(memberKey);
  }, [memberKey, members.data, seenMembers, channelId]);

  const nameOf = useCallback(
    (userId: string | null): string => {
      if (userId === null) return 'Deleted user';
      if (userId === session.userId) return 'You';
      const m = members.data?.find((x) => x.user_id === userId);
      if (m === undefined) return 'Former member';
      return m.is_local ? (m.display_name ?? m.username) : `${m.username}@${m.server_domain}`;
    },
    [members.data, session.userId],
  );

  const isDm = channel.data?.is_dm === true;
  const other = isDm ? members.data?.find((m) => m.user_id !== session.userId) : undefined;
  const title = isDm ? (other === undefined ? 'Direct message' : nameOf(other.user_id)) : `# ${channel.data?.name ?? ''}`;
  const otherPresence = other === undefined ? undefined : presence.data?.find((p) => p.user_id === other.user_id)?.status;
  const onlineCount = (presence.data ?? []).filter((p) => p.status !== 'offline').length;

  const onSubmit = async (text: string, files: File[]): Promise<boolean> => {
    if (session.deviceId === null) return false;
    setBusy(true);
    setError(null);
    try {
      if (editing !== null && editing.plain?.ok === true) {
        await editEncrypted(channelId, editing.id, text, editing.plain.value);
        setEditing(null);
      } else {
        await sendEncrypted(channelId, text, files, replyTo?.id ?? null, session.deviceId);
        setReplyTo(null);
      }
      return true;
    } catch (e) {
      setError(e instanceof SendRefusedError ? sendRefusedCopy(e.reason) : e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const loadOlder = useCallback(() => void timelines.loadOlder(channelId), [channelId]);

  if (channel.error !== null) return <p role="alert" className="error">{channel.error.message}</p>;
  return (
    <section className="channel" aria-label={`Conversation ${title}`}>
      <header className="channel-head">
        <div>
          <h1>{title}</h1>
          <p className="muted small">
            <span className="badge badge-lock">End-to-end encrypted</span>
            {isDm ? (
              <span> {otherPresence === undefined ? '' : otherPresence === 'offline' ? 'Offline' : otherPresence === 'away' ? 'Away' : 'Online'}</span>
            ) : (
              <span>
                {' '}
                {memberIds.length} members, {onlineCount + 1} online
              </span>
            )}
            {channel.data?.is_federated === true && <span className="badge">federated</span>}
          </p>
        </div>
        <div className="channel-actions">
          {isDm ? (
            <button type="button" onClick={() => setDialog('safety')}>
              Safety number
            </button>
          ) : (
            <>
              <button type="button" onClick={() => setDialog('members')}>
                Members
              </button>
              <button type="button" onClick={() => setDialog('add')}>
                Add member
              </button>
            </>
          )}
        </div>
      </header>
      {timeline.error !== null && <p role="alert" className="error">{timeline.error}</p>}
      {!timeline.loaded ? (
        <p role="status" className="muted center grow">
          Loading messages…
        </p>
      ) : (
        <MessageList
          messages={timeline.messages}
          hasMore={timeline.hasMore}
          loadingOlder={timeline.loadingOlder}
          ownUserId={session.userId ?? ''}
          nameOf={nameOf}
          onLoadOlder={loadOlder}
          onReply={(m) => {
            setEditing(null);
            setReplyTo(m);
          }}
          onEdit={(m) => {
            setReplyTo(null);
            setEditing(m);
          }}
          onDelete={setConfirmDelete}
          renderAttachment={(a) => <AttachmentView attachment={a} />}
        />
      )}
      <TypingIndicator names={typingIds.map((id) => nameOf(id))} />
      <Composer
        key={editing?.id ?? 'new'}
        replyingTo={replyTo === null ? null : nameOf(replyTo.senderId)}
        editing={editing !== null}
        initialText={editing?.plain?.ok === true ? editing.plain.value.text : ''}
        busy={busy}
        error={error}
        onCancelReply={() => setReplyTo(null)}
        onCancelEdit={() => setEditing(null)}
        onTyping={(t) => void sendTyping(channelId, t ? 'start' : 'stop').catch(() => undefined)}
        onSubmit={onSubmit}
      />
      {confirmDelete !== null && (
        <Dialog title="Delete message?" onClose={() => setConfirmDelete(null)}>
          <p>It disappears for everyone in this conversation.</p>
          <div className="row">
            <button
              type="button"
              onClick={() => {
                const m = confirmDelete;
                setConfirmDelete(null);
                void removeMessage(channelId, m.id).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
              }}
            >
              Delete for everyone
            </button>
            <button type="button" onClick={() => setConfirmDelete(null)}>
              Keep it
            </button>
          </div>
        </Dialog>
      )}
      {dialog === 'add' && (
        <AddMemberDialog
          excludeIds={memberIds}
          onClose={() => setDialog(null)}
          onAdd={async (userId) => {
            await addMember(channelId, userId);
            await qc.invalidateQueries({ queryKey: membersQuery(channelId).queryKey });
          }}
        />
      )}
      {dialog === 'members' && (
        <Dialog title="Members" onClose={() => setDialog(null)}>
          <ul className="plain-list" aria-label="Channel members">
            {(members.data ?? []).map((m) => {
              const st = m.user_id === session.userId ? 'online' : (presence.data?.find((p) => p.user_id === m.user_id)?.status ?? 'offline');
              return (
                <li key={m.user_id}>
                  {nameOf(m.user_id)} <span className="muted">({m.role}, {st})</span>
                </li>
              );
            })}
          </ul>
        </Dialog>
      )}
      {dialog === 'safety' && other !== undefined && <SafetyNumberDialog contact={nameOf(other.user_id)} userId={other.user_id} onClose={() => setDialog(null)} />}
    </section>
  );
}

function AddMemberDialog({ excludeIds, onClose, onAdd }: { excludeIds: string[]; onClose: () => void; onAdd: (userId: string) => Promise<void> }) {
  const [q, setQ] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const found = useUserSearch(q, null);
  return (
    <Dialog title="Add member" onClose={onClose}>
      <UserPicker
        query={q}
        onQuery={setQ}
        results={found.results.filter((u) => !excludeIds.includes(u.id))}
        searching={found.searching}
        error={error ?? found.error}
        actionLabel="Add"
        onPick={(u) => {
          setError(null);
          onAdd(u.id)
            .then(() => setNote(`Added ${u.username}. They will read what is sent from now on.`))
            .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
        }}
      />
      {note !== null && <p role="status">{note}</p>}
    </Dialog>
  );
}
