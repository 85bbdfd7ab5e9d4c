// Idempotency keys: one per submission of a form, made when the form is shown or reset and sent
// again with any retry of it, so that the server applies it once however often it is sent.

/** 128 random bits as 32 hexadecimal digits. crypto.randomUUID would need a secure context. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `dashboard-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}
