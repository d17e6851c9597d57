import { test } from "node:test";
import assert from "node:assert/strict";
import type { EndpointSubset } from "kubernetes-types/core/v1";
import { repackSubsets } from "./repack.ts";
import { truncateSubsets } from "./capacity.ts";

const addr = (ip: string) => ({ ip, targetRef: { kind: "Pod", uid: `uid-${ip}` } });
const port = (name: string, n: number) => ({ name, port: n, protocol: "TCP" });

test("repacking groups addresses by identical port sets; not ready on one port means not ready on all", () => {
  const subsets: EndpointSubset[] = [
    { addresses: [addr("10.0.0.2")], ports: [port("a", 80)] },
    { addresses: [addr("10.0.0.10")], ports: [port("a", 80)] },
    { addresses: [addr("10.0.0.2")], ports: [port("b", 81)] },
    { notReadyAddresses: [addr("10.0.0.10")], ports: [port("b", 81)] },
    { addresses: [addr("10.0.0.3")], ports: [port("a", 8080)] },
  ];
  assert.deepEqual(repackSubsets(subsets), [
    { addresses: [addr("10.0.0.2"), addr("10.0.0.10")], ports: [port("a", 80)] },
    { addresses: [addr("10.0.0.2")], notReadyAddresses: [addr("10.0.0.10")], ports: [port("b", 81)] },
    { addresses: [addr("10.0.0.3")], ports: [port("a", 8080)] },
  ]);
  // The same address twice on one port: not ready wins.
  assert.deepEqual(repackSubsets([{ addresses: [addr("10.0.0.1")], ports: [port("a", 80)] }, { notReadyAddresses: [addr("10.0.0.1")], ports: [port("a", 80)] }]), [
    { notReadyAddresses: [addr("10.0.0.1")], ports: [port("a", 80)] },
  ]);
  // Subsets without ports keep their addresses.
  assert.deepEqual(repackSubsets([{ addresses: [addr("10.0.0.1")] }]), [{ addresses: [addr("10.0.0.1")] }]);
});

test("over 1000 addresses: not-ready ones are cut first, then ready ones in proportion", () => {
  const many = (n: number, base: number) => Array.from({ length: n }, (_, i) => addr(`10.${base}.${i >> 8}.${i & 255}`));
  assert.equal(truncateSubsets([{ addresses: many(1000, 1) }]), undefined);

  const cutNotReady = truncateSubsets([{ addresses: many(900, 1), notReadyAddresses: many(300, 2) }])!;
  assert.equal(cutNotReady[0]!.addresses!.length, 900);
  assert.equal(cutNotReady[0]!.notReadyAddresses!.length, 100);

  const cutReady = truncateSubsets([
    { addresses: many(900, 1), notReadyAddresses: many(10, 2), ports: [port("a", 80)] },
    { addresses: many(300, 3), ports: [port("b", 81)] },
  ])!;
  assert.deepEqual(cutReady.map((s) => [s.addresses?.length, s.notReadyAddresses?.length]), [[750, undefined], [250, undefined]]);
});
