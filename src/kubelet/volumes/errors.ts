// The error a volume fails to set up with. The message is the FailedMount event's text as upstream writes it,
// e.g. `MountVolume.SetUp failed for volume "cfg" : configmap "x" not found`; the pod stays ContainerCreating
// and the pod worker retries.
export class VolumeError extends Error {
  readonly reason = "FailedMount";
  /** The volume's name in the pod spec. */
  readonly volume: string;
  /** What went wrong, without the volume prefix (`configmap "x" not found`). */
  readonly cause: string;

  constructor(volume: string, cause: string) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${cause}`);
    this.name = "VolumeError";
    this.volume = volume;
    this.cause = cause;
  }
}
