// Makes each landing-page sample image zoomable with OpenSeadragon.
// Without JavaScript the plain <img> and its download link remain.
(function () {
  "use strict";
  function enhance(figure) {
    var img = figure.querySelector("img");
    var viewer = document.createElement("div");
    viewer.className = "sample-viewer";
    viewer.setAttribute("role", "img");
    viewer.setAttribute("aria-label", img.alt + " (zoomable: use the buttons, scroll, or + and -)");
    viewer.tabIndex = 0;
    img.replaceWith(viewer);
    OpenSeadragon({
      element: viewer,
      prefixUrl: figure.dataset.osdImages,
      tileSources: { type: "image", url: img.src },
      showNavigator: false,
      keyboardShortcuts: true,
      gestureSettingsMouse: { clickToZoom: false },
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof OpenSeadragon === "undefined") return;
    document.querySelectorAll("figure[data-zoomable]").forEach(enhance);
  });
})();
