import { test } from "node:test";
import assert from "node:assert/strict";
import { humanDuration, since } from "./duration.ts";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;

test("each threshold of upstream's HumanDuration", () => {
  const cases: [number, string][] = [
    [-2 * S, "<invalid>"],
    [-1999, "0s"],
    [-1 * S, "0s"],
    [0, "0s"],
    [999, "0s"],
    [5 * S, "5s"],
    [119 * S, "119s"],
    [2 * M, "2m"],
    [3 * M + 2 * S, "3m2s"],
    [9 * M + 59 * S, "9m59s"],
    [10 * M, "10m"],
    [10 * M + 30 * S, "10m"],
    [179 * M, "179m"],
    [3 * H, "3h"],
    [3 * H + 5 * M, "3h5m"],
    [7 * H + 59 * M, "7h59m"],
    [8 * H, "8h"],
    [8 * H + 30 * M, "8h"],
    [47 * H, "47h"],
    [2 * D, "2d"],
    [2 * D + 3 * H, "2d3h"],
    [7 * D + 23 * H, "7d23h"],
    [8 * D, "8d"],
    [8 * D + 5 * H, "8d"],
    [729 * D, "729d"],
    [2 * Y, "2y"],
    [3 * Y + 45 * D, "3y45d"],
    [8 * Y - D, "7y364d"],
    [8 * Y, "8y"],
    [20 * Y + 100 * D, "20y"],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test("since() ages a timestamp and reports unset ones as <unknown>", () => {
  const now = new Date("2024-05-01T12:00:00Z");
  assert.equal(since("2024-05-01T11:55:00Z", now), "5m");
  assert.equal(since(undefined, now), "<unknown>");
  assert.equal(since("2024-05-01T12:00:05Z", now), "<invalid>");
});
