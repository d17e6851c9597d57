// Reads a kubeconfig (the file kubectl uses) into HTTPS transport options: current context, cluster CA,
// client certificate or token, inline (-data) or by file path relative to the kubeconfig.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { HttpsTransportOptions } from "./https-transport.ts";

interface Named<T> { name: string; [k: string]: unknown; cluster?: T; user?: T; context?: T }
interface KubeconfigDoc {
  "current-context"?: string;
  clusters?: Named<Record<string, string | boolean>>[];
  users?: Named<Record<string, string>>[];
  contexts?: Named<{ cluster?: string; user?: string }>[];
}

export async function loadKubeconfig(path: string, context?: string): Promise<HttpsTransportOptions> {
  const { parse } = await import("yaml");
  const doc = parse(await readFile(path, "utf8")) as KubeconfigDoc;
  const ctxName = context ?? doc["current-context"];
  const ctx = doc.contexts?.find((c) => c.name === ctxName)?.context;
  if (!ctx) throw new Error(`kubeconfig ${path}: context ${JSON.stringify(ctxName)} not found`);
  const cluster = doc.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster?.server) throw new Error(`kubeconfig ${path}: cluster ${JSON.stringify(ctx.cluster)} has no server`);
  const user = doc.users?.find((u) => u.name === ctx.user)?.user ?? {};
  const base = dirname(path);
  const pem = async (data: unknown, file: unknown): Promise<string | undefined> => {
    if (typeof data === "string") return Buffer.from(data, "base64").toString("utf8");
    if (typeof file === "string") return readFile(resolve(base, file), "utf8");
    return undefined;
  };
  const tokenFile = user.tokenFile ?? user["token-file"];
  return {
    server: String(cluster.server),
    caPem: await pem(cluster["certificate-authority-data"], cluster["certificate-authority"]),
    certPem: await pem(user["client-certificate-data"], user["client-certificate"]),
    keyPem: await pem(user["client-key-data"], user["client-key"]),
    token: user.token ?? (tokenFile ? (await readFile(resolve(base, tokenFile), "utf8")).trim() : undefined),
    insecure: cluster["insecure-skip-tls-verify"] === true,
  };
}
