// Marks the page as having JavaScript (and NHS.UK frontend support) before it is drawn, as the
// NHS.UK page template's inline script did; a file so that the Content-Security-Policy allows no
// inline script. Loaded synchronously at the start of <body>.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
