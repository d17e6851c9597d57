// Mints one batch of certificates (mint.ts) read as JSON from stdin and prints the PEMs as JSON. A process of its
// own, so the X.509 library (~20 MB once loaded) is never part of the server's memory.
import { text } from "node:stream/consumers";
import { createCaCert, issueLeafCert } from "./certs.ts";
import type { MintRequest, Minted } from "./mint.ts";

const req = JSON.parse(await text(process.stdin), (k, v) => (k === "notBefore" || k === "notAfter" ? new Date(v) : v)) as MintRequest;
const ca = "create" in req.ca
  ? { certPem: await createCaCert(req.ca.create.keyPem, req.ca.create.commonName, req.ca.create), keyPem: req.ca.create.keyPem }
  : req.ca;
const leaves: string[] = [];
for (const leaf of req.leaves) leaves.push(await issueLeafCert(ca, leaf.keyPem, leaf.spec));
process.stdout.write(JSON.stringify({ caCert: ca.certPem, leaves } satisfies Minted));
