// Reads and decodes request bodies: a hard size cap (413 beyond it, as upstream's 3 MiB), JSON or YAML by
// Content-Type (Kubernetes protobuf too, as kubectl's typed commands send it), and a 400 with the decoder's
// reason for anything malformed.
import type { Request } from "./request.ts";
import { parse as parseYaml } from "yaml";
import { badRequest, tooLarge, unsupportedMediaType } from "../../api/errors.ts";
import { decodeKubernetesProtobuf } from "../protobuf/decode.ts";

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: Request, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  // Iterated by hand: leaving a for-await early would destroy an HTTP/2 stream before the 413 goes out.
  const it = req[Symbol.asyncIterator]();
  for (;;) {
    const { value, done } = await it.next();
    if (done) break;
    size += value.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "application/json").split(";")[0]!.trim().toLowerCase();
}

/** Decodes an object body (create/update); YAML is accepted as upstream does for application/yaml. */
export function decodeObject(body: Buffer, contentType: string | undefined): unknown {
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

export function parseYamlBody(body: Buffer): unknown {
  try {
    return parseYaml(body.toString("utf8"), { maxAliasCount: 100 });
  } catch (err) {
    throw badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
  }
}
