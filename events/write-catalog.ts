// npm run catalog: writes events/catalog.md.
import { writeFile } from "node:fs/promises";
import { renderCatalog } from "./catalog.ts";

await writeFile(new URL("./catalog.md", import.meta.url), renderCatalog());
console.log("events/catalog.md written");
