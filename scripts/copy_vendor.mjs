// Copy the front-end files the portal serves from node_modules/ into static/vendor/.
// Runs as npm's postinstall step (so also in `make install`); nothing is ever loaded from a CDN.
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
  // The DICOMweb slide viewer: its bundle loads its worker and codecs (wasm) from its own folder.
  "dicom-microscopy-viewer": [
    ["dicom-microscopy-viewer/dist", "dist"],
    ["dicom-microscopy-viewer/LICENSE", "LICENSE"],
  ],
  "dicomweb-client": [
    ["dicomweb-client/build/dicomweb-client.js", "dicomweb-client.js"],
    ["dicomweb-client/build/dicomweb-client.js.map", "dicomweb-client.js.map"],
    ["dicomweb-client/LICENSE", "LICENSE"],
  ],
};

let missing = 0;
let copied = 0;
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
    cpSync(from, join(target, destination), { recursive: true });
    copied += 1;
  }
}

if (missing) {
  process.exit(1);
}
// One line, so that `make install` stays readable; the list above says what was copied.
console.log(`copy_vendor: ${copied} files of ${Object.keys(bundles).join(", ")} -> ${relative(root, vendor)}/`);
