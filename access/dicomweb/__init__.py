"""DICOMweb (PS3.18) at /dicomweb/: QIDO-RS searches and WADO-RS metadata, frames, bulk data and
rendered images of the published DICOM instances a user may see (access.selectors.dicomweb)."""
