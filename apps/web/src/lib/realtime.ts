import type { RealtimeEvent } from '@leadflow/shared/workspace';
import { realtimeEvent } from '@leadflow/shared/workspace';
import { API_BASE } from '@/lib/api-client';
import { getCurrentWorkspaceId } from '@/lib/workspace-store';

type EventHandler = (event: RealtimeEvent) => void;
type StatusHandler = (status: RealtimeStatus) => void;
export type RealtimeStatus = 'connecting' | 'open' | 'closed';

const MIN_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

/** One WebSocket per tab, shared by every feature; reconnects with exponential backoff and jitter. */
class RealtimeConnection {
  private socket: WebSocket | null = null;
  private handlers = new Map<string, Set<EventHandler>>();
  private statusHandlers = new Set<StatusHandler>();
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  /** The workspace the open socket hears (the server sends each socket one workspace's events). */
  private workspaceId: string | null = null;

  start(): void {
    if (this.running) return;
    this.running = true;
    window.addEventListener('online', this.reconnectNow);
    this.connect();
  }

  stop(): void {
    this.running = false;
    window.removeEventListener('online', this.reconnectNow);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'stopped');
    this.emitStatus('closed');
  }

  /** Subscribe to one event type, or to every event with '*'. Returns the unsubscribe function. */
  subscribe(type: string, handler: EventHandler): () => void {
    let set = this.handlers.get(type);
    if (!set) {
      set = new Set();
      this.handlers.set(type, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  onStatus(handler: StatusHandler): () => void {
    this.statusHandlers.add(handler);
    return () => {
      this.statusHandlers.delete(handler);
    };
  }

  /**
   * Makes the socket hear the workspace this tab works in: after a switch it reconnects at once to the new one.
   * Cheap to call on every render; does nothing while the workspace is the same.
   */
  syncWorkspace(): void {
    if (!this.running || getCurrentWorkspaceId() === this.workspaceId) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const previous = this.socket;
    // Replaced first, so that the old socket's close event does not schedule a reconnect of its own.
    this.connect();
    previous?.close(1000, 'workspace switched');
  }

  private readonly reconnectNow = (): void => {
    if (!this.running || (this.socket && this.socket.readyState <= WebSocket.OPEN)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.connect();
  };

  private connect(): void {
    const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    // Like every API call of this tab, the socket names its workspace (a WebSocket cannot send headers).
    this.workspaceId = getCurrentWorkspaceId();
    const query = this.workspaceId ? `?workspaceId=${encodeURIComponent(this.workspaceId)}` : '';
    const socket = new WebSocket(`${protocol}//${window.location.host}${API_BASE}/ws${query}`);
    this.socket = socket;
    this.emitStatus('connecting');
    socket.addEventListener('open', () => {
      this.attempt = 0;
      this.emitStatus('open');
    });
    socket.addEventListener('message', (message) => this.dispatch(message.data));
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.emitStatus('closed');
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** this.attempt);
    this.attempt += 1;
    const delay = base / 2 + Math.random() * (base / 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) this.connect();
    }, delay);
  }

  private dispatch(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = realtimeEvent.safeParse(json);
    if (!parsed.success) return;
    const event = parsed.data;
    for (const key of [event.type, '*']) {
      for (const handler of this.handlers.get(key) ?? []) handler(event);
    }
  }

  private emitStatus(status: RealtimeStatus): void {
    for (const handler of this.statusHandlers) handler(status);
  }
}

export const realtime = new RealtimeConnection();
