// Binds through the pods/binding subresource, as upstream's DefaultBinder.
import type { BindPlugin, Handle } from "../plugin.ts";
import { R } from "../../client/resources.ts";
import { SUCCESS, errorStatus } from "../status.ts";

export const defaultBinder = (_args: unknown, handle: Handle): BindPlugin => ({
  name: "DefaultBinder",
  async bind(_state, pod, node) {
    const { namespace, name } = pod;
    try {
      await handle.client.resource(R.pods).createSubresource(namespace, name, "binding", {
        apiVersion: "v1",
        kind: "Binding",
        metadata: { name, namespace, uid: pod.pod.metadata?.uid },
        target: { apiVersion: "v1", kind: "Node", name: node },
      });
      return SUCCESS;
    } catch (err) {
      return errorStatus(err);
    }
  },
});
