// Batch files as the dashboard reads them before sending: CSV with its header, or JSON.

import { describe, expect, it } from "vitest";
import { BATCH_SIZE_MAX } from "../../src/core/index.js";
import { BATCH_TRANSFERS_MAX, BatchFileError, csvRecords, parseBatchFile } from "../../src/web/batch-file.js";

describe("parseBatchFile", () => {
  it("when given CSV with the header, reads each row as a transfer, plain amounts as numbers", () => {
    const batch = parseBatchFile("\uFEFFsender,recipient,amount\r\nalice,bob,25.50\r\n\r\nbob,carol,0.1\r\nbob,carol,1e3\r\n");
    expect(batch.transfers).toEqual([
      { sender: "alice", recipient: "bob", amount: 25.5 },
      { sender: "bob", recipient: "carol", amount: 0.1 },
      // Not a plain decimal: sent as written, for the server to refuse with its own words.
      { sender: "bob", recipient: "carol", amount: "1e3" },
    ]);
    expect(batch.lines).toEqual([2, 4, 5]);
  });

  it("when the columns come in another order or names are quoted with commas and quotes, reads them exactly", () => {
    const batch = parseBatchFile('Amount,Sender,Recipient\n" 7 ","a, ""b""","line\nbreak"\n3,x,y');
    expect(batch.transfers).toEqual([
      { sender: 'a, "b"', recipient: "line\nbreak", amount: 7 },
      { sender: "x", recipient: "y", amount: 3 },
    ]);
    expect(batch.lines).toEqual([2, 4]);
  });

  it("when given JSON, as a body or a bare array, takes its transfers and its atomic flag", () => {
    const transfers = [{ sender: "a", recipient: "b", amount: "1.00" }];
    expect(parseBatchFile(JSON.stringify({ transfers, atomic: false }))).toEqual({ transfers, atomic: false, lines: [] });
    expect(parseBatchFile(` ${JSON.stringify(transfers)}`)).toEqual({ transfers, lines: [] });
  });

  it.each([
    ["", "The file is empty"],
    ["sender,recipient,amount\n", "The file has no transfers"],
    ["from,to,amount\na,b,1", "Line 1: The first line must be the header sender,recipient,amount"],
    ["sender,recipient,amount,note\na,b,1,x", "Line 1: The first line must be the header sender,recipient,amount"],
    ["sender,recipient,amount\na,b,1\na,b", "Line 3: Expected 3 fields (sender,recipient,amount), found 2"],
    ['sender,recipient,amount\n"a,b,1', 'Line 2: A quoted field is not closed'],
    ["{nope", "Not valid JSON"],
    ['{"transfer": []}', 'A JSON batch is {"transfers": [...]} or an array of transfers'],
  ])("when the file is %j, refuses it saying where and why", (text, message) => {
    expect(() => parseBatchFile(text)).toThrow(BatchFileError);
    expect(() => parseBatchFile(text)).toThrow(message);
  });

  it("when a file has more transfers than a batch holds, refuses it; the bound is the core's", () => {
    expect(BATCH_TRANSFERS_MAX).toBe(BATCH_SIZE_MAX);
    const rows = Array.from({ length: BATCH_TRANSFERS_MAX + 1 }, () => "a,b,1");
    expect(() => parseBatchFile(["sender,recipient,amount", ...rows].join("\n"))).toThrow(`at most ${BATCH_SIZE_MAX} transfers; this file has ${BATCH_SIZE_MAX + 1}`);
    expect(parseBatchFile(["sender,recipient,amount", ...rows.slice(1)].join("\n")).transfers).toHaveLength(BATCH_SIZE_MAX);
  });

  it("when records end in CR alone, splits them there", () => {
    expect(csvRecords("a,b\rc,d").map((record) => record.fields)).toEqual([["a", "b"], ["c", "d"]]);
  });
});
