// The server side of joining a node (protocol in src/util/pki/node-join.ts): the cluster CA signed with the join
// token for anyone who asks, and node credentials for the join token's user only.
import { isIP } from "node:net";
import { badRequest, forbidden, methodNotAllowed, unauthorized } from "../../api/errors.ts";
import { isDNS1123Subdomain } from "../../api/validation/names.ts";
import { CA_CERTS_PATH, CA_SIGNATURE_HEADER, NODE_BOOTSTRAP_USER, NODE_CREDENTIALS_PATH, caSignature } from "../../util/pki/node-join.ts";
import type { NodeCredentials, NodeCredentialsRequest } from "../../util/pki/node-join.ts";
import type { UserInfo } from "../authn/user.ts";
import { readBody } from "../http/body.ts";
import type { Request } from "../http/request.ts";
import { sendJson } from "../http/respond.ts";
import type { Response } from "../http/respond.ts";

export interface NodeJoinOptions {
  caPem: string;
  /** The join token: the key of the CA's signature. */
  token: string;
  issueNodeCredentials(req: NodeCredentialsRequest): Promise<NodeCredentials>;
}

/** Answers a join request; false when the path is not one, so routing goes on. */
export type NodeJoinHandler = (path: string, req: Request, res: Response, user: UserInfo | undefined) => Promise<boolean>;

/** Enough for every address and name a machine may have; the cap keeps certificates small. */
const MAX_NAMES = 32;

export function nodeJoinHandler(opts: NodeJoinOptions): NodeJoinHandler {
  const signature = caSignature(opts.token, opts.caPem);
  return async (path, req, res, user) => {
    switch (path) {
      case CA_CERTS_PATH:
        if (req.method !== "GET") throw methodNotAllowed(`${req.method} is not allowed on ${path}`);
        res.writeHead(200, { "content-type": "application/x-pem-file", [CA_SIGNATURE_HEADER]: signature });
        res.end(opts.caPem);
        return true;
      case NODE_CREDENTIALS_PATH: {
        if (req.method !== "POST") throw methodNotAllowed(`${req.method} is not allowed on ${path}`);
        if (!user) throw unauthorized();
        if (user.username !== NODE_BOOTSTRAP_USER) throw forbidden(`user "${user.username}" may not request node credentials: only the join token may`);
        const body = parseCredentialsRequest(await readBody(req, 64 * 1024));
        sendJson(res, 200, await opts.issueNodeCredentials(body));
        return true;
      }
      default:
        return false;
    }
  };
}

function parseCredentialsRequest(raw: Buffer): NodeCredentialsRequest {
  let body: Partial<Record<keyof NodeCredentialsRequest, unknown>>;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch (err) {
    throw badRequest(`the node credentials request is not JSON: ${(err as Error).message}`);
  }
  const { nodeName, addresses = [], hostnames = [] } = body ?? {};
  if (typeof nodeName !== "string" || isDNS1123Subdomain(nodeName).length) throw badRequest(`nodeName ${JSON.stringify(nodeName)} is not a valid node name (a DNS-1123 subdomain)`);
  const strings = (v: unknown, field: string, valid: (s: string) => boolean): string[] => {
    if (!Array.isArray(v) || v.length > MAX_NAMES || !v.every((s) => typeof s === "string" && valid(s))) {
      throw badRequest(`${field} must be a list of at most ${MAX_NAMES} valid entries`);
    }
    return v as string[];
  };
  return {
    nodeName,
    addresses: strings(addresses, "addresses", (s) => isIP(s) !== 0),
    hostnames: strings(hostnames, "hostnames", (s) => isDNS1123Subdomain(s.toLowerCase()).length === 0),
  };
}
