// CrashLoopBackOff: the first restart of an exited container is immediate, later ones wait 10 s, doubling to
// 5 min, counted from the previous restart; an entry idle for twice the cap starts over (as upstream's kubelet).
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry { delayMs: number; lastRestartMs: number }

export class RestartBackoff {
  private readonly entries = new Map<string, Entry>();

  /** When `key` may restart: `nowMs` itself when it is not backing off. */
  waitUntil(key: string, nowMs: number): number {
    const e = this.entries.get(key);
    return e ? Math.max(nowMs, e.lastRestartMs + e.delayMs) : nowMs;
  }

  /** The wait `key` is serving now (0 when it has none), as CrashLoopBackOff messages name it. */
  currentDelayMs(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** Records a restart of `key` at `nowMs`, lengthening the wait before the next one. */
  restarted(key: string, nowMs: number): void {
    const e = this.entries.get(key);
    const fresh = !e || nowMs - e.lastRestartMs > 2 * MAX_BACKOFF_MS;
    this.entries.set(key, { delayMs: fresh ? INITIAL_BACKOFF_MS : Math.min(e.delayMs * 2, MAX_BACKOFF_MS), lastRestartMs: nowMs });
  }

  forgetPod(podUid: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(`${podUid}/`)) this.entries.delete(k);
  }
}
