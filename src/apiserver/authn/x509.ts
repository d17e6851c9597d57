// Client-certificate identity: the subject's CN is the username and each O a group, as upstream maps it.
import type { X509Certificate } from "node:crypto";
import { unauthorized } from "../../api/errors.ts";
import { subjectNames } from "../../util/pki/subject.ts";
import type { UserInfo } from "./user.ts";

/**
 * The caller must pass only a certificate whose chain the TLS layer verified against the cluster CA
 * (socket.authorized); this function trusts it.
 */
export function userFromCertificate(cert: X509Certificate): UserInfo {
  const { commonNames, organizations } = subjectNames(cert.toLegacyObject().subject);
  if (!commonNames[0]) throw unauthorized();
  return { username: commonNames[0], groups: organizations };
}
