import { test } from "node:test";
import assert from "node:assert/strict";
import { decode, encode, RECURSION_DESIRED } from "dns-packet";
import type { Answer } from "dns-packet";
import { encodeWithin, headerOnlyFormErr, replyTo, udpLimit } from "./response.ts";

const query = (extra: object = {}) => decode(encode({ type: "query", id: 7, flags: RECURSION_DESIRED, questions: [{ name: "x.cluster.local", type: "A" }], ...extra }));
const manyA = (n: number): Answer[] => Array.from({ length: n }, (_, i) => ({ type: "A", name: "x.cluster.local", ttl: 5, data: `10.0.0.${i}` }));

test("replies copy ID, opcode, RD and the question, set RA, AA on request and the rcode", () => {
  const r = decode(encode(replyTo(query(), { rcode: "NXDOMAIN", authoritative: true })));
  assert.equal(r.id, 7);
  assert.equal(r.type, "response");
  assert.equal(r.flag_rd, true);
  assert.equal(r.flag_ra, true);
  assert.equal(r.flag_aa, true);
  assert.equal((r as { rcode?: string }).rcode, "NXDOMAIN");
  assert.deepEqual(r.questions, [{ name: "x.cluster.local", type: "A", class: "IN" }]);
  const noRd = decode(encode(replyTo(decode(encode({ type: "query", id: 8, questions: [{ name: "a", type: "A" }] })), { rcode: "SERVFAIL", authoritative: false })));
  assert.equal(noRd.flag_rd, false);
  assert.equal(noRd.flag_aa, false);
});

test("UDP limit: 512, or the client's EDNS0 size when larger; our reply carries an OPT only if the query did", () => {
  assert.equal(udpLimit(query()), 512);
  const edns = query({ additionals: [{ type: "OPT", name: ".", udpPayloadSize: 4096 }] });
  assert.equal(udpLimit(edns), 4096);
  assert.equal(udpLimit(query({ additionals: [{ type: "OPT", name: ".", udpPayloadSize: 100 }] })), 512);
  assert.ok(replyTo(edns, { rcode: "NOERROR", authoritative: true }).additionals!.some((a) => a.type === "OPT"));
  assert.ok(!replyTo(query(), { rcode: "NOERROR", authoritative: true }).additionals!.some((a) => a.type === "OPT"));
});

test("an oversized reply keeps as many answers as fit, drops the rest and sets TC", () => {
  const reply = replyTo(query(), { rcode: "NOERROR", authoritative: true, answers: manyA(40), additionals: manyA(3) });
  const small = encodeWithin(reply, 512);
  assert.ok(small.length <= 512);
  const m = decode(small);
  assert.equal(m.flag_tc, true);
  assert.ok(m.answers!.length > 0 && m.answers!.length < 40);
  assert.equal(encodeWithin({ ...reply, answers: manyA(40).slice(0, m.answers!.length + 1), additionals: [] }, 100_000).length > 512, true, "one more would not fit");
  const whole = decode(encodeWithin(reply, 0xffff));
  assert.equal(whole.flag_tc, false);
  assert.equal(whole.answers!.length, 40);
});

test("FORMERR from a header alone; nothing for runts or responses", () => {
  const garbage = Buffer.from([0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0x3f]);
  const m = decode(headerOnlyFormErr(garbage)!);
  assert.equal(m.id, 0xabcd);
  assert.equal((m as { rcode?: string }).rcode, "FORMERR");
  assert.equal(m.flag_rd, true);
  assert.equal(headerOnlyFormErr(Buffer.from([1, 2, 3])), undefined);
  assert.equal(headerOnlyFormErr(Buffer.from([0, 1, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0])), undefined);
});
