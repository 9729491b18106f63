import { useCallback, useState } from 'react';
import { AdminSession } from './components/admin-session';
import { useAdminToken } from './hooks/use-admin-token';
import { clearToken } from './lib/token-store';
import { SignInPage } from './pages/sign-in-page';

export function App() {
  const token = useAdminToken();
  const [notice, setNotice] = useState<string | null>(null);
  const signOut = useCallback((reason: string | null) => {
    setNotice(reason);
    clearToken();
  }, []);
  if (token === null) return <SignInPage notice={notice} />;
  return <AdminSession key={token} token={token} onSignOut={signOut} />;
}
