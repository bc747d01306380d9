// Builds the dashboard to web/dist (static files `lwcl server --web web/dist`
// serves). The object and resource names come from the project's own DDF
// files (lwm2m/objects/*.xml) at build time, as the virtual module
// "virtual:lwm2m-objects", so the device page never disagrees with them.
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";

const DDF_DIR = resolve(__dirname, "../lwm2m/objects");

interface ResourceDef { id: number; name: string; ops: string; type: string; multiple: boolean; units: string }
interface ObjectDef { id: number; name: string; multiple: boolean; resources: ResourceDef[] }

function tag(xml: string, name: string): string {
  const m = xml.match(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`));
  return m ? m[1].replace(/&amp;/g, "&").trim() : "";
}

// The DDF format is flat enough that a few regular expressions read it; a
// malformed file fails the build rather than shipping a wrong tree.
function readDdf(dir: string): ObjectDef[] {
  const out: ObjectDef[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".xml")).sort()) {
    const xml = readFileSync(join(dir, f), "utf8");
    const id = Number(tag(xml, "ObjectID"));
    if (!Number.isInteger(id)) throw new Error(`${f}: no ObjectID`);
    const head = xml.split("<Resources>")[0];
    const resources: ResourceDef[] = [];
    for (const m of xml.matchAll(/<Item ID="(\d+)">([\s\S]*?)<\/Item>/g)) {
      resources.push({
        id: Number(m[1]),
        name: tag(m[2], "Name"),
        ops: tag(m[2], "Operations"),
        type: tag(m[2], "Type"),
        multiple: tag(m[2], "MultipleInstances") === "Multiple",
        units: tag(m[2], "Units"),
      });
    }
    out.push({ id, name: tag(head, "Name"), multiple: tag(head, "MultipleInstances") === "Multiple", resources });
  }
  return out;
}

function lwm2mObjects(): Plugin {
  const id = "virtual:lwm2m-objects";
  return {
    name: "lwm2m-objects",
    resolveId: (source) => (source === id ? "\0" + id : null),
    load(source) {
      if (source !== "\0" + id) return null;
      for (const f of readdirSync(DDF_DIR)) this.addWatchFile(join(DDF_DIR, f));
      return `export default ${JSON.stringify(readDdf(DDF_DIR))};`;
    },
  };
}

export default defineConfig({
  base: "./",
  plugins: [lwm2mObjects()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 200 },
  // `npm run dev` against a local `lwcl server` on the default port.
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
