// Serves /openapi/v2 and /openapi/v3[/<gv path>] from the prebuilt documents, honouring If-None-Match.
import type { Request } from "../http/request.ts";
import type { ResourceType } from "../../api/scheme.ts";
import { notFound } from "../../api/errors.ts";
import { openapiV2Body, openapiV2ProtobufBody } from "../openapi/v2.ts";
import { openapiV3DocumentBody, openapiV3RootBody } from "../openapi/v3.ts";
import type { Response } from "../http/respond.ts";

/** The protobuf media type of /openapi/v2 as answered. kubectl asks for the "@v1.0" spelling, but '@' is not
 * allowed in a media type, so Go's mime.ParseMediaType (which client-go runs on the response) rejects it;
 * upstream answers with the dotted spelling, as here. */
export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
const PROTOBUF_TYPES = new Set([OPENAPI_V2_PROTOBUF, "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"]);
const JSON_TYPES = new Set(["application/json", "application/*", "*/*"]);

/** Whether an Accept header prefers the protobuf form of /openapi/v2: the first acceptable type listed that
 * is one of ours wins; JSON when none is named. */
export function wantsV2Protobuf(accept: string | undefined): boolean {
  for (const clause of (accept ?? "").split(",")) {
    const [type = "", ...params] = clause.split(";").map((p) => p.trim().toLowerCase());
    if (params.some((p) => /^q=0(\.0*)?$/.test(p))) continue;
    if (PROTOBUF_TYPES.has(type)) return true;
    if (JSON_TYPES.has(type)) return false;
  }
  return false;
}

export class OpenApi {
  private readonly resources: readonly ResourceType[];

  constructor(resources: readonly ResourceType[]) {
    this.resources = resources;
  }

  serve(path: string, req: Request, res: Response): void {
    let doc: { body: Buffer; etag: string } | undefined;
    let contentType = "application/json";
    if (path === "/openapi/v2") {
      const protobuf = wantsV2Protobuf(req.headers.accept);
      doc = protobuf ? openapiV2ProtobufBody(this.resources) : openapiV2Body(this.resources);
      if (protobuf) contentType = OPENAPI_V2_PROTOBUF;
    } else if (path === "/openapi/v3" || path === "/openapi/v3/") doc = openapiV3RootBody(this.resources);
    else if (path.startsWith("/openapi/v3/")) doc = openapiV3DocumentBody(this.resources, path.slice("/openapi/v3/".length));
    if (!doc) throw notFound({ group: "", resource: "openapi" }, path);
    // /openapi/v2 has two representations, chosen by Accept.
    const vary: Record<string, string> = path === "/openapi/v2" ? { vary: "Accept" } : {};
    if (req.headers["if-none-match"] === doc.etag) {
      res.writeHead(304, { etag: doc.etag, ...vary });
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": contentType, etag: doc.etag, "cache-control": "no-cache, private", ...vary });
    res.end(doc.body);
  }
}
