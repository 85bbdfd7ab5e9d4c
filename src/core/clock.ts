// The bank's default clock: the system time, read the way event-driven servers such as nginx read
// it, once per turn of the event loop rather than once per operation, because on virtual machines
// a read costs about as much as a whole transfer.

/** Operations that may share one reading within a synchronous run, so it stays well under 1 ms old. */
const READINGS_SHARED_MAX = 256;

/**
 * A millisecond clock over `Date.now` that never goes backwards (a system clock stepped back by
 * time synchronisation would otherwise give later transactions earlier times) and that reuses its
 * last reading for up to READINGS_SHARED_MAX operations of the same synchronous run. Operations
 * in different turns of the event loop (different requests, or either side of an `await`) always
 * get a fresh reading.
 */
export class SystemClock {
  private lastMs = 0;
  private sharesLeft = 0;
  private readonly expire = (): void => {
    this.sharesLeft = 0;
  };

  /** Milliseconds since the Unix epoch. */
  readonly now = (): number => {
    if (this.sharesLeft > 0) {
      this.sharesLeft--;
      return this.lastMs;
    }
    return this.read();
  };

  /** A fresh reading, shared until this run of synchronous code ends. */
  private read(): number {
    queueMicrotask(this.expire);
    this.sharesLeft = READINGS_SHARED_MAX - 1;
    const nowMs = Date.now();
    if (nowMs > this.lastMs) this.lastMs = nowMs;
    return this.lastMs;
  }
}
