// The outcome of a plugin at one extension point, with upstream's codes. Success is one shared object so the hot
// filter path allocates nothing when a node fits.

export const Code = {
  Success: "Success",
  Error: "Error",
  /** The pod does not fit now; preemption or a cluster change may help. */
  Unschedulable: "Unschedulable",
  /** The pod does not fit and preemption on this node cannot help. */
  UnschedulableAndUnresolvable: "UnschedulableAndUnresolvable",
  /** Permit: hold the pod until allowed, rejected or timed out. */
  Wait: "Wait",
  /** PreFilter/PreScore: this plugin has nothing to do for the pod; its Filter/Score do not run. */
  Skip: "Skip",
} as const;
export type Code = (typeof Code)[keyof typeof Code];

export interface Status {
  readonly code: Code;
  readonly reasons: readonly string[];
  /** The plugin that answered it, set by the framework on failures. */
  readonly plugin?: string;
}

export const SUCCESS: Status = Object.freeze({ code: Code.Success, reasons: Object.freeze([]) as readonly string[] });
export const SKIP: Status = Object.freeze({ code: Code.Skip, reasons: Object.freeze([]) as readonly string[] });

export const unschedulable = (...reasons: string[]): Status => ({ code: Code.Unschedulable, reasons });
export const unresolvable = (...reasons: string[]): Status => ({ code: Code.UnschedulableAndUnresolvable, reasons });
export const errorStatus = (err: unknown): Status => ({ code: Code.Error, reasons: [err instanceof Error ? err.message : String(err)] });

export const isSuccess = (s: Status): boolean => s.code === Code.Success;
/** Unschedulable or UnschedulableAndUnresolvable: a verdict on the pod, not a failure of the scheduler. */
export const isRejected = (s: Status): boolean => s.code === Code.Unschedulable || s.code === Code.UnschedulableAndUnresolvable;

export const message = (s: Status): string => s.reasons.join(", ");

export const withPlugin = (s: Status, plugin: string): Status => (s.plugin === plugin ? s : { code: s.code, reasons: s.reasons, plugin });
