"""De-identification of slides: the PS3.15 Annex E profile (`profile`), the streaming rewrite of
uploaded DICOM instances (`instance`), and the options that make wsidicomizer write clean
instances during conversion (`conversion`). Keys and pseudonyms come from governance."""
