import { test } from "node:test";
import assert from "node:assert/strict";
import { decode, encode } from "dns-packet";
import type { Packet } from "dns-packet";
import { ClusterRecords } from "./cluster-records.ts";
import { Forwarder } from "./forwarder.ts";
import { QueryHandler } from "./query-handler.ts";

const handler = (): QueryHandler => {
  const records = new ClusterRecords("cluster.local");
  records.setService({ metadata: { namespace: "ns", name: "web" }, spec: { clusterIP: "10.43.0.1" } });
  // No upstreams: whatever is forwarded fails at once.
  return new QueryHandler(records, new Forwarder([]));
};

async function ask(p: Packet, transport: "udp" | "tcp" = "udp") {
  const reply = await handler().handle(encode(p), transport);
  return reply && (decode(reply) as ReturnType<typeof decode> & { rcode: string });
}

test("zone answers, forwarding failures, other opcodes and classes", async () => {
  const a = await ask({ type: "query", id: 1, questions: [{ name: "web.ns.svc.cluster.local", type: "A" }] });
  assert.equal(a?.rcode, "NOERROR");
  assert.equal(a?.answers?.length, 1);
  const mx = await ask({ type: "query", id: 2, questions: [{ name: "web.ns.svc.cluster.local", type: "MX" }] });
  assert.equal(mx?.rcode, "NOERROR", "an existing name, a type it lacks: NODATA");
  assert.equal(mx?.answers?.length, 0);
  assert.equal((await ask({ type: "query", id: 3, questions: [{ name: "example.com", type: "A" }] }))?.rcode, "SERVFAIL");
  assert.equal((await ask({ type: "query", id: 4, questions: [{ name: "web.ns.svc.cluster.local", type: "TXT", class: "CH" }] }))?.rcode, "SERVFAIL", "not class IN: forwarded");
  const status = await ask({ type: "query", id: 5, flags: 2 << 11, questions: [{ name: "web.ns.svc.cluster.local", type: "A" }] });
  assert.equal(status?.rcode, "NOTIMP");
  assert.equal(await ask({ type: "response", id: 6, questions: [{ name: "web.ns.svc.cluster.local", type: "A" }] }), undefined, "responses are never answered");
  assert.equal((await ask({ type: "query", id: 7, questions: [] }))?.rcode, "FORMERR");
});
