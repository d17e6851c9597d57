// Builds reply messages: the header flags (RD copied, RA set, AA for our own answers, the rcode in the low bits),
// the question echoed, an OPT record when the client spoke EDNS0, and truncation to what a UDP client can take.
import { encode, RECURSION_AVAILABLE, RECURSION_DESIRED, AUTHORITATIVE_ANSWER, TRUNCATED_RESPONSE } from "dns-packet";
import type { Answer, DecodedPacket, OptAnswer, Packet } from "dns-packet";

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export type RcodeName = keyof typeof RCODE;

/** The UDP payload size we advertise in our OPT records (the DNS flag day 2020 recommendation). */
const OUR_UDP_SIZE = 1232;
const CLASSIC_UDP_LIMIT = 512;

export interface ReplyContent {
  rcode: RcodeName;
  authoritative: boolean;
  answers?: Answer[];
  authorities?: Answer[];
  additionals?: Answer[];
}

const OPCODE_SHIFT = 11;

export function replyTo(query: DecodedPacket, content: ReplyContent): Packet {
  const additionals = [...(content.additionals ?? [])];
  if (clientOpt(query)) additionals.push({ type: "OPT", name: ".", udpPayloadSize: OUR_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] });
  return {
    type: "response",
    id: query.id,
    flags:
      (query.flags! & (0xf << OPCODE_SHIFT)) |
      (query.flag_rd ? RECURSION_DESIRED : 0) |
      RECURSION_AVAILABLE |
      (content.authoritative ? AUTHORITATIVE_ANSWER : 0) |
      RCODE[content.rcode],
    questions: query.questions,
    answers: content.answers ?? [],
    authorities: content.authorities ?? [],
    additionals,
  };
}

/** The largest UDP reply the client accepts: 512 bytes, or more if it advertised more with EDNS0. */
export function udpLimit(query: DecodedPacket): number {
  return Math.max(CLASSIC_UDP_LIMIT, clientOpt(query)?.udpPayloadSize ?? 0);
}

/**
 * Encodes a reply, cutting records until it fits `limit` and setting TC if anything was cut, so the client asks
 * again over TCP. The OPT record stays: it tells the client how big our replies may be.
 */
export function encodeWithin(reply: Packet, limit: number): Buffer {
  const full = encode(reply);
  if (full.length <= limit) return full;
  const opt = (reply.additionals ?? []).filter((a) => a.type === "OPT");
  const answers = reply.answers ?? [];
  const cut = (n: number): Buffer => encode({ ...reply, flags: reply.flags! | TRUNCATED_RESPONSE, answers: answers.slice(0, n), authorities: [], additionals: opt });
  // The most answers that fit, found by bisection (a big headless Service can have thousands).
  let lo = 0;
  let hi = answers.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (cut(mid).length <= limit) lo = mid;
    else hi = mid - 1;
  }
  return cut(lo);
}

/**
 * A FORMERR for a message whose header is readable but whose body is not: the header alone, its ID, opcode and RD
 * kept. Undefined when not even the header is there (such packets are dropped).
 */
export function headerOnlyFormErr(msg: Buffer): Buffer | undefined {
  if (msg.length < 12) return undefined;
  const flags = msg.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // a response: never answer those
  const out = Buffer.alloc(12);
  out.writeUInt16BE(msg.readUInt16BE(0), 0);
  out.writeUInt16BE(0x8000 | (flags & ((0xf << OPCODE_SHIFT) | RECURSION_DESIRED)) | RECURSION_AVAILABLE | RCODE.FORMERR, 2);
  return out;
}

function clientOpt(query: DecodedPacket): OptAnswer | undefined {
  return query.additionals?.find((a): a is OptAnswer => a.type === "OPT");
}
