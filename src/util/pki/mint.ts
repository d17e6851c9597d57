// Certificates are minted in a short-lived process (mint-process.ts), a batch at a time: issuing is rare (first
// start, renewal, a node joining), and the X.509 library it needs would otherwise stay in the server's memory for
// good (a worker thread's memory is not given back to the system when it ends; a process's is).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { LeafSpec, Validity } from "./certs.ts";

export interface MintRequest {
  /** The CA that signs the leaves, or the self-signed one to create first and sign them with. */
  ca: { certPem: string; keyPem: string } | { create: Validity & { keyPem: string; commonName: string } };
  leaves: { keyPem: string; spec: LeafSpec }[];
}

export interface Minted {
  caCert: string;
  /** In the order requested. */
  leaves: string[];
}

const MINTER = fileURLToPath(new URL("./mint-process.ts", import.meta.url));

export function mint(req: MintRequest): Promise<Minted> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MINTER], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => { out += d; });
    child.stderr.setEncoding("utf8").on("data", (d: string) => { err += d; });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(JSON.parse(out) as Minted);
      else reject(new Error(`minting certificates failed (exit code ${code}): ${err.trim()}`));
    });
    child.stdin.end(JSON.stringify(req));
  });
}
