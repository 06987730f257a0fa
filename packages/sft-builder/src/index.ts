export * from "./samples/schema.js";
export * from "./review/index.js";
