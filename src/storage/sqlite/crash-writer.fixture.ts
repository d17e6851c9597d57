// Test fixture for the durability test: writes forever, printing "key revision" after each acknowledged write,
// until the parent kills it. Usage: node crash-writer.fixture.ts <db-path>
import { SqliteStorage } from "./sqlite-storage.ts";

const storage = SqliteStorage.open(process.argv[2]!, { compactIntervalMs: 50, retainRevisions: 100, retainMs: 0 });
for (let i = 0; ; i++) {
  const key = `/crash/${i}`;
  const kv = await storage.create(key, `value-${i}`);
  process.stdout.write(`${key} ${kv.modRevision}\n`);
  if (i % 3 === 0) {
    const u = await storage.update(key, `updated-${i}`, kv.modRevision);
    process.stdout.write(`${key} ${u.modRevision}\n`);
  }
  // Let the compaction timer run between writes, as it would in the server.
  if (i % 50 === 0) await new Promise((r) => setImmediate(r));
}
