export * from "./samples/schema.js";
export * from "./checks/index.js";
export * from "./synth/index.js";
