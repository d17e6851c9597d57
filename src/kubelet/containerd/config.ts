// containerd's config.toml for a node agent: every path (root, state, socket) under one directory so several
// agents (or tests) can run side by side, and the CRI plugin set up for this kernel (see PLATFORM.md).
import { join } from "node:path";

export const DEFAULT_CNI_BIN_DIR = "/usr/lib/cni";
/** The sandbox image name containerd 1.6's CRI uses by default; ensureBuiltinImages provides it locally. */
export const DEFAULT_SANDBOX_IMAGE = "registry.k8s.io/pause:3.6";

export interface ContainerdPaths {
  config: string;
  root: string;
  state: string;
  socket: string;
  log: string;
  pidFile: string;
}

export function containerdPaths(dir: string): ContainerdPaths {
  return {
    config: join(dir, "config.toml"),
    root: join(dir, "root"),
    state: join(dir, "state"),
    socket: join(dir, "containerd.sock"),
    log: join(dir, "containerd.log"),
    pidFile: join(dir, "containerd.pid"),
  };
}

export interface ContainerdConfigOptions {
  paths: ContainerdPaths;
  cniConfDir: string;
  cniBinDir: string;
  sandboxImage: string;
}

/** TOML strings are JSON strings as far as paths and image names go (basic strings, same escapes). */
const str = (s: string): string => JSON.stringify(s);

export function containerdConfig(o: ContainerdConfigOptions): string {
  const cri = `plugins."io.containerd.grpc.v1.cri"`;
  return `# Written by berth: regenerated on every start.
version = 2
root = ${str(o.paths.root)}
state = ${str(o.paths.state)}

[grpc]
  address = ${str(o.paths.socket)}

[${cri}]
  sandbox_image = ${str(o.sandboxImage)}
  # root here lacks CAP_SYS_RESOURCE: a negative oom_score_adj would fail every sandbox.
  restrict_oom_score_adj = true
  # exec/attach/port-forward streams: loopback only, an ephemeral port.
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_tls_streaming = false

  [${cri}.cni]
    bin_dir = ${str(o.cniBinDir)}
    conf_dir = ${str(o.cniConfDir)}

  [${cri}.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"

    [${cri}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

      [${cri}.containerd.runtimes.runc.options]
        # cgroup v1 through cgroupfs: there is no systemd on these machines.
        SystemdCgroup = false
`;
}
