// The node join protocol shared by the API server and the node agent. An agent that knows only the server's address
// and the cluster's join token first fetches the CA without verifying TLS, and trusts it only when its signature
// (an HMAC keyed by the token) checks out: whoever sits in the middle without the token cannot forge it. It then asks
// for its credentials over TLS verified against that CA, authenticated by the token.
import { createHmac, timingSafeEqual } from "node:crypto";

export const CA_CERTS_PATH = "/berth/v1/cacerts";
export const NODE_CREDENTIALS_PATH = "/berth/v1/node-credentials";
export const CA_SIGNATURE_HEADER = "berth-ca-signature";
/** The user the join token authenticates as (a static token of `berth server`); the only one allowed to join. */
export const NODE_BOOTSTRAP_USER = "berth:node-bootstrap";

export interface NodeCredentialsRequest {
  nodeName: string;
  /** IP addresses the agent serves on: its serving certificate's IP SANs. */
  addresses: string[];
  /** DNS names the agent serves on: its serving certificate's DNS SANs. */
  hostnames: string[];
}

export interface NodeCredentials {
  caCert: string;
  /** CN system:node:<name>, O system:nodes. */
  clientCert: string;
  clientKey: string;
  servingCert: string;
  servingKey: string;
}

/** Hex HMAC-SHA256 of the CA PEM keyed by the token. */
export const caSignature = (token: string, caPem: string): string => createHmac("sha256", token).update(caPem).digest("hex");

export function caSignatureMatches(token: string, caPem: string, signature: string): boolean {
  const want = Buffer.from(caSignature(token, caPem), "hex");
  const got = Buffer.from(signature, "hex");
  return got.length === want.length && timingSafeEqual(got, want);
}

export const nodeUserName = (nodeName: string): string => `system:node:${nodeName}`;
export const NODES_GROUP = "system:nodes";
