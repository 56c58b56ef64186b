import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { readableOnWhiteText } from './state/branding';
import { configQuery } from './state/queries';
import { useSession } from './state/session';
import { Shell } from './routes/Shell';
import { SignIn } from './routes/SignIn';

export function App() {
  const session = useSession();
  const config = useQuery(configQuery());
  useEffect(() => {
    const root = document.documentElement.style;
    if (config.data !== undefined) {
      const brand = readableOnWhiteText(config.data.brand_primary_color);
      const accent = readableOnWhiteText(config.data.brand_accent_color);
      if (brand !== null) root.setProperty('--brand', brand);
      if (accent !== null) root.setProperty('--accent', accent);
      document.title = config.data.app_name;
    }
  }, [config.data]);
  return session.signedIn ? <Shell /> : <SignIn endedReason={session.endedReason} />;
}
