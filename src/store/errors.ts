// What can stop durable mode: data on disk that is not what the store wrote, and a store that can
// no longer write. Both stop the bank loudly rather than let it run on a state it cannot keep.

/** Saved data that is damaged (not a torn last write, which is cut off): the bank refuses to start. */
export class CorruptDataError extends Error {
  override readonly name = "CorruptDataError";
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`Damaged data in ${file} at offset ${offset}: ${reason}. The bank will not start on it; restore the data directory from a backup`);
  }
}

/** A write or fsync failed: nothing after it is acknowledged, and the store takes no more changes. */
export class StoreFailedError extends Error {
  override readonly name = "StoreFailedError";
  constructor(override readonly cause: Error) {
    super(`The journal could not be written (${cause.message}); the bank stopped taking changes`);
  }
}
