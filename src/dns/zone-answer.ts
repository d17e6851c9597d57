// Answers one question from the cluster records, as the Kubernetes DNS specification and CoreDNS's kubernetes plugin
// (with `pods insecure`) do; names outside the cluster zone, and reverse names the cluster does not know, are
// left to the upstreams.
import type { Answer, Question, SoaAnswer } from "dns-packet";
import { isIPv4, isIPv6 } from "node:net";
import type { ClusterRecords } from "./cluster-records.ts";
import type { NameRecords } from "./service-records.ts";

export const TTL = 5;
/** The schema version of the Kubernetes DNS specification this server follows. */
export const SPEC_VERSION = "1.1.0";

export type Rcode = "NOERROR" | "NXDOMAIN";

export type Resolution =
  | { kind: "answer"; rcode: Rcode; answers: Answer[]; authorities: Answer[]; additionals: Answer[] }
  | { kind: "forward" };

const FORWARD: Resolution = { kind: "forward" };

export function resolveQuestion(records: ClusterRecords, q: Question): Resolution {
  const name = q.name.replace(/\.$/, "").toLowerCase();
  const zone = records.zone;
  if (name === zone || name.endsWith(`.${zone}`)) {
    return zoneAnswer(records, q, name === zone ? [] : name.slice(0, -zone.length - 1).split("."));
  }
  if (q.type === "PTR" && (name.endsWith(".in-addr.arpa") || name.endsWith(".ip6.arpa"))) {
    const targets = records.reverse(name);
    if (targets.length === 0) return FORWARD;
    return found(targets.map((t) => ({ type: "PTR", name: q.name, ttl: TTL, data: t })));
  }
  return FORWARD;
}

/** `labels` are the lower-case labels in front of the zone, leftmost first. */
function zoneAnswer(records: ClusterRecords, q: Question, labels: string[]): Resolution {
  const soa = soaRecord(records);
  const nodata = (): Resolution => ({ kind: "answer", rcode: "NOERROR", answers: [], authorities: [soa], additionals: [] });
  const nxdomain: Resolution = { kind: "answer", rcode: "NXDOMAIN", answers: [], authorities: [soa], additionals: [] };
  const kind = labels.at(-1);

  if (labels.length === 0) return q.type === "SOA" ? found([{ ...soa, name: q.name }]) : nodata();
  if (labels.length === 1 && kind === "dns-version") {
    return q.type === "TXT" ? found([{ type: "TXT", name: q.name, ttl: TTL, data: SPEC_VERSION }]) : nodata();
  }
  if (kind === "svc") {
    if (labels.length === 1) return nodata();
    if (labels.length === 2) return records.hasServiceNamespace(labels[0]!) ? nodata() : nxdomain;
    const entry = records.lookup(`${labels.join(".")}.${records.zone}`);
    if (!entry) return nxdomain;
    const res = entryAnswer(entry, q);
    return res.answers.length ? res : nodata();
  }
  if (kind === "pod") {
    // Pods insecure: any `a-b-c-d.<ns>.pod` name resolves to the address it spells, unverified.
    if (labels.length <= 2) return nodata();
    if (labels.length > 3) return nxdomain;
    const ip = undashed(labels[0]!);
    if (!ip) return nxdomain;
    const type = isIPv4(ip) ? "A" : "AAAA";
    return q.type === type || isAny(q) ? found([{ type, name: q.name, ttl: TTL, data: ip }]) : nodata();
  }
  return nxdomain;
}

function entryAnswer(e: NameRecords, q: Question): Extract<Resolution, { kind: "answer" }> {
  const res: Extract<Resolution, { kind: "answer" }> = { kind: "answer", rcode: "NOERROR", answers: [], authorities: [], additionals: [] };
  if (e.cname) {
    // An alias stands for the name whatever the type asked.
    res.answers.push({ type: "CNAME", name: q.name, ttl: TTL, data: e.cname });
    return res;
  }
  const any = isAny(q);
  if (q.type === "A" || any) for (const ip of e.a) res.answers.push({ type: "A", name: q.name, ttl: TTL, data: ip });
  if (q.type === "AAAA" || any) for (const ip of e.aaaa) res.answers.push({ type: "AAAA", name: q.name, ttl: TTL, data: ip });
  if (q.type === "SRV" || any) {
    const seen = new Set<string>();
    for (const s of e.srv) {
      res.answers.push({ type: "SRV", name: q.name, ttl: TTL, data: { priority: 0, weight: s.weight, port: s.port, target: s.target } });
      for (const ip of s.addresses) {
        if (seen.has(`${s.target} ${ip}`)) continue;
        seen.add(`${s.target} ${ip}`);
        res.additionals.push({ type: isIPv4(ip) ? "A" : "AAAA", name: s.target, ttl: TTL, data: ip });
      }
    }
  }
  return res;
}

// dns-packet decodes type 255 as "ANY", which its type declarations leave out.
const isAny = (q: Question): boolean => (q.type as string) === "ANY";

const found = (answers: Answer[]): Resolution => ({ kind: "answer", rcode: "NOERROR", answers, authorities: [], additionals: [] });

function soaRecord(records: ClusterRecords): SoaAnswer {
  const zone = records.zone;
  return {
    type: "SOA",
    name: zone,
    ttl: TTL,
    data: { mname: `ns.dns.${zone}`, rname: `hostmaster.${zone}`, serial: records.serial, refresh: 7200, retry: 1800, expire: 86400, minimum: TTL },
  };
}

/** `10-1-2-3` -> `10.1.2.3`; dashed IPv6 (`fd00--1`) -> `fd00::1`; undefined when the label spells no address. */
function undashed(label: string): string | undefined {
  const v4 = label.replace(/-/g, ".");
  if (isIPv4(v4)) return v4;
  const v6 = label.replace(/-/g, ":");
  return isIPv6(v6) ? v6 : undefined;
}
