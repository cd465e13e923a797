import { z } from 'zod';
import type { Bridge, CallName, CallRequest, CallResponse, CallResult, EventName } from '../../../common/contract';
import { CallResultSchema, HostDisconnectedError, isEventName } from './client';
import { TOKEN_REFUSALS, type TokenStore } from './session-token';

export type SocketLike = Pick<WebSocket, 'send' | 'close' | 'onopen' | 'onmessage' | 'onclose'>;

export interface WsBridgeOptions {
  url: string;
  tokens: TokenStore;
  createSocket?: (url: string) => SocketLike;
  /** Reconnect delay doubles from initialMs up to maxMs, and starts over once a connection opens. */
  backoff?: { initialMs: number; maxMs: number };
}

const ServerFrameSchema = z.union([
  z.object({ id: z.number().int(), result: CallResultSchema }),
  z.object({ event: z.string(), payload: z.unknown() }),
]);

interface Outgoing {
  id: number;
  call: CallName;
  frame: string;
  resolve: (result: CallResult<unknown>) => void;
  reject: (error: Error) => void;
}

type EventListener = (name: EventName, payload: unknown) => void;

/**
 * The Bridge of the headless host, over one WebSocket at /ws. Calls made before the socket is
 * ready wait for it; every call still open when it closes is rejected, so nothing hangs.
 */
export class WsBridge implements Bridge {
  private socket: SocketLike | null = null;
  /** Open, and the session resumed when there was a token: only then do callers' frames go out. */
  private ready = false;
  private closed = false;
  private attempt = 0;
  private nextId = 1;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly inFlight = new Map<number, Outgoing>();
  private waiting: Outgoing[] = [];
  private readonly listeners = new Set<EventListener>();
  private readonly createSocket: (url: string) => SocketLike;
  private readonly backoff: { initialMs: number; maxMs: number };

  constructor(private readonly options: WsBridgeOptions) {
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url));
    this.backoff = options.backoff ?? { initialMs: 500, maxMs: 10_000 };
    this.connect();
  }

  invoke<N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResult<CallResponse<N>>> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new HostDisconnectedError(`the connection to the FactoryBrain host is closed; "${name}" was not sent`));
        return;
      }
      // The caller's schema check (createCaller) is what makes this resolve type true.
      const out = this.frame(name, request, resolve as (result: CallResult<unknown>) => void, reject);
      if (this.ready) this.send(out);
      else this.waiting.push(out);
    });
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops reconnecting for good; used when the window goes away and by tests. */
  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    this.dropSocket();
    socket?.close();
  }

  private frame(call: CallName, request: unknown, resolve: Outgoing['resolve'], reject: Outgoing['reject']): Outgoing {
    const id = this.nextId++;
    return { id, call, frame: JSON.stringify({ id, call, request }), resolve, reject };
  }

  private send(out: Outgoing): void {
    this.inFlight.set(out.id, out);
    this.socket?.send(out.frame);
  }

  private connect(): void {
    const socket = this.createSocket(this.options.url);
    this.socket = socket;
    socket.onopen = () => this.opened(socket);
    socket.onmessage = (event) => this.received(event.data);
    // An error event is always followed by close, which is where recovery happens.
    socket.onclose = () => {
      if (socket !== this.socket) return;
      this.dropSocket();
      this.scheduleReconnect();
    };
  }

  private opened(socket: SocketLike): void {
    if (socket !== this.socket) return;
    this.attempt = 0;
    const token = this.options.tokens.get();
    if (!token) {
      this.release();
      return;
    }
    // The host ties a session to its socket, so a new socket must resume before callers' frames go out.
    const resume = this.frame(
      'auth.resume',
      { token },
      (result) => {
        // Only a refusal ends the session; a host hiccup must not log the console out.
        if (!result.ok && TOKEN_REFUSALS.has(result.error.code)) this.options.tokens.clear();
        this.release();
      },
      () => undefined,
    );
    this.send(resume);
  }

  private release(): void {
    this.ready = true;
    const waiting = this.waiting;
    this.waiting = [];
    for (const out of waiting) this.send(out);
  }

  private received(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      console.warn('ignored a frame from the host that is not JSON');
      return;
    }
    const frame = ServerFrameSchema.safeParse(json);
    if (!frame.success) {
      console.warn('ignored a malformed frame from the host', frame.error.issues);
      return;
    }
    if ('id' in frame.data) {
      const out = this.inFlight.get(frame.data.id);
      if (!out) return;
      this.inFlight.delete(frame.data.id);
      out.resolve(frame.data.result as CallResult<unknown>);
      return;
    }
    const { event, payload } = frame.data;
    if (isEventName(event)) for (const listener of this.listeners) listener(event, payload);
  }

  private dropSocket(): void {
    this.socket = null;
    this.ready = false;
    const failed = [...this.inFlight.values(), ...this.waiting];
    this.inFlight.clear();
    this.waiting = [];
    for (const out of failed) {
      out.reject(new HostDisconnectedError(`the connection to the FactoryBrain host was lost before "${out.call}" was answered`));
    }
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.attempt);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }
}
