import { useEffect, useRef, useState } from 'react';
import { useServices } from '../app/services-context';
import { subscribeEvents } from '../transport/client';
import { browserVoiceDeps, VoicePlayer } from './voice-player';

/** Plays announcements while logged in; shows a button only when the browser refused to autoplay. */
export function VoiceOutput() {
  const { bridge } = useServices();
  const [blocked, setBlocked] = useState(false);
  const player = useRef<VoicePlayer | null>(null);

  useEffect(() => {
    const p = new VoicePlayer(browserVoiceDeps(window, setBlocked));
    player.current = p;
    const unsubscribe = subscribeEvents(bridge, { voice: (event) => p.receive(event) });
    return () => {
      unsubscribe();
      p.dispose();
    };
  }, [bridge]);

  if (!blocked) return null;
  return (
    <button type="button" className="voice-unlock" data-testid="voice-unlock" onClick={() => player.current?.unlock()}>
      Click to hear alarm announcements
    </button>
  );
}
