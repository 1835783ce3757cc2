/**
 * A FIFO gate that lets at most `limit` holders through at once (an upstream with that many
 * workers: the rest queue). Each `enter` names its own limit, so a behaviour change applies to
 * the requests that arrive after it.
 */
export class ConcurrencyGate {
  private inside = 0;
  private readonly waiting: { limit: number; admit: () => void }[] = [];

  /**
   * Resolves when fewer than `limit` holders are inside (in arrival order), with the function
   * that lets the holder out; rejects with the signal's reason if `signal` aborts first.
   */
  async enter(limit: number, signal: AbortSignal): Promise<() => void> {
    if (this.inside >= limit || this.waiting.length > 0) {
      await new Promise<void>((resolve, reject) => {
        const entry = { limit, admit: resolve };
        this.waiting.push(entry);
        signal.addEventListener(
          'abort',
          () => {
            const at = this.waiting.indexOf(entry);
            if (at >= 0) this.waiting.splice(at, 1);
            reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
          },
          { once: true },
        );
      });
    }
    this.inside += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inside -= 1;
      this.admitNext();
    };
  }

  private admitNext(): void {
    const next = this.waiting[0];
    if (next === undefined || this.inside >= next.limit) return;
    this.waiting.shift();
    next.admit();
  }
}
