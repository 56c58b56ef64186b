import { useSession } from './state/session';
import { Shell } from './routes/Shell';
import { SignIn } from './routes/SignIn';

export function App() {
  const session = useSession();
  return session.signedIn ? <Shell /> : <SignIn endedReason={session.endedReason} />;
}
