// The DICOMweb slide viewer: dicom-microscopy-viewer reading this portal's /dicomweb/ with the session.
(function () {
  "use strict";
  function start() {
    const element = document.getElementById("dicomweb-viewer");
    const status = document.getElementById("dicomweb-viewer-status");
    if (!element || !window.DICOMwebClient || !window.dicomMicroscopyViewer) {
      if (status) status.textContent = "The viewer could not be loaded.";
      return;
    }
    const client = new DICOMwebClient.api.DICOMwebClient({ url: element.dataset.dicomweb });
    const viewerLib = window.dicomMicroscopyViewer;
    client.retrieveSeriesMetadata({
      studyInstanceUID: element.dataset.study,
      seriesInstanceUID: element.dataset.series,
    }).then(function (metadata) {
      const images = metadata
        .map(function (m) { return new viewerLib.metadata.VLWholeSlideMicroscopyImage({ metadata: m }); })
        .filter(function (image) { return ["VOLUME", "THUMBNAIL"].includes(image.ImageType[2]); });
      const viewer = new viewerLib.viewer.VolumeImageViewer({ client: client, metadata: images });
      viewer.render({ container: element });
      element.dataset.ready = "true";
      status.textContent = "";
    }).catch(function (error) {
      status.textContent = "The slide could not be loaded: " + error;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
