// The NHS.UK header's navigation: links that do not fit the width go under "More" (the
// frontend's Header component; a file, not an inline script, for the Content-Security-Policy).
import { initHeader } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initHeader();
