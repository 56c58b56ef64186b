interface Props {
  name: string;
  url: string | null;
  size?: number;
}

/** The user's picture, or initials on a colour derived from the name. Decorative: the name is always shown beside it. */
export function Avatar({ name, url, size = 32 }: Props) {
  if (url !== null) return <img className="avatar" src={url} alt="" width={size} height={size} />;
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) % 360;
  return (
    <span className="avatar avatar-initials" aria-hidden="true" data-hue={hash} ref={(el) => el?.style.setProperty('--hue', String(hash))}>
      {name.slice(0, 2).toUpperCase()}
    </span>
  );
}
