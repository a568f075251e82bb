// The local runtime's key for pagination cursors (CURSOR_KEY, shared/adapters/cursor.ts): 32
// random bytes made on first start and kept in the data directory next to the token signing
// key, so a cursor issued before a restart still works after it. Deleting the folder resets it.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export async function localCursorKey(dataDir: string): Promise<string> {
  const path = join(dataDir, "local-auth", "cursor-key");
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const created = randomBytes(32).toString("base64url");
  await mkdir(join(dataDir, "local-auth"), { recursive: true });
  try {
    await writeFile(path, created, { flag: "wx", mode: 0o600 });
    return created;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return (await readFile(path, "utf8")).trim(); // another process created it first
  }
}
