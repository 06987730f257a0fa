export * from "./checks/index.js";
export * from "./review/index.js";
export * from "./samples/overlap.js";
export * from "./samples/schema.js";
export * from "./synth/index.js";
