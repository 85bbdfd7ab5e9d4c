// A batch of transfers from a file: CSV with the header `sender,recipient,amount` (RFC 4180:
// quoted fields may hold commas, quotes and line breaks), or JSON (`{"transfers": [...]}`, with
// `atomic` if wanted, or a bare array of transfers). The file is read as written; the server
// judges names and amounts, and its refusals name the transfer by its index.

/** Most transfers in one batch: the core's BATCH_SIZE_MAX, which a test compares with this. */
export const BATCH_TRANSFERS_MAX = 8190;

export interface BatchTransfer {
  readonly sender: string;
  readonly recipient: string;
  /** A number when the text was a plain decimal (the server's fast path), else the text itself. */
  readonly amount: number | string;
}

export interface ParsedBatch {
  readonly transfers: BatchTransfer[];
  /** Set by a JSON file that says it. */
  readonly atomic?: boolean;
  /** The line of a CSV file each transfer starts on (1-based), to name it in messages; empty for JSON. */
  readonly lines: number[];
}

/** The file cannot be read as a batch; `line` is where, when known. */
export class BatchFileError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line === undefined ? message : `Line ${line}: ${message}`);
    this.name = "BatchFileError";
  }
}

const COLUMNS = ["sender", "recipient", "amount"] as const;
// Up to 13 digits and 2 decimals: 15 significant digits, which a JSON number carries exactly.
const PLAIN_DECIMAL = /^\d{1,13}(\.\d{1,2})?$/;

/** Reads a batch file's text; throws BatchFileError with what is wrong and where. */
export function parseBatchFile(text: string): ParsedBatch {
  const content = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (content.trim() === "") throw new BatchFileError("The file is empty");
  const start = content.trimStart()[0];
  const batch = start === "{" || start === "[" ? parseJson(content) : parseCsv(content);
  if (batch.transfers.length === 0) throw new BatchFileError("The file has no transfers");
  if (batch.transfers.length > BATCH_TRANSFERS_MAX) {
    throw new BatchFileError(`A batch holds at most ${BATCH_TRANSFERS_MAX} transfers; this file has ${batch.transfers.length}`);
  }
  return batch;
}

function parseJson(text: string): ParsedBatch {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BatchFileError(`Not valid JSON: ${(error as Error).message}`);
  }
  const body = Array.isArray(value) ? { transfers: value } : value;
  if (typeof body !== "object" || body === null || !Array.isArray((body as { transfers?: unknown }).transfers)) {
    throw new BatchFileError('A JSON batch is {"transfers": [...]} or an array of transfers');
  }
  const { transfers, atomic } = body as { transfers: BatchTransfer[]; atomic?: unknown };
  return {
    transfers,
    ...(typeof atomic === "boolean" && { atomic }),
    lines: [],
  };
}

/** The records of a CSV text, each with the line it starts on. */
export function csvRecords(text: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let position = 0;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== "") records.push({ fields, line: recordLine });
    fields = [];
    field = "";
  };
  while (position < text.length) {
    const character = text[position] as string;
    if (quoted) {
      if (character === '"' && text[position + 1] === '"') {
        field += '"';
        position += 2;
        continue;
      }
      if (character === '"') quoted = false;
      else field += character;
      if (character === "\n") line++;
      position++;
      continue;
    }
    if (character === '"' && field === "") quoted = true;
    else if (character === ",") {
      fields.push(field);
      field = "";
    } else if (character === "\n" || character === "\r") {
      endRecord();
      if (character === "\r" && text[position + 1] === "\n") position++;
      line++;
      recordLine = line;
    } else field += character;
    position++;
  }
  if (quoted) throw new BatchFileError("A quoted field is not closed", recordLine);
  if (field !== "" || fields.length > 0) endRecord();
  return records;
}

function parseCsv(text: string): ParsedBatch {
  const [header, ...rows] = csvRecords(text);
  const names = header?.fields.map((name) => name.trim().toLowerCase()) ?? [];
  const order = COLUMNS.map((column) => names.indexOf(column));
  if (header === undefined || order.includes(-1) || names.length !== COLUMNS.length) {
    throw new BatchFileError("The first line must be the header sender,recipient,amount", 1);
  }
  const [senderAt, recipientAt, amountAt] = order as [number, number, number];
  const transfers: BatchTransfer[] = [];
  const lines: number[] = [];
  for (const { fields, line } of rows) {
    if (fields.length !== COLUMNS.length) {
      throw new BatchFileError(`Expected 3 fields (sender,recipient,amount), found ${fields.length}`, line);
    }
    const amountText = (fields[amountAt] as string).trim();
    transfers.push({
      sender: fields[senderAt] as string,
      recipient: fields[recipientAt] as string,
      amount: PLAIN_DECIMAL.test(amountText) ? Number(amountText) : amountText,
    });
    lines.push(line);
  }
  return { transfers, lines };
}
