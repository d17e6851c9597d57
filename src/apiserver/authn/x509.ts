// Client-certificate identity: the subject's CN is the username and each O a group, as upstream maps it.
import "reflect-metadata";
import type { X509Certificate } from "node:crypto";
import { X509Certificate as ParsedCertificate } from "@peculiar/x509";
import { unauthorized } from "../../api/errors.ts";
import type { UserInfo } from "./user.ts";

/**
 * The caller must pass only a certificate whose chain the TLS layer verified against the cluster CA
 * (socket.authorized); this function trusts it.
 */
export function userFromCertificate(cert: X509Certificate): UserInfo {
  // Parsed from DER rather than node's printed subject, which escapes and joins values in its own way.
  const name = new ParsedCertificate(cert.raw).subjectName;
  const cn = name.getField("CN")[0];
  if (!cn) throw unauthorized();
  return { username: cn, groups: name.getField("O") };
}
