// End-to-end: service-account tokens from `kubectl create token` authenticate; Service cluster IPs and node
// ports are never handed out twice.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { TestCluster } from "./harness.ts";

let c: TestCluster;
before(async () => { c = await TestCluster.start(); });
after(async () => { await c?.destroy(); });

test("kubectl create token issues a service-account JWT that authenticates, and stops when the account goes", async () => {
  await c.ok(["create", "serviceaccount", "robot"]);
  const token = (await c.ok(["create", "token", "robot", "--duration=10m"])).trim();
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
  assert.equal(claims.sub, "system:serviceaccount:default:robot");
  assert.ok(claims.exp - claims.iat >= 590 && claims.exp - claims.iat <= 610);
  // A kubeconfig with only the token, so kubectl sends no client certificate.
  const kc = parseYaml(await readFile(c.kubeconfig, "utf8"));
  kc.users[0].user = { token };
  const robotConfig = join(c.dataDir, "robot.kubeconfig");
  await writeFile(robotConfig, toYaml(kc));
  const asRobot = (args: string[]) => c.kubectl(["--kubeconfig", robotConfig, ...args]);
  const who = JSON.parse((await asRobot(["auth", "whoami", "-o", "json"])).stdout);
  assert.equal(who.status.userInfo.username, "system:serviceaccount:default:robot");
  assert.ok(who.status.userInfo.groups.includes("system:serviceaccounts:default"));
  const short = await c.kubectl(["create", "token", "robot", "--duration=1m"]);
  assert.notEqual(short.code, 0);
  assert.match(short.stderr, /may not specify a duration less than 10 minutes/);
  await c.ok(["delete", "serviceaccount", "robot"]);
  const denied = await asRobot(["get", "namespaces"]);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /Unauthorized|must be logged in/);
});

test("cluster IPs and node ports are allocated once and refused when taken", async () => {
  await c.ok(["create", "service", "nodeport", "a", "--tcp=80:8080"]);
  const a = JSON.parse(await c.ok(["get", "svc", "a", "-o", "json"]));
  assert.match(a.spec.clusterIP, /^10\.43\./);
  const port = a.spec.ports[0].nodePort;
  assert.ok(port >= 30000 && port <= 32767);
  const sameIp = `apiVersion: v1\nkind: Service\nmetadata:\n  name: b\nspec:\n  clusterIP: ${a.spec.clusterIP}\n  ports: [{port: 80}]\n`;
  const r1 = await c.kubectl(["apply", "-f", "-"], sameIp);
  assert.notEqual(r1.code, 0);
  assert.match(r1.stderr, /provided IP is already allocated/);
  const samePort = `apiVersion: v1\nkind: Service\nmetadata:\n  name: c\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: ${port}}]\n`;
  const r2 = await c.kubectl(["apply", "-f", "-"], samePort);
  assert.notEqual(r2.code, 0);
  assert.match(r2.stderr, /provided port is already allocated/);
  const outside = await c.kubectl(["apply", "-f", "-"], `apiVersion: v1\nkind: Service\nmetadata:\n  name: d\nspec:\n  clusterIP: 192.168.0.1\n  ports: [{port: 80}]\n`);
  assert.match(outside.stderr, /not in the valid range/);
  // Many Services at once still get distinct addresses.
  const many = Array.from({ length: 30 }, (_, i) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\nspec:\n  ports: [{port: 80}]\n`).join("---\n");
  await c.ok(["apply", "-f", "-"], many);
  const ips = JSON.parse(await c.ok(["get", "svc", "-o", "json"])).items.map((s: { spec: { clusterIP: string } }) => s.spec.clusterIP);
  assert.equal(new Set(ips).size, ips.length);
  // Deleting a Service frees its address for the next one that asks for it.
  await c.ok(["delete", "svc", "a"]);
  await c.ok(["apply", "-f", "-"], sameIp);
  assert.equal(await c.ok(["get", "svc", "b", "-o", "jsonpath={.spec.clusterIP}"]), a.spec.clusterIP);
});

test("TokenReview says whether a token authenticates and as whom", async () => {
  await c.ok(["create", "serviceaccount", "reviewer"]);
  const token = (await c.ok(["create", "token", "reviewer"])).trim();
  const review = (t: string) => c.ok(["create", "-o", "json", "-f", "-"], JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token: t } }));
  const good = JSON.parse(await review(token));
  assert.equal(good.status.authenticated, true);
  assert.equal(good.status.user.username, "system:serviceaccount:default:reviewer");
  const bad = JSON.parse(await review(`${token}x`));
  assert.equal(bad.status.authenticated, false);
});
