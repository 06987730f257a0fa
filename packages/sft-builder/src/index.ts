export * from "./samples/schema.js";
