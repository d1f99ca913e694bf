// Loaded as a module from /assets, so the Content-Security-Policy needs no inline script.
import { initAll } from "./govuk-frontend.min.js";

initAll();
