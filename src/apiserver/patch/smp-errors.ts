// The errors of upstream's strategic merge patch, worded as k8s.io/apimachinery's mergepatch words them.
// Upstream answers the sentinel ones with 400 and list-of-lists with its bare 422; the formatted ones reach
// clients as 500s there, which Berth answers with 400 because the fault is in the request.
import { badRequest, patchRejected } from "../../api/errors.ts";
import type { StatusError } from "../../api/errors.ts";
import { goFormat, goTypeName } from "./go-text.ts";

export const badPrimitiveList = () => badRequest("invalid patch format of primitive list");
export const badRetainKeys = () => badRequest("invalid patch format of retainKeys");
export const badSetElementOrder = () => badRequest("invalid patch format of setElementOrder list");
export const listOfLists = (): StatusError => patchRejected();

export const badArgType = (expected: "list" | "map", actual: unknown) =>
  badRequest(`expected a ${expected === "list" ? "[]interface {}" : "map[string]interface {}"}, but received a ${goTypeName(actual)}`);
export const noMergeKey = (item: unknown, mergeKey: string) =>
  badRequest(`map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`);
export const badPatchType = (directive: unknown, item: unknown) =>
  badRequest(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(item)}`);
export const mergeDirectiveInList = () => badRequest("merging lists cannot yet be specified in the patch");
export const noMergeKeyDeclared = () => badRequest("cannot merge lists without merge key for type struct");
export const mixedElements = (lists: unknown[][]) => badRequest(`list element types are not identical: ${goFormat(lists)}`);
export const orderMismatch = (patchList: unknown[], order: unknown[]) =>
  badRequest(`The order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(order)}\n`);
