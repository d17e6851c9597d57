// The review kinds (create-only, never stored): SelfSubjectReview (kubectl auth whoami) and the access
// reviews (kubectl auth can-i). Until RBAC lands every authenticated user may do everything, and the
// access reviews say so.
import type { Request } from "../http/request.ts";
import { badRequest, StatusError } from "../../api/errors.ts";
import type { Authenticator } from "../authn/authenticator.ts";
import type { ResourceRequest } from "../request-info.ts";
import type { UserInfo } from "../authn/user.ts";
import { decodeObject, readBody } from "../http/body.ts";
import { sendJson } from "../http/respond.ts";
import type { Response } from "../http/respond.ts";

const REVIEWS: Record<string, string> = {
  "authentication.k8s.io/selfsubjectreviews": "SelfSubjectReview",
  "authentication.k8s.io/tokenreviews": "TokenReview",
  "authorization.k8s.io/selfsubjectaccessreviews": "SelfSubjectAccessReview",
  "authorization.k8s.io/subjectaccessreviews": "SubjectAccessReview",
  "authorization.k8s.io/localsubjectaccessreviews": "LocalSubjectAccessReview",
  "authorization.k8s.io/selfsubjectrulesreviews": "SelfSubjectRulesReview",
};

/** Answers a review request; false if the request is not one. */
export async function handleReview(info: ResourceRequest, req: Request, res: Response, user: UserInfo | undefined, authenticator: Authenticator): Promise<boolean> {
  const kind = REVIEWS[`${info.group}/${info.resource}`];
  if (!kind || info.name) return false;
  const body = await decodeObject(await readBody(req), req.headers["content-type"]) as { spec?: Record<string, unknown>; metadata?: object };
  const apiVersion = `${info.group}/${info.version}`;
  const base = { kind, apiVersion, metadata: { creationTimestamp: null, ...body.metadata }, spec: body.spec ?? {} };
  switch (kind) {
    case "SelfSubjectReview":
      sendJson(res, 201, { ...base, status: { userInfo: user } });
      return true;
    case "TokenReview": {
      const token = (body.spec as { token?: unknown } | undefined)?.token;
      if (typeof token !== "string" || token === "") throw badRequest("token is required");
      let reviewed: UserInfo | undefined;
      try {
        reviewed = await authenticator.authenticate({ authorization: `Bearer ${token}` });
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 401)) throw err;
      }
      const status = reviewed ? { authenticated: true, user: reviewed, audiences: ["https://kubernetes.default.svc.cluster.local"] } : { authenticated: false, user: {} };
      sendJson(res, 201, { ...base, status });
      return true;
    }
    case "SelfSubjectRulesReview":
      sendJson(res, 201, { ...base, status: { resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }], nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }], incomplete: false } });
      return true;
    default: {
      const spec = body.spec ?? {};
      if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
        throw badRequest(`${kind}.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`);
      }
      sendJson(res, 201, { ...base, status: { allowed: true, reason: "berth: every authenticated user is allowed until RBAC is enforced" } });
      return true;
    }
  }
}
