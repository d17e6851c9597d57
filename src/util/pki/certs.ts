// Certificate minting over @peculiar/x509 with node's WebCrypto: one self-signed CA, leaves signed by it.
import "reflect-metadata";
import { webcrypto, randomBytes } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { signingKey, verifyingKey } from "./keys.ts";

x509.cryptoProvider.set(webcrypto);

const SIGNING = { name: "ECDSA", hash: "SHA-256" } as const;

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export interface LeafSpec extends Validity {
  commonName: string;
  organizations?: string[];
  usage: "server" | "client";
  dnsNames?: string[];
  ips?: string[];
}

// 16 random bytes with the top bit clear so the DER integer stays positive.
function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString("hex");
}

// Organizations first, common name last, the order openssl and upstream's tooling print.
function subject(commonName: string, organizations: string[] = []): x509.JsonName {
  return [...organizations.map((o) => ({ O: [o] })), { CN: [commonName] }];
}

export async function createCaCert(keyPem: string, commonName: string, validity: Validity): Promise<string> {
  const publicKey = verifyingKey(keyPem);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: subject(commonName),
    issuer: subject(commonName),
    ...validity,
    signingAlgorithm: SIGNING,
    publicKey,
    signingKey: signingKey(keyPem),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
    ],
  });
  return cert.toString("pem");
}

export async function issueLeafCert(ca: { certPem: string; keyPem: string }, keyPem: string, spec: LeafSpec): Promise<string> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const publicKey = verifyingKey(keyPem);
  const sans: x509.JsonGeneralName[] = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(spec.ips ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: subject(spec.commonName, spec.organizations),
    issuer: caCert.subjectName,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    signingAlgorithm: SIGNING,
    publicKey,
    signingKey: signingKey(ca.keyPem),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(
        [spec.usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
      ...(sans.length ? [new x509.SubjectAlternativeNameExtension(sans)] : []),
    ],
  });
  return cert.toString("pem");
}
