// Copy the front-end files the portal serves from node_modules/ into static/vendor/.
// Runs as npm's postinstall step; nothing is ever loaded from a CDN.
//
//   npm install          (or: npm run vendor)
//
// Only the files listed below are copied, so static/vendor/ stays small. Source maps
// are copied next to the minified files because ManifestStaticFilesStorage follows
// their sourceMappingURL comments during collectstatic and fails if they are missing.

import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "static", "vendor");

// [package folder, [source path inside the package, destination inside static/vendor/]]
const bundles = {
  htmx: [
    ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
    ["htmx.org/LICENSE", "LICENSE"],
  ],
  openseadragon: [
    ["openseadragon/build/openseadragon/openseadragon.min.js", "openseadragon.min.js"],
    ["openseadragon/build/openseadragon/openseadragon.min.js.map", "openseadragon.min.js.map"],
    ["openseadragon/build/openseadragon/images", "images"],
    ["openseadragon/LICENSE.txt", "LICENSE.txt"],
  ],
};

let missing = 0;
for (const [name, files] of Object.entries(bundles)) {
  const target = join(vendor, name);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const [source, destination] of files) {
    const from = join(modules, source);
    if (!existsSync(from)) {
      console.error(`copy_vendor: missing ${relative(root, from)} (did npm install finish?)`);
      missing += 1;
      continue;
    }
    const to = join(target, destination);
    cpSync(from, to, { recursive: true });
    console.log(`copy_vendor: ${relative(root, from)} -> ${relative(root, to)}`);
  }
}

if (missing) {
  process.exit(1);
}
