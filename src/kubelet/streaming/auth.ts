// Who may use the node agent's streaming endpoints: the API server, by its kubelet-client certificate (CN
// kube-apiserver-kubelet-client) or any certificate in group system:masters, signed by the cluster CA.
import type { TLSSocket } from "node:tls";
import { forbidden, unauthorized } from "../../api/errors.ts";
import type { StatusError } from "../../api/errors.ts";
import { KUBELET_CLIENT_CN } from "../../util/pki/cluster.ts";
import { subjectNames } from "../../util/pki/subject.ts";

const MASTERS = "system:masters";

/** undefined when the peer may proceed, else the error to answer with. */
export function checkClient(socket: TLSSocket): StatusError | undefined {
  if (!socket.authorized) return unauthorized();
  const subject = socket.getPeerCertificate()?.subject;
  if (!subject) return unauthorized();
  const { commonNames, organizations } = subjectNames(subject);
  if (commonNames.includes(KUBELET_CLIENT_CN) || organizations.includes(MASTERS)) return undefined;
  return forbidden(`user ${JSON.stringify(commonNames[0] ?? "")} may not use the node's streaming endpoints`);
}
