// The authentication step of the filter chain: client certificate first, then bearer token (static tokens, then
// service-account JWTs). No credential means undefined (anonymous or 401 is the caller's call); a credential that
// does not check out is a 401 StatusError.
import type { X509Certificate } from "node:crypto";
import { StatusError, unauthorized } from "../../api/errors.ts";
import { createServiceAccountVerifier, DEFAULT_API_AUDIENCES, DEFAULT_ISSUER } from "./serviceaccount-authn.ts";
import type { ServiceAccountLookups } from "./serviceaccount-authn.ts";
import { withAuthenticatedGroup } from "./user.ts";
import type { UserInfo } from "./user.ts";
import { userFromCertificate } from "./x509.ts";

export interface AuthenticatorOptions extends ServiceAccountLookups {
  saPublicKeyPem: string;
  /** Audiences a token must name at least one of. Default ["https://kubernetes.default.svc.cluster.local"]. */
  apiAudiences?: string[];
  /** Default "https://kubernetes.default.svc.cluster.local". */
  issuer?: string;
  staticTokens?: Map<string, UserInfo>;
  /** The clock, for tests. */
  now?: () => Date;
}

export interface AuthRequest {
  /** Only a certificate whose chain the TLS layer verified against the cluster CA. */
  peerCertificate?: X509Certificate;
  /** The raw Authorization header. */
  authorization?: string;
}

export interface Authenticator {
  authenticate(req: AuthRequest): Promise<UserInfo | undefined>;
}

/** The token of an `Authorization: Bearer <token>` header, parsed as upstream does; undefined for other schemes. */
export function bearerToken(header: string | undefined): string | undefined {
  const parts = (header ?? "").trim().split(" ", 3);
  if (parts.length < 2 || parts[0].toLowerCase() !== "bearer") return undefined;
  return parts[1] || undefined;
}

export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const staticTokens = opts.staticTokens ?? new Map<string, UserInfo>();
  const verifyServiceAccount = createServiceAccountVerifier({
    ...opts,
    issuer: opts.issuer ?? DEFAULT_ISSUER,
    apiAudiences: opts.apiAudiences ?? DEFAULT_API_AUDIENCES,
  });

  const fromToken = async (token: string): Promise<UserInfo> => staticTokens.get(token) ?? verifyServiceAccount(token);

  return {
    async authenticate(req) {
      const token = bearerToken(req.authorization);
      const attempts: (() => UserInfo | Promise<UserInfo>)[] = [];
      if (req.peerCertificate) attempts.push(() => userFromCertificate(req.peerCertificate!));
      if (token !== undefined) attempts.push(() => fromToken(token));
      if (!attempts.length) return undefined;
      // Like upstream's union authenticator: the first method that succeeds wins; failures only count if all fail.
      let failure: StatusError | undefined;
      for (const attempt of attempts) {
        try {
          return withAuthenticatedGroup(await attempt());
        } catch (err) {
          if (!(err instanceof StatusError)) throw err;
          failure ??= err;
        }
      }
      throw failure ?? unauthorized();
    },
  };
}
