import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { ReadCoalescer, type CoalescerEffects, type PausableStream } from './read-coalescer';

/** A socket as far as the coalescer sees it, recording what was done to it. */
class FakeSocket extends EventEmitter {
  log: string[] = [];
  readStartResult = 0;
  _handle = {
    reading: true,
    readStop: () => {
      this.log.push('readStop');
      return 0;
    },
    readStart: () => {
      this.log.push('readStart');
      return this.readStartResult;
    },
  };
  destroyed: Error | null = null;
  pause() {
    this.log.push('pause');
  }
  resume() {
    this.log.push('resume');
  }
  destroy(err?: Error) {
    this.destroyed = err ?? new Error('destroyed');
  }
  receive(bytes: number) {
    this.emit('data', Buffer.alloc(bytes));
  }
}

/** Timers and the after-reads hook, run by hand. */
function manualEffects() {
  let afterReads: (() => void)[] = [];
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let nextId = 1;
  let now = 0;
  const effects: CoalescerEffects = {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(nextId, { fn, ms });
      return nextId++;
    },
    clearTimeout: (id) => timers.delete(id as number),
    afterReads: (fn) => afterReads.push(fn),
  };
  return {
    effects,
    timers,
    advance(ms: number) {
      now += ms;
    },
    endOfPoll() {
      const run = afterReads;
      afterReads = [];
      for (const fn of run) fn();
    },
    fireTimers() {
      const due = [...timers.entries()];
      timers.clear();
      for (const [, t] of due) t.fn();
    },
  };
}

describe('ReadCoalescer', () => {
  it('after a light burst stops reading for the window, then reads again', () => {
    const socket = new FakeSocket();
    const clock = manualEffects();
    new ReadCoalescer(socket, { windowMs: 40 }, clock.effects);
    socket.receive(170);
    socket.receive(170);
    expect(socket.log).toEqual([]);
    clock.endOfPoll();
    expect(socket.log).toEqual(['pause', 'readStop']);
    expect(socket._handle.reading).toBe(false);
    expect([...clock.timers.values()].map((t) => t.ms)).toEqual([40]);

    clock.fireTimers();
    expect(socket.log).toEqual(['pause', 'readStop', 'readStart', 'resume']);
    expect(socket._handle.reading).toBe(true);
  });

  it('keeps reading after a heavy burst, so a backlog is never held back', () => {
    const socket = new FakeSocket();
    const clock = manualEffects();
    new ReadCoalescer(socket, { windowMs: 40, busyBytes: 1000 }, clock.effects);
    for (let i = 0; i < 6; i++) socket.receive(170);
    clock.endOfPoll();
    expect(socket.log).toEqual([]);
    expect(clock.timers.size).toBe(0);
    // the next burst is judged on its own bytes
    socket.receive(170);
    clock.endOfPoll();
    expect(socket.log).toEqual(['pause', 'readStop']);
  });

  it('keeps reading while the recent rate is busy, and pauses again once it falls', () => {
    const socket = new FakeSocket();
    const clock = manualEffects();
    new ReadCoalescer(socket, { windowMs: 40, busyBytes: 1_000_000, busyBytesPerSecond: 100_000 }, clock.effects);
    /** A link at bytesPerSecond for ms: reads every 5 ms, or one read of what a pause let pile up. */
    const stream = (bytesPerSecond: number, ms: number) => {
      let pauses = 0;
      for (let t = 0; t < ms; ) {
        const step = clock.timers.size > 0 ? 40 : 5;
        if (clock.timers.size > 0) {
          pauses++;
          clock.fireTimers();
        }
        clock.advance(step);
        t += step;
        socket.receive((bytesPerSecond * step) / 1000);
        clock.endOfPoll();
      }
      return pauses;
    };
    // 400 kB/s: a few pauses while the rate estimate rises, then none
    expect(stream(400_000, 500)).toBeGreaterThan(0);
    expect(stream(400_000, 2000)).toBe(0);
    // 10 kB/s: light; within a few seconds every read is followed by a pause
    stream(10_000, 3000);
    expect(stream(10_000, 1000)).toBe(1000 / 40);
  });

  it('counts what was buffered during the pause into the next burst', () => {
    const socket = new FakeSocket();
    const clock = manualEffects();
    new ReadCoalescer(socket, { windowMs: 40, busyBytes: 1000 }, clock.effects);
    socket.receive(100);
    clock.endOfPoll();
    clock.fireTimers();
    socket.log = [];
    // what Node had buffered comes out on resume, then the kernel's backlog: together a heavy burst
    socket.receive(600);
    socket.receive(600);
    clock.endOfPoll();
    expect(socket.log).toEqual([]);
  });

  it('on stop, reads again at once and lets go of the stream', () => {
    const socket = new FakeSocket();
    const clock = manualEffects();
    const coalescer = new ReadCoalescer(socket, { windowMs: 40 }, clock.effects);
    socket.receive(170);
    clock.endOfPoll();
    coalescer.stop();
    expect(socket.log).toEqual(['pause', 'readStop', 'readStart', 'resume']);
    expect(clock.timers.size).toBe(0);
    expect(socket.listenerCount('data')).toBe(0);
    coalescer.stop();
    expect(socket.log).toHaveLength(4);
  });

  it('does nothing with a window of 0', () => {
    const socket = new FakeSocket();
    const clock = manualEffects();
    new ReadCoalescer(socket, { windowMs: 0 }, clock.effects);
    expect(socket.listenerCount('data')).toBe(0);
  });

  it('closes the connection when reads cannot restart, rather than leaving it silent', () => {
    const socket = new FakeSocket();
    const clock = manualEffects();
    new ReadCoalescer(socket, { windowMs: 40 }, clock.effects);
    socket.receive(170);
    clock.endOfPoll();
    socket.readStartResult = -9;
    clock.fireTimers();
    expect(socket.destroyed?.message).toMatch(/read failed to restart/);
  });

  it('pauses a stream without a socket handle as a plain stream', () => {
    const socket = new FakeSocket();
    (socket as { _handle: unknown })._handle = null;
    const clock = manualEffects();
    new ReadCoalescer(socket, { windowMs: 40 }, clock.effects);
    socket.receive(170);
    clock.endOfPoll();
    clock.fireTimers();
    expect(socket.log).toEqual(['pause', 'resume']);
  });
});

