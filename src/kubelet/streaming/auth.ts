// Who may use the node agent's streaming endpoints: the API server, by its kubelet-client certificate (CN
// kube-apiserver-kubelet-client) or any certificate in group system:masters, signed by the cluster CA.
import type { TLSSocket } from "node:tls";
import { forbidden, unauthorized } from "../../api/errors.ts";
import type { StatusError } from "../../api/errors.ts";

export const KUBELET_CLIENT_CN = "kube-apiserver-kubelet-client";
const MASTERS = "system:masters";

/** undefined when the peer may proceed, else the error to answer with. */
export function checkClient(socket: TLSSocket): StatusError | undefined {
  if (!socket.authorized) return unauthorized();
  const cert = socket.getPeerCertificate();
  const subject = cert?.subject as Record<string, string | string[] | undefined> | undefined;
  if (!subject) return unauthorized();
  const values = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  if (values(subject.CN).includes(KUBELET_CLIENT_CN) || values(subject.O).includes(MASTERS)) return undefined;
  return forbidden(`user ${JSON.stringify(values(subject.CN)[0] ?? "")} may not use the node's streaming endpoints`);
}
