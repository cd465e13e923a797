import { useEffect } from 'react';
import { useStore } from 'zustand';
import { LockScreen } from '../auth/LockScreen';
import { LoginForm } from '../auth/LoginForm';
import { SetupForm } from '../auth/SetupForm';
import { Shell } from '../shell/Shell';
import { VoiceOutput } from '../voice/VoiceOutput';
import { useServices } from './services-context';

const RETRY_START_MS = 3_000;

export function App() {
  const { session } = useServices();
  const status = useStore(session, (s) => s.status);
  const notice = useStore(session, (s) => s.notice);
  const setupTokenRequired = useStore(session, (s) => s.setupTokenRequired);
  const { setup, login, start } = session.getState();

  useEffect(() => {
    if (status !== 'unreachable') return;
    const timer = setTimeout(() => void start(), RETRY_START_MS);
    return () => clearTimeout(timer);
  }, [status, start]);

  switch (status) {
    case 'starting':
      return <p className="centered">Connecting to FactoryBrain…</p>;
    case 'unreachable':
      return (
        <p className="centered" role="alert" data-testid="host-unreachable">
          {notice} Retrying…
        </p>
      );
    case 'needsSetup':
      return <SetupForm onSubmit={setup} tokenRequired={setupTokenRequired} />;
    case 'loggedOut':
      return <LoginForm onSubmit={login} notice={notice} />;
    case 'loggedIn':
    case 'locked':
      // The voice output stays mounted across lock and unlock, so an announcement is not cut off.
      return (
        <>
          {status === 'locked' ? <LockScreen /> : <Shell />}
          <VoiceOutput />
        </>
      );
  }
}
