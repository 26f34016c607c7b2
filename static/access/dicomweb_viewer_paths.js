// Tells dicom-microscopy-viewer where its decoding worker and codecs are (static/vendor, not a CDN).
window.PUBLIC_LIB_URL = document.currentScript.dataset.lib;
