// Holds (two-phase transfers): money reserved on the sender's account for a recipient, then posted
// (moved, all or part), voided or expired, once. Kept as columns by hold id (from 1), with the
// pending ones in a heap by expiry time, so the next to expire is found at once.

/** Where a hold is in its life; only a pending hold may change, and only once. */
export const HoldStatus = { Pending: 0, Posted: 1, Voided: 2, Expired: 3 } as const;
export type HoldStatus = (typeof HoldStatus)[keyof typeof HoldStatus];

const INITIAL_CAPACITY = 64;
/** Finished holds the expiry heap may keep beyond twice its pending ones before it is rebuilt. */
const HEAP_SLACK = 32;

export class HoldTable {
  /** Holds made so far; ids are 1 to count. */
  count = 0;
  /** Holds still pending. */
  pending = 0;
  private senders = new Uint32Array(INITIAL_CAPACITY);
  private recipients = new Uint32Array(INITIAL_CAPACITY);
  private amountsMinor = new Float64Array(INITIAL_CAPACITY);
  private postedMinor = new Float64Array(INITIAL_CAPACITY);
  private expiresAtMs = new Float64Array(INITIAL_CAPACITY);
  private statuses = new Uint8Array(INITIAL_CAPACITY);
  private references = new Uint32Array(INITIAL_CAPACITY);
  private createdPositions = new Uint32Array(INITIAL_CAPACITY);
  private finishedPositions = new Uint32Array(INITIAL_CAPACITY);
  /** Ids of pending holds, a binary min-heap by expiry; finished ones are dropped when they surface. */
  private heap = new Uint32Array(INITIAL_CAPACITY);
  private heapLength = 0;

  /** Adds a pending hold and returns its id. */
  add(sender: number, recipient: number, amountMinor: number, expiresAtMs: number, reference: number, position: number): number {
    if (this.count + 1 >= this.senders.length) this.grow();
    const id = ++this.count;
    this.senders[id] = sender;
    this.recipients[id] = recipient;
    this.amountsMinor[id] = amountMinor;
    this.postedMinor[id] = 0;
    this.expiresAtMs[id] = expiresAtMs;
    this.statuses[id] = HoldStatus.Pending;
    this.references[id] = reference;
    this.createdPositions[id] = position;
    this.push(id);
    this.pending++;
    return id;
  }

  /** Ends a pending hold: posted (with the amount moved), voided or expired, at journal `position`. */
  finish(id: number, status: HoldStatus, postedMinor: number, position: number): void {
    this.statuses[id] = status;
    this.postedMinor[id] = postedMinor;
    this.finishedPositions[id] = position;
    // Finished holds leave the heap when they surface, or all at once: emptied when none is
    // pending, rebuilt of the pending ones when the finished outnumber them, so that it stays
    // within twice the pending holds (and a slack) however long one of them stays pending.
    if (--this.pending === 0) this.heapLength = 0;
    else if (this.heapLength > 2 * this.pending + HEAP_SLACK) this.rebuildHeap();
  }

  /** Ids in the expiry heap: the pending holds, and finished ones not yet dropped. */
  get queued(): number {
    return this.heapLength;
  }

  /** The amounts and expiries of holds 1 to `count`, copied (index 0 unused): what a snapshot keeps. */
  before(count: number): { amountsMinor: Float64Array; expiresAtMs: Float64Array } {
    return { amountsMinor: this.amountsMinor.slice(0, count + 1), expiresAtMs: this.expiresAtMs.slice(0, count + 1) };
  }

  has(id: number): boolean {
    return Number.isSafeInteger(id) && id >= 1 && id <= this.count;
  }

  senderOf(id: number): number {
    return this.senders[id] as number;
  }
  recipientOf(id: number): number {
    return this.recipients[id] as number;
  }
  amountMinorOf(id: number): number {
    return this.amountsMinor[id] as number;
  }
  postedMinorOf(id: number): number {
    return this.postedMinor[id] as number;
  }
  expiresAtMsOf(id: number): number {
    return this.expiresAtMs[id] as number;
  }
  statusOf(id: number): HoldStatus {
    return this.statuses[id] as HoldStatus;
  }
  referenceOf(id: number): number {
    return this.references[id] as number;
  }
  createdPositionOf(id: number): number {
    return this.createdPositions[id] as number;
  }
  /** The position of the entry that ended the hold; meaningless while it is pending. */
  finishedPositionOf(id: number): number {
    return this.finishedPositions[id] as number;
  }

