export * from "./card.js";
export * from "./charts.js";
export * from "./figures.js";
export * from "./html.js";
export * from "./report.js";
export * from "./summary.js";
