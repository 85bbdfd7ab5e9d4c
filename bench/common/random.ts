// A small seeded pseudo-random generator (sfc32), so that every benchmark run draws the same
// transfers and two runs of the same size do exactly the same work.

/** Uniform 32-bit draws from a 128-bit state; fast, well mixed, and reproducible from one seed. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = seed >>> 0;
    // The first outputs of sfc32 still echo the seed; discard them.
    for (let i = 0; i < 15; i++) this.next32();
  }

  /** The next unsigned 32-bit integer. */
  next32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer from 0 to `bound - 1`, by multiply-and-shift (bias below 2^-20 for small bounds). */
  below(bound: number): number {
    return Math.floor((this.next32() * bound) / 0x1_0000_0000);
  }
}