describe('ReadCoalescer on real sockets', () => {
  /** A server writing 100 records of 170 bytes 5 ms apart; resolves with what the client saw. */
  async function trickle(connect: (port: number, ready: (socket: PausableStream & EventEmitter) => void) => void, listen: (onSocket: (s: net.Socket) => void) => net.Server, windowMs: number) {
    const server = listen((s) => {
      let i = 0;
      const t = setInterval(() => {
        s.write(Buffer.alloc(170, 65));
        if (++i === 100) {
          clearInterval(t);
          setTimeout(() => s.end(), 200);
        }
      }, 5);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      return await new Promise<{ bytes: number; wakeUps: number }>((resolve) =>
        connect(port, (socket) => {
          let bytes = 0;
          let wakeUps = 0;
          let last = -Infinity;
          socket.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            // chunks handed on in one wake-up come within a fraction of a millisecond of each other
            if (performance.now() - last > 2) wakeUps++;
            last = performance.now();
          });
          new ReadCoalescer(socket, { windowMs });
          socket.on('end', () => resolve({ bytes, wakeUps }));
        }),
      );
    } finally {
      server.close();
    }
  }

  it('delivers every byte of a TCP trickle in fewer wake-ups', async () => {
    const listen = (on: (s: net.Socket) => void) => net.createServer(on);
    const connect = (port: number, ready: (s: net.Socket) => void) => {
      const s = net.connect(port, '127.0.0.1', () => ready(s));
    };
    const coalesced = await trickle(connect, listen, 50);
    const plain = await trickle(connect, listen, 0);
    expect(coalesced.bytes).toBe(17_000);
    expect(plain.bytes).toBe(17_000);
    expect(coalesced.wakeUps).toBeLessThan(plain.wakeUps / 2);
  });

  it('does the same through TLS, whose socket handle reads for the TLS layer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-coalesce-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
      const options = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
      const listen = (on: (s: net.Socket) => void) => tls.createServer(options, on);
      const connect = (port: number, ready: (s: tls.TLSSocket) => void) => {
        const s = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => ready(s));
      };
      const coalesced = await trickle(connect, listen, 50);
      const plain = await trickle(connect, listen, 0);
      expect(coalesced.bytes).toBe(17_000);
      expect(coalesced.wakeUps).toBeLessThan(plain.wakeUps / 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
