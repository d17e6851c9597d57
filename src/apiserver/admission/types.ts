// Admission: mutating then validating plugins that see every write after defaulting and before validation
// (mutating) or after validation (validating), as upstream's admission chain.
import type { KubeObject, ResourceType } from "../../api/scheme.ts";
import type { UserInfo } from "../authn/user.ts";

export interface AdmissionAttributes {
  operation: "CREATE" | "UPDATE" | "DELETE";
  resource: ResourceType;
  subresource: string | undefined;
  namespace: string | undefined;
  name: string;
  /** The object being written (mutable in `admit`); for DELETE the stored object. */
  object: KubeObject;
  old: KubeObject | undefined;
  user: UserInfo | undefined;
  dryRun: boolean;
  /** Registers work to run once the write has been stored or has failed (e.g. releasing a reservation). */
  onFinish(fn: () => void): void;
}

export interface AdmissionPlugin {
  readonly name: string;
  /** Mutating phase. Throw a StatusError to refuse. */
  admit?(a: AdmissionAttributes): void | Promise<void>;
  /** Validating phase, after the object's own validation. */
  validate?(a: AdmissionAttributes): void | Promise<void>;
}

/** Runs one phase of the chain; a plugin that answers synchronously is not awaited (no promise per plugin per write). */
export async function runAdmission(plugins: readonly AdmissionPlugin[], phase: "admit" | "validate", a: AdmissionAttributes): Promise<void> {
  for (const p of plugins) {
    const result = p[phase]?.(a);
    if (result) await result;
  }
}
