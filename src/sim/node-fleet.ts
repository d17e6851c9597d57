// The simulated nodes of one process and the little each one needs to remember: a name, its addresses, the Node's
// uid once registered, and whether a full status report is due. Everything else is read from the API or derived.
import { nodeInternalIp } from "./addresses.ts";

export type SimNodeState = "unregistered" | "registered" | "gone";

export interface SimNode {
  readonly index: number;
  readonly name: string;
  readonly internalIp: string;
  /** The Node's uid, which its Lease names as owner. */
  uid: string | undefined;
  /** "gone": the Node was deleted while the simulator ran; like a kubelet, it does not register it again. */
  state: SimNodeState;
  /** Set by the clock every status report interval; cleared once the status is posted. */
  reportDue: boolean;
}

export class NodeFleet {
  readonly nodes: readonly SimNode[];
  private readonly byName = new Map<string, SimNode>();

  constructor(count: number, namePrefix: string) {
    this.nodes = Array.from({ length: count }, (_, index): SimNode => ({
      index,
      name: `${namePrefix}${index}`,
      internalIp: nodeInternalIp(index),
      uid: undefined,
      state: "unregistered",
      reportDue: false,
    }));
    for (const n of this.nodes) this.byName.set(n.name, n);
  }

  get(name: string | undefined): SimNode | undefined {
    return name === undefined ? undefined : this.byName.get(name);
  }
}
