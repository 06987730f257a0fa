// Uses a workspace catalog from another process, as other soro commands do while a review server runs (DuckDB's
// lock is per process, so a test cannot play that part in its own process):
//   hold DIR     holds the catalog (a stage run) until stdin closes; prints "held" once it has it
//   count DIR Q  prints the number the query returns
//   add DIR      adds one sample and the account nodira, as `soro sft generate` and `soro sft users add` do
import { Catalog } from "@soro/core";
import { addSamples, addUser } from "../src/index.js";
import { tajikSamples } from "./review-fixtures.js";

const [mode, dir, query] = process.argv.slice(2);
const catalog = await Catalog.open(dir!, { wait: 60 });
if (mode === "hold") {
  console.log("held");
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on("end", resolve));
} else if (mode === "count") {
  console.log(String((await catalog.rows(query!))[0]!.n));
} else if (mode === "add") {
  const [extra] = (await tajikSamples(20)).slice(-3, -2);
  await addSamples(catalog, [{ ...extra!, sample_id: "added-while-reviewing" }]);
  await addUser(catalog, { username: "nodira", password: "nodira-parol-4", role: "annotator" });
}
catalog.close();
