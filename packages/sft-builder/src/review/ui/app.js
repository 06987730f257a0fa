// @ts-check
// The review app in the browser: plain ES modules, type-checked from their JSDoc (tsconfig.json here), no build.
import { boot } from "./actions.js";
import { installKeys } from "./keys.js";
import "./views.js";

installKeys();
void boot();
