export * from "./ingest.js";
export * from "./readers.js";
