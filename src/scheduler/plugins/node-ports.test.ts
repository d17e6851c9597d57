import { test } from "node:test";
import assert from "node:assert/strict";
import { nodePorts } from "./node-ports.ts";
import { CycleState } from "../cycle-state.ts";
import { Code, SUCCESS } from "../status.ts";
import { makeNode, makePod, nodeInfo, podInfo } from "../testing/fixtures.ts";

const withPort = (name: string, hostPort: number, hostIP?: string, protocol?: string) =>
  makePod(name, { spec: { containers: [{ name: "c", image: "x", ports: [{ containerPort: 80, hostPort, hostIP, protocol }] }] } });

test("host ports clash by protocol and port, 0.0.0.0 with every address", () => {
  const p = nodePorts();
  const check = (existing: ReturnType<typeof withPort>, incoming: ReturnType<typeof withPort>) =>
    p.filter(new CycleState(), podInfo(incoming), nodeInfo(makeNode("n"), [existing]));
  assert.equal(check(withPort("a", 8080), withPort("b", 8080)).code, Code.Unschedulable);
  assert.deepEqual(check(withPort("a", 8080), withPort("b", 8080)).reasons, ["node(s) didn't have free ports for the requested pod ports"]);
  assert.equal(check(withPort("a", 8080), withPort("b", 8081)), SUCCESS);
  assert.equal(check(withPort("a", 8080), withPort("b", 8080, undefined, "UDP")), SUCCESS);
  assert.equal(check(withPort("a", 8080, "10.0.0.1"), withPort("b", 8080, "10.0.0.2")), SUCCESS);
  assert.notEqual(check(withPort("a", 8080, "10.0.0.1"), withPort("b", 8080)), SUCCESS);
  assert.notEqual(check(withPort("a", 8080), withPort("b", 8080, "10.0.0.2")), SUCCESS);
});

test("pods without host ports skip the plugin", () => {
  assert.equal(nodePorts().preFilter(new CycleState(), podInfo(makePod("p")), []).status.code, Code.Skip);
  assert.equal(nodePorts().preFilter(new CycleState(), podInfo(withPort("p", 1)), []).status, SUCCESS);
});
