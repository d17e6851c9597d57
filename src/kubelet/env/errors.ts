// The error a container's environment fails with (a missing ConfigMap, Secret or key); the pod worker reports it
// as the container's CreateContainerConfigError, with this message, as upstream's kubelet does.
export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvError";
  }
}