  /** The hold whose creating entry is at journal `position`, or 0: holds are made in journal order. */
  createdAt(position: number): number {
    let low = 1;
    let high = this.count;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const created = this.createdPositions[middle] as number;
      if (created === position) return middle;
      if (created < position) low = middle + 1;
      else high = middle - 1;
    }
    return 0;
  }

  /** The pending hold that expires first, if it expires at or before `nowMs`; else 0. */
  dueAt(nowMs: number): number {
    while (this.heapLength > 0) {
      const first = this.heap[0] as number;
      if (this.statuses[first] !== HoldStatus.Pending) {
        this.pop();
        continue;
      }
      return (this.expiresAtMs[first] as number) <= nowMs ? first : 0;
    }
    return 0;
  }

  /** When the next pending hold expires, or Infinity. */
  nextExpiryMs(): number {
    this.dueAt(Number.NEGATIVE_INFINITY);
    return this.heapLength === 0 ? Number.POSITIVE_INFINITY : (this.expiresAtMs[this.heap[0] as number] as number);
  }

  private push(id: number): void {
    if (this.heapLength === this.heap.length) this.heap = grown(this.heap, Uint32Array);
    let at = this.heapLength++;
    const key = this.expiresAtMs[id] as number;
    while (at > 0) {
      const parent = (at - 1) >>> 1;
      const parentId = this.heap[parent] as number;
      if ((this.expiresAtMs[parentId] as number) <= key) break;
      this.heap[at] = parentId;
      at = parent;
    }
    this.heap[at] = id;
  }

  private pop(): void {
    const last = this.heap[--this.heapLength] as number;
    if (this.heapLength > 0) this.siftDown(0, last);
  }

  /** Keeps the pending ids of the heap only, and makes it a heap again (bottom-up, in linear time). */
  private rebuildHeap(): void {
    let kept = 0;
    for (let at = 0; at < this.heapLength; at++) {
      const id = this.heap[at] as number;
      if (this.statuses[id] === HoldStatus.Pending) this.heap[kept++] = id;
    }
    this.heapLength = kept;
    for (let at = (kept >>> 1) - 1; at >= 0; at--) this.siftDown(at, this.heap[at] as number);
  }

  /** Places `id` at `start` or below it, moving children that expire earlier up. */
  private siftDown(start: number, id: number): void {
    const key = this.expiresAtMs[id] as number;
    let at = start;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= this.heapLength) break;
      const right = child + 1;
      if (right < this.heapLength && (this.expiresAtMs[this.heap[right] as number] as number) < (this.expiresAtMs[this.heap[child] as number] as number)) child = right;
      if ((this.expiresAtMs[this.heap[child] as number] as number) >= key) break;
      this.heap[at] = this.heap[child] as number;
      at = child;
    }
    this.heap[at] = id;
  }

  private grow(): void {
    this.senders = grown(this.senders, Uint32Array);
    this.recipients = grown(this.recipients, Uint32Array);
    this.amountsMinor = grown(this.amountsMinor, Float64Array);
    this.postedMinor = grown(this.postedMinor, Float64Array);
    this.expiresAtMs = grown(this.expiresAtMs, Float64Array);
    this.statuses = grown(this.statuses, Uint8Array);
    this.references = grown(this.references, Uint32Array);
    this.createdPositions = grown(this.createdPositions, Uint32Array);
    this.finishedPositions = grown(this.finishedPositions, Uint32Array);
  }
}

type Column = Uint8Array | Uint32Array | Float64Array;

function grown<T extends Column>(array: T, Type: new (length: number) => T): T {
  const copy = new Type(array.length * 2);
  copy.set(array);
  return copy;
}
