export interface NavItem {
  id: string;
  label: string;
  isDm: boolean;
  federated: boolean;
}

export function ChannelNav({ items, currentId, onOpen }: { items: NavItem[]; currentId: string | null; onOpen: (id: string) => void }) {
  const groups = items.filter((i) => !i.isDm);
  const dms = items.filter((i) => i.isDm);
  const list = (title: string, xs: NavItem[], prefix: string) => (
    <section aria-label={title}>
      <h2 className="nav-title">{title}</h2>
      {xs.length === 0 ? (
        <p className="muted">None yet</p>
      ) : (
        <ul className="plain-list nav-list">
          {xs.map((i) => (
            <li key={i.id}>
              <a
                href={`/${i.isDm ? 'dms' : 'channels'}/${i.id}`}
                aria-current={i.id === currentId ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  onOpen(i.id);
                }}
              >
                <span aria-hidden="true">{prefix}</span>
                {i.label}
                {i.federated && <span className="badge">federated</span>}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
  return (
    <nav aria-label="Conversations">
      {list('Channels', groups, '# ')}
      {list('Direct messages', dms, '@ ')}
    </nav>
  );
}
