// ECDSA P-256 keys kept as PKCS#8 PEM on disk, turned into WebCrypto keys only where a signature is made.
import { createPrivateKey, createPublicKey, generateKeyPair } from "node:crypto";
import type { webcrypto } from "node:crypto";
import { promisify } from "node:util";

const generate = promisify(generateKeyPair);
const EC_P256 = { name: "ECDSA", namedCurve: "P-256" } as const;

/** A fresh P-256 private key as PKCS#8 PEM ("BEGIN PRIVATE KEY"), which Go, OpenSSL and node all read. */
export async function generateKeyPem(): Promise<string> {
  const { privateKey } = await generate("ec", { namedCurve: "prime256v1" });
  return privateKey.export({ type: "pkcs8", format: "pem" }) as string;
}

/** The SPKI PEM ("BEGIN PUBLIC KEY") of a private key. */
export function publicKeyPem(privateKeyPem: string): string {
  return createPublicKey(privateKeyPem).export({ type: "spki", format: "pem" }) as string;
}

export function signingKey(privateKeyPem: string): webcrypto.CryptoKey {
  return createPrivateKey(privateKeyPem).toCryptoKey(EC_P256, false, ["sign"]);
}

export function verifyingKey(privateKeyPem: string): webcrypto.CryptoKey {
  return createPublicKey(privateKeyPem).toCryptoKey(EC_P256, true, ["verify"]);
}
