// `kubectl get nodes`: STATUS from the Ready condition plus SchedulingDisabled when cordoned, ROLES from
// node-role.kubernetes.io/<role> and kubernetes.io/role labels.
import type { Node } from "kubernetes-types/core/v1";
import type { TableDef } from "../scheme.ts";
import { age, ageColumn, column, nameColumn } from "./format.ts";

const ROLE_PREFIX = "node-role.kubernetes.io/";
const ROLE_LABEL = "kubernetes.io/role";

export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === ROLE_LABEL && v !== "") {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

function nodeStatus(node: Node): string {
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === "Ready").at(-1);
  const status = [ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown"];
  if (node.spec?.unschedulable) status.push("SchedulingDisabled");
  return status.join(",");
}

const address = (node: Node, type: string): string =>
  node.status?.addresses?.find((a) => a.type === type)?.address ?? "<none>";

export const nodeTable: TableDef = {
  columns: [
    nameColumn,
    column("Status", "string", "Readiness of the node, and whether it is cordoned."),
    column("Roles", "string", "Roles from the node's role labels."),
    ageColumn,
    column("Version", "string", "Kubelet version reported by the node."),
    column("Internal-IP", "string", "The node's first InternalIP address.", 1),
    column("External-IP", "string", "The node's first ExternalIP address.", 1),
    column("OS-Image", "string", "OS image reported by the node.", 1),
    column("Kernel-Version", "string", "Kernel version reported by the node.", 1),
    column("Container-Runtime", "string", "Container runtime version reported by the node.", 1),
  ],
  cells(node: Node, now: Date) {
    const info = node.status?.nodeInfo;
    const roles = nodeRoles(node).join(",");
    return [
      node.metadata?.name ?? "",
      nodeStatus(node),
      roles || "<none>",
      age(node.metadata, now),
      info?.kubeletVersion ?? "",
      address(node, "InternalIP"),
      address(node, "ExternalIP"),
      info?.osImage || "<unknown>",
      info?.kernelVersion || "<unknown>",
      info?.containerRuntimeVersion || "<unknown>",
    ];
  },
};
