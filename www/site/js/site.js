/*
 * The test site's one script: it fills each page's footer, so that a
 * browser that ran it shows "script ran" and the page's title, and it
 * notes on the footer what the browser made of the stylesheet and the
 * images, for anyone checking the page without looking at it.
 */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
	var footer = document.getElementById("footer");
	var h1 = document.querySelector("h1");
	if (footer === null)
		return;
	footer.textContent = "script ran: " + document.title;
	footer.dataset.scriptRan = "yes";
	if (h1 !== null)
		footer.dataset.h1Color = getComputedStyle(h1).color;
});
window.addEventListener("load", function () {
	var footer = document.getElementById("footer");
	var img = document.getElementById("png");
	if (footer !== null && img !== null)
		footer.dataset.pngWidth = img.naturalWidth;
});
