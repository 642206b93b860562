// Validates every object in a multi-document YAML file against the Kubernetes OpenAPI schema of
// its apiVersion and kind, with kubernetes-models' validators (generated from Kubernetes' own
// OpenAPI document: types, required fields, enums, formats). Prints one line per problem and
// exits 1 if there is any; an object of a kind it has no schema for is a problem too.
//   node validate.mjs objects.yaml
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const file = process.argv[2];
const documents = parseAllDocuments(readFileSync(file, "utf8"));
const problems = [];
let checked = 0;
for (const document of documents) {
  if (document.errors.length > 0) {
    problems.push(`YAML: ${document.errors.map((e) => e.message).join("; ")}`);
    continue;
  }
  const object = document.toJS();
  if (object === null) {
    continue;
  }
  const { apiVersion, kind } = object;
  if (kind === "Secret" && object.data) {
    // kustomize wraps long base64 values over lines; the API server's decoder (Go's base64)
    // skips the line breaks, the schema's "byte" format does not.
    for (const key of Object.keys(object.data)) {
      object.data[key] = String(object.data[key]).replace(/[\r\n]/g, "");
    }
  }
  const name = `${kind}/${object.metadata?.name}`;
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  let model;
  try {
    model = (await import(`kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}`))[kind];
  } catch {
    problems.push(`${name}: no schema for ${apiVersion} ${kind}`);
    continue;
  }
  try {
    new model(object).validate();
    checked++;
  } catch (error) {
    problems.push(`${name}: ${error.message}`);
  }
}
for (const problem of problems) {
  console.log(problem);
}
console.log(`${checked} valid, ${problems.length} problems`);
process.exit(problems.length > 0 ? 1 : 0);
