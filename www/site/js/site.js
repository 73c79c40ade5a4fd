/*
 * The test site's one script: it fills each page's footer, so that a
 * browser that ran it shows "script ran" and the page's title.
 */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
	var footer = document.getElementById("footer");
	if (footer === null)
		return;
	footer.textContent = "script ran: " + document.title;
	footer.dataset.scriptRan = "yes";
});
