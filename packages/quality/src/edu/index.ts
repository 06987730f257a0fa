export * from "./build.js";
export * from "./columns.js";
export * from "./evaluate.js";
export * from "./features.js";
export * from "./labels.js";
export * from "./model.js";
export * from "./train.js";
export * from "./weak-labels.js";
