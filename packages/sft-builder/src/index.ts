export * from "./samples/schema.js";
export * from "./review/index.js";
export * from "./checks/index.js";
export * from "./synth/index.js";
