export * from "./debian.js";
export * from "./demo-sample.js";
export * from "./reference.js";
export * from "./udhr.js";
export * from "./ui-strings.js";
