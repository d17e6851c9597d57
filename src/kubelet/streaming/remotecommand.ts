// The client side of Kubernetes remotecommand over SPDY (protocol v4.channel.k8s.io), as the runtime's streaming
// server expects it for exec and attach: one SPDY stream per standard stream, each named by a `streamType`
// header, created in the order error, stdin, stdout, stderr (not with a TTY), resize (only with a TTY). The
// runtime writes a metav1.Status JSON on the error stream when the command ends; stdin's half-close is its EOF.
import { SpdySession } from "./spdy/session.ts";
import type { SpdyStream } from "./spdy/session.ts";
import { upgradeToSpdy } from "./upgrade.ts";

export const REMOTECOMMAND_V4 = "v4.channel.k8s.io";
/** How long the runtime gets to accept each stream. */
const REPLY_TIMEOUT_MS = 30_000;

export interface StreamSelection { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }

export interface RemoteCommand {
  session: SpdySession;
  error: SpdyStream;
  stdin: SpdyStream | undefined;
  stdout: SpdyStream | undefined;
  stderr: SpdyStream | undefined;
  resize: SpdyStream | undefined;
}

export async function openRemoteCommand(url: string, want: StreamSelection, signal?: AbortSignal): Promise<RemoteCommand> {
  const up = await upgradeToSpdy(url, [REMOTECOMMAND_V4], signal);
  const session = new SpdySession(up.socket, { client: true }, up.head);
  session.on("error", () => undefined);
  try {
    const agreed = up.headers["x-stream-protocol-version"];
    if (agreed !== REMOTECOMMAND_V4) throw new Error(`the runtime agreed to streaming protocol ${JSON.stringify(agreed)}, not ${REMOTECOMMAND_V4}`);
    const open = (type: string) => session.open({ streamType: type });
    const rc: RemoteCommand = {
      session,
      error: open("error"),
      stdin: want.stdin ? open("stdin") : undefined,
      stdout: want.stdout ? open("stdout") : undefined,
      stderr: want.stderr && !want.tty ? open("stderr") : undefined,
      resize: want.tty ? open("resize") : undefined,
    };
    const streams = [rc.error, rc.stdin, rc.stdout, rc.stderr, rc.resize].filter((s): s is SpdyStream => !!s);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error("the runtime did not accept the streams in time")), REPLY_TIMEOUT_MS); });
    try {
      await Promise.race([Promise.all(streams.map((s) => session.replied(s))), timeout]);
    } finally {
      clearTimeout(timer);
    }
    return rc;
  } catch (err) {
    session.destroy();
    throw err;
  }
}
