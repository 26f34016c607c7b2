// The slide viewer: OpenSeadragon over the slide's Deep Zoom tiles, and a scale bar in µm.
(function () {
  "use strict";
  const NICE = [1, 2, 5];
  const TARGET_PX = 120;

  // The longest 1-2-5 length in µm whose bar stays under TARGET_PX screen pixels.
  function niceLength(umPerScreenPx) {
    const wanted = umPerScreenPx * TARGET_PX;
    let best = null;
    for (let exponent = -2; exponent <= 6; exponent++) {
      for (const step of NICE) {
        const length = step * Math.pow(10, exponent);
        if (length <= wanted) best = length;
      }
    }
    return best;
  }

  function label(um) {
    return um >= 1000 ? (um / 1000) + " mm" : um + " µm";
  }

  function start(element) {
    const viewer = OpenSeadragon({
      element: element,
      tileSources: element.dataset.dzi,
      prefixUrl: element.dataset.osdImages,
      showNavigator: true,
      maxZoomPixelRatio: 2,
    });
    const mpp = parseFloat(element.dataset.mpp);
    const bar = document.getElementById("scale-bar");
    if (!mpp || !bar) return viewer;
    const line = bar.querySelector(".scale-bar-line");
    const text = bar.querySelector(".scale-bar-label");
    function draw() {
      const imageZoom = viewer.viewport.viewportToImageZoom(viewer.viewport.getZoom(true));
      if (!imageZoom) return;
      const umPerScreenPx = mpp / imageZoom;
      const length = niceLength(umPerScreenPx);
      if (!length) return;
      line.style.width = (length / umPerScreenPx).toFixed(1) + "px";
      text.textContent = label(length);
      bar.dataset.micrometres = String(length);
      bar.hidden = false;
    }
    viewer.addHandler("open", draw);
    viewer.addHandler("animation", draw);
    viewer.addHandler("resize", draw);
    window.slideViewer = viewer;
    return viewer;
  }

  document.addEventListener("DOMContentLoaded", function () {
    const element = document.getElementById("slide-viewer");
    if (element) start(element);
  });
})();
