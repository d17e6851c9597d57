// One DNS message in, one reply out (or none): decode, answer from the cluster records or relay to the upstreams,
// encode. Shared by the UDP and TCP servers; it never throws, so no packet can take the server down.
import { decode } from "dns-packet";
import type { DecodedPacket } from "dns-packet";
import type { ClusterRecords } from "./cluster-records.ts";
import type { Forwarder } from "./forwarder.ts";
import { encodeWithin, headerOnlyFormErr, replyTo, udpLimit } from "./response.ts";
import type { ReplyContent } from "./response.ts";
import { resolveQuestion } from "./zone-answer.ts";

export type DnsTransport = "udp" | "tcp";

const TCP_LIMIT = 0xffff;

export class QueryHandler {
  private readonly records: ClusterRecords;
  private readonly forwarder: Forwarder;

  constructor(records: ClusterRecords, forwarder: Forwarder) {
    this.records = records;
    this.forwarder = forwarder;
  }

  async handle(msg: Buffer, transport: DnsTransport): Promise<Buffer | undefined> {
    let query: DecodedPacket;
    try {
      query = decode(msg);
    } catch {
      return headerOnlyFormErr(msg);
    }
    if (query.flag_qr) return undefined;
    const limit = transport === "udp" ? udpLimit(query) : TCP_LIMIT;
    const reply = (content: ReplyContent): Buffer | undefined => {
      try {
        return encodeWithin(replyTo(query, content), limit);
      } catch {
        // A question dns-packet read but cannot write back (e.g. an empty label): answer with the header alone.
        return headerOnlyFormErr(msg);
      }
    };
    if ((query as { opcode?: string }).opcode !== "QUERY") return reply({ rcode: "NOTIMP", authoritative: false });
    const q = query.questions?.length === 1 ? query.questions[0]! : undefined;
    if (!q) return reply({ rcode: "FORMERR", authoritative: false });

    const res = q.class === "IN" || q.class === "ANY" ? resolveQuestion(this.records, q) : { kind: "forward" as const };
    if (res.kind === "answer") return reply({ ...res, authoritative: true });
    const relayed = await this.forwarder.forward(msg, transport);
    return relayed ?? reply({ rcode: "SERVFAIL", authoritative: false });
  }
}
