// Reads and decodes request bodies: a hard size cap (413 beyond it, as upstream's 3 MiB), JSON or YAML by
// Content-Type (Kubernetes protobuf too, as kubectl's typed commands send it), and a 400 with the decoder's
// reason for anything malformed.
import type { Request } from "./request.ts";
import { badRequest, tooLarge, unsupportedMediaType } from "../../api/errors.ts";
import { decodeKubernetesProtobuf } from "../protobuf/decode.ts";

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function readBody(req: Request, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  const body = req.body;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop reading but keep the stream: the 413 still has to go out on it.
        done();
        body.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", onError);
  });
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "application/json").split(";")[0]!.trim().toLowerCase();
}

/** Decodes an object body (create/update); YAML is accepted as upstream does for application/yaml. */
export async function decodeObject(body: Buffer, contentType: string | undefined): Promise<unknown> {
  const type = mediaType(contentType);
  if (body.length === 0) throw badRequest("the body of the request was empty");
  if (type === "application/json" || type === "*/*" || type === "") return parseJson(body);
  if (type === "application/yaml" || type === "application/apply-patch+yaml") return parseYamlBody(body);
  if (type === "application/vnd.kubernetes.protobuf") return decodeKubernetesProtobuf(body);
  throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw badRequest(`the object provided is unrecognized: couldn't decode body: ${(err as Error).message}`);
  }
}

/** YAML bodies are rare (server-side apply, `application/yaml`): the parser loads on first use. */
export async function parseYamlBody(body: Buffer): Promise<unknown> {
  const { parse } = await import("yaml");
  try {
    return parse(body.toString("utf8"), { maxAliasCount: 100 });
  } catch (err) {
    throw badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
  }
}
