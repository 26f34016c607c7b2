"""The DICOM Basic Application Level Confidentiality Profile (PS3.15 Annex E, table E.1-1) as data,
with the options this repository uses, and `deidentify_dataset`, which applies it in place.

Options used (each recorded as a CID 7050 code in DeidentificationMethodCodeSequence):
- Retain Device Identity (113109): keeps DeviceSerialNumber, StationName, DeviceUID and the other
  device identifiers. Manufacturer, ManufacturerModelName and SoftwareVersions are not in table
  E.1-1 at all: the basic profile keeps them anyway.
- Clean Descriptors (113105): free-text descriptions are kept unless they contain one of the
  identifying values found in the dataset (names, IDs, barcode, accession...); then they are emptied.
- Clean Structured Content (113104): SpecimenPreparationSequence (staining, fixation) is cleaned
  item by item instead of emptied; the repository needs those facts.
Retain Longitudinal Temporal Information is NOT used: acquisition and study dates are quasi-
identifiers the repository does not need (MetaFleX carries what research needs), so dates are
emptied or, where the WSI IOD makes them type 1, set to a dummy (LongitudinalTemporalInformation-
Modified = REMOVED). On top of the table: private tags, curves and overlays are removed,
LabelText and BarcodeValue are removed, every other UID that is not a registered DICOM UID is
replaced, and any person name the table misses is emptied. PatientID, PatientName,
ContainerIdentifier, SpecimenIdentifier, AccessionNumber and StudyID become keyed pseudonyms.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.sequence import Sequence
from pydicom.tag import BaseTag, Tag
from pydicom.uid import UID_dictionary

from ingestion.deid.context import DeidContext

PROFILE_VERSION = "bigpicture-deid-1"

# Table E.1-1: tag, basic profile action, then the action under Retain Device Identity (dev),
# Retain Longitudinal Temporal Information with Full Dates (dates, recorded, not used),
# Clean Descriptors (desc) and Clean Structured Content (struct); "." where the option says nothing.
# Codes: X remove, Z zero length, D dummy, U new UID, K keep, C clean; "X/Z" and the like depend on
# the attribute's type in the IOD (resolved by `_resolve`). Transcribed from PS3.15 (2024).
_TABLE_TEXT = """
0008,0014 U . . . .   0008,0015 X . K . .   0008,0018 U . . . .   0008,0020 Z . K . .
0008,0021 X/D . K . .  0008,0022 X/Z . K . .  0008,0023 Z/D . K . .  0008,0024 X . K . .
0008,0025 X . K . .   0008,002A X/Z/D . K . . 0008,0030 Z . K . .   0008,0031 X/D . K . .
0008,0032 X/Z . K . .  0008,0033 Z/D . K . .  0008,0034 X . K . .   0008,0035 X . K . .
0008,0050 Z . . . .   0008,0058 U . . . .   0008,0080 X/Z/D . . . . 0008,0081 X . . . .
0008,0082 X/Z/D . . . . 0008,0090 Z . . . .   0008,0092 X . . . .   0008,0094 X . . . .
0008,0096 X . . . .   0008,009C Z . . . .   0008,009D X . . . .   0008,0201 X . K . .
0008,1010 X/Z/D K . . . 0008,1030 X . . C .   0008,103E X . . C .   0008,1040 X . . . .
0008,1041 X . . . .   0008,1048 X . . . .   0008,1049 X . . . .   0008,1050 X . . . .
0008,1052 X . . . .   0008,1060 X . . . .   0008,1062 X . . . .   0008,1070 X/Z/D . . . .
0008,1072 X/D . . . .  0008,1080 X . . C .   0008,1084 X . . C .   0008,1110 X/Z . . . .
0008,1111 X/Z/D . . . . 0008,1120 X . . . .   0008,1140 X/Z/U* . . . . 0008,1155 U . . . .
0008,1195 U . . . .   0008,2111 X . . C .   0008,2112 X/Z/U* . . . . 0008,3010 U . . . .
0008,4000 X . . C .   0010,0010 Z . . . .   0010,0020 Z . . . .   0010,0021 X . . . .
0010,0030 Z . . . .   0010,0032 X . . . .   0010,0040 Z . . . .   0010,0050 X . . . .
0010,0101 X . . . .   0010,0102 X . . . .   0010,1000 X . . . .   0010,1001 X . . . .
0010,1002 X . . . .   0010,1005 X . . . .   0010,1010 X . . . .   0010,1020 X . . . .
0010,1030 X . . . .   0010,1040 X . . . .   0010,1050 X . . . .   0010,1060 X . . . .
0010,1080 X . . . .   0010,1081 X . . . .   0010,1090 X . . . .   0010,1100 X . . . .
0010,2000 X . . C .   0010,2110 X . . C .   0010,2150 X . . . .   0010,2152 X . . . .
0010,2154 X . . . .   0010,2155 X . . . .   0010,2160 X . . . .   0010,2180 X . . C .
0010,21A0 X . . . .   0010,21B0 X . . C .   0010,21C0 X . . . .   0010,21D0 X . K . .
0010,21F0 X . . . .   0010,2203 X/Z . . . .  0010,2297 X . . . .   0010,2299 X . . . .
0010,4000 X . . C .   0012,0010 D . . . .   0012,0020 D . . . .   0012,0021 Z . . . .
0012,0030 Z . . . .   0012,0031 Z . . . .   0012,0040 D . . . .   0012,0042 D . . . .
0012,0050 Z . . . .   0012,0051 X . . C .   0012,0060 Z . . . .   0012,0071 X . . . .
0012,0072 X . . C .   0012,0081 D . . . .   0012,0082 X . . . .   0016,002B X . . C .
0016,004B X . . C .   0016,004D X . . . .   0016,004E X K . . .   0016,004F X K . . .
0016,0050 X K . . .   0016,0051 X K . . .   0018,0010 Z/D . . C .  0018,1000 X/Z/D K . . .
0018,1002 U K . . .   0018,1004 X K . . .   0018,1005 X K . . .   0018,1007 X K . . .
0018,1008 X K . . .   0018,1009 X K . . .   0018,100A X K . . .   0018,100B U K . . .
0018,1012 X . K . .   0018,1014 X . K . .   0018,1030 X/D . . C .  0018,1200 X . K . .
0018,1201 X . K . .   0018,1400 X/D . . C .  0018,2042 U . . . .   0018,4000 X . . C .
0018,700A X/D K . . .  0018,9185 X . . C .   0018,9424 X . . C .   0018,9516 X/D . K . .
0018,9517 X/D . K . .  0018,A003 X . . C .   0020,000D U . . . .   0020,000E U . . . .
0020,0010 Z . . . .   0020,0052 U . . . .   0020,0200 U . . . .   0020,3401 X . . . .
0020,3406 X . . . .   0020,4000 X . . C .   0020,9158 X . . C .   0020,9161 U . . . .
0020,9164 U . . . .   0028,1199 U . . . .   0028,1214 U . . . .   0028,4000 X . . . .
0032,0012 X . . . .   0032,1020 X K . . .   0032,1021 X K . . .   0032,1030 X . . C .
0032,1032 X . . . .   0032,1033 X . . . .   0032,1060 X/Z . . C .  0032,1066 X . . C .
0032,1067 X . . C .   0032,1070 X . . C .   0032,4000 X . . C .   0034,0001 D . . . .
0034,0002 D . . . .   0034,0005 D . . . .   0034,0007 D . K . .   0038,0004 X . . . .
0038,0010 X . . . .   0038,0011 X . . . .   0038,0014 X . . . .   0038,001E X . . . .
0038,0020 X . K . .   0038,0021 X . K . .   0038,0040 X . . C .   0038,0050 X . . . .
0038,0060 X . . . .   0038,0061 X . . . .   0038,0062 X . . C .   0038,0064 X . . . .
0038,0300 X . . . .   0038,0400 X . . . .   0038,0500 X . . C .   0038,4000 X . . C .
0040,0001 X K . . .   0040,0002 X . K . .   0040,0003 X . K . .   0040,0004 X . K . .
0040,0005 X . K . .   0040,0006 X . . . .   0040,0007 X . . C .   0040,000B X . . . .
0040,0010 X K . . .   0040,0011 X K . . .   0040,0012 X . . . .   0040,0241 X K . . .
0040,0242 X K . . .   0040,0243 X . . . .   0040,0244 X . K . .   0040,0245 X . K . .
0040,0250 X . K . .   0040,0251 X . K . .   0040,0253 X . . . .   0040,0254 X . . C .
0040,0275 X . . C .   0040,0280 X . . C .   0040,050A X . . . .   0040,0512 D . . . .
0040,0513 Z . . . .   0040,051A X . . C .   0040,0551 D . . . .   0040,0554 U . . . .
0040,0555 X/Z . . . C  0040,0562 Z . . . .   0040,0600 X . . C .   0040,0602 X . . C .
0040,0610 Z . . . C   0040,06FA X . . . .   0040,1001 X . . . .   0040,1002 X . . C .
0040,1004 X . . . .   0040,1005 X . . . .   0040,100A X . . C .   0040,1010 X . . . .
0040,1011 X . . . .   0040,1101 D . . . .   0040,1102 X . . . .   0040,1103 X . . . .
0040,1104 X . . . .   0040,1400 X . . C .   0040,2001 X . . C .   0040,2008 X . . . .
0040,2009 X . . . .   0040,2010 X . . . .   0040,2011 X . . . .   0040,2016 Z . . . .
0040,2017 Z . . . .   0040,2400 X . . C .   0040,3001 X . . . .   0040,4005 X . K . .
0040,4008 X . K . .   0040,4010 X . K . .   0040,4011 X . K . .   0040,4023 U . . . .
0040,4025 X K . . .   0040,4027 X K . . .   0040,4028 X K . . .   0040,4030 X K . . .
0040,4034 X . . . .   0040,4035 X . . . .   0040,4036 X . . . .   0040,4037 X . . . .
0040,4050 X . K . .   0040,4051 X . K . .   0040,4052 X . K . .   0040,A027 D . . . .
0040,A073 D . . . .   0040,A075 D . . . .   0040,A078 X . . . .   0040,A07A X . . . .
0040,A07C X . . . .   0040,A088 Z . . . .   0040,A123 D . . . .   0040,A124 U . . . .
0040,A171 U . . . .   0040,A172 U . . . .   0040,A192 X . K . .   0040,A193 X . K . .
0040,A307 X . . . .   0040,A352 X . . . .   0040,A353 X . . . .   0040,A354 X . . . .
0040,A358 X . . . .   0040,A402 U . . . .   0040,A730 D . . . C   0040,DB0C U . . . .
0040,DB0D U . . . .   0050,001B X . . . .   0050,0020 X K . . .   0050,0021 X . . C .
0062,0021 U . . . .   0070,0001 D . . . .   0070,0084 Z/D . . . .  0070,0086 X . . . .
0070,031A U . . . .   0070,1101 U . . . .   0070,1102 U . . . .   0088,0140 U . . . .
0088,0200 X . . . .   0088,0904 X . . . .   0088,0906 X . . . .   0088,0910 X . . . .
0088,0912 X . . . .   0400,0100 U . . . .   0400,0402 X . . . .   0400,0403 X . . . .
0400,0404 X . . . .   0400,0550 X . . . .   0400,0561 X . . . .   0400,0600 X . . . .
2030,0020 X . . . .   2200,0002 X/Z . . C .  2200,0005 X/Z . . . .  3006,0024 U . . . .
3006,00C2 U . . . .   3008,0054 X/D . K . .  3008,0056 X/D . K . .  3008,0105 X/Z K . . .
3008,0250 X/D . K . .  3008,0251 X/D . K . .  300A,0002 D . . C .   300A,0003 X . . C .
300A,0004 X . . C .   300A,0006 X/D . K . .  300A,0007 X/D . K . .  300A,000E X . . C .
300A,0013 U . . . .   300A,0016 X . . C .   300A,0072 X . . C .   300A,0083 U . . . .
300A,00B2 X K . . .   300A,00C3 X . . C .   300A,00DD X . . C .   300A,0196 X . . C .
300A,01A6 X . . C .   300A,01B2 X . . C .   300A,0216 X K . . .   300A,02EB X . . C .
300A,0608 D . . C .   300A,0609 U . . . .   300A,0611 Z . . . .   300A,0615 Z . . . .
300A,0619 D . . C .   300A,0623 D . . C .   300A,062A D . . C .   300A,0650 U . . . .
300A,0676 X . . C .   300A,067C D . . C .   300A,067D Z . . C .   300C,0113 X . . C .
300E,0008 X/Z . . . .  3010,0006 U . . . .   3010,000B U . . . .   3010,000F Z . . C .
3010,0013 U . . . .   3010,0015 U . . . .   3010,0017 Z . . C .   3010,001B Z . . . .
3010,002D D K . . .   3010,0031 U . . . .   3010,0033 D . . C .   3010,0034 D . . C .
3010,0035 D . . C .   3010,0036 X . . C .   3010,0037 X . . C .   3010,0038 D . . C .
3010,003B U . . . .   3010,0043 Z K . . .   3010,004C X/D . K . .  3010,004D X/D . K . .
3010,0054 D . . C .   3010,0056 X/D . . C .  3010,005A Z . . C .   3010,005C Z . . C .
3010,0061 X . . C .   3010,006E U . . . .   3010,006F U . . . .   3010,0077 D . . C .
3010,007A Z . . C .   3010,007B Z . . C .   3010,007F Z . . C .   3010,0081 Z . . C .
4000,0010 X . . . .   4000,4000 X . . . .   4008,0042 X . . . .   4008,0102 X . . . .
4008,010A X . . . .   4008,010B X . . C .   4008,010C X . . . .   4008,0111 X . . . .
4008,0114 X . . . .   4008,0115 X . . C .   4008,0118 X . . . .   4008,0119 X . . . .
4008,011A X . . . .   4008,0300 X . . C .   4008,4000 X . . C .   FFFA,FFFA X . . . .
FFFC,FFFC X . . . .
"""
# The GPS attributes (0016,0070)-(0016,008E) are all X; GPS Date Stamp keeps its date under the dates option.
_GPS = range(0x00160070, 0x0016008F)

OPTION_CODES = {
    "basic": ("113100", "Basic Application Confidentiality Profile"),
    "clean_pixel_data": ("113101", "Clean Pixel Data Option"),
    "clean_structured_content": ("113104", "Clean Structured Content Option"),
    "clean_descriptors": ("113105", "Clean Descriptors Option"),
    "retain_device_identity": ("113109", "Retain Device Identity Option"),
}
OPTIONS_USED = ("basic", "retain_device_identity", "clean_descriptors", "clean_structured_content")


@dataclass(frozen=True)
class Rule:
    basic: str
    dev: str = ""
    dates: str = ""
    desc: str = ""
    struct: str = ""

    def action(self) -> str:
        """The action under the options in OPTIONS_USED (dates are not retained)."""
        return self.dev or self.struct or self.desc or self.basic


def _parse(text: str) -> dict[BaseTag, Rule]:
    fields = text.split()
    table = {}
    for i in range(0, len(fields), 6):
        group, element = fields[i].split(",")
        actions = [a if a != "." else "" for a in fields[i + 1:i + 6]]
        table[Tag(int(group, 16), int(element, 16))] = Rule(*actions)
    for tag in _GPS:
        table[Tag(tag)] = Rule("X", dates="K" if tag == 0x0016008D else "")
    return table


PROFILE: dict[BaseTag, Rule] = _parse(_TABLE_TEXT)

# Type 1 attributes of the WSI IOD (and content items) that X/D, Z/D and X/Z/D must keep with a dummy.
_TYPE1 = {Tag(t) for t in (0x0008002A, 0x00080023, 0x00080033, 0x00180010, 0x00181000, 0x00081010,
                           0x00400512, 0x00400551, 0x0040A123, 0x0040A075, 0x0040A027)}
# Identifiers that become keyed pseudonyms (kind given to the pseudonym function), overriding the table.
PSEUDONYM_KINDS = {Tag(0x00100020): "patient", Tag(0x00400512): "container", Tag(0x00400551): "specimen",
                   Tag(0x00080050): "accession", Tag(0x00200010): "study"}
_PATIENT_NAME, _PATIENT_ID = Tag(0x00100010), Tag(0x00100020)
# Removed outright whatever the table and options say: the label's text and barcode.
_ALWAYS_REMOVE = {Tag(0x22000002), Tag(0x22000005)}
# The values whose presence in a free-text descriptor makes Clean Descriptors empty it.
_IDENTIFYING = ("PatientName", "PatientID", "OtherPatientIDs", "OtherPatientNames", "PatientBirthName",
                "PatientMotherBirthName", "AccessionNumber", "ContainerIdentifier", "SpecimenIdentifier",
                "BarcodeValue", "LabelText", "StudyID", "ReferringPhysicianName", "OperatorsName",
                "IssuerOfPatientID", "PatientAddress")
_DUMMY = {"DA": "19000101", "TM": "000000", "DT": "19000101000000", "PN": "DEIDENTIFIED",
          "LO": "DEIDENTIFIED", "SH": "DEIDENTIFIED", "LT": "", "ST": "", "UT": "", "CS": "", "AS": "000D"}
_TEXT_VRS = {"LO", "LT", "SH", "ST", "UT", "UC", "PN", "CS"}
# Inside cleaned structured content (specimen preparation): a content item's free text, and the
# concept "Specimen Identifier" (DCM 121041) whose text becomes a pseudonym.
_TEXT_VALUE = Tag(0x0040A160)
_SPECIMEN_IDENTIFIER_CONCEPT = "121041"
_MIN_TERM = 3
# What wsidicom writes for a type 1 identifier it does not know: not an identifier, kept as it is.
_PLACEHOLDERS = {"Unknown", "UNKNOWN"}


def _values(value) -> list:
    return list(value) if isinstance(value, list | tuple | MultiValue) else [value]


def _resolve(action: str, tag: BaseTag) -> str:
    """One action for a compound code: D where the attribute is type 1, else Z if allowed, else X."""
    options = action.split("/")
    if len(options) == 1:
        return action
    if "D" in options and tag in _TYPE1:
        return "D"
    if "U*" in options:
        return "U*"
    return "Z" if "Z" in options else options[0]


def _terms(ds: Dataset) -> list[str]:
    """Identifying values in the dataset (all levels), lowercased, with name variants."""
    found: set[str] = set()

    def add(value) -> None:
        for item in _values(value):
            text = str(item).strip()
            for variant in (text, text.replace("^", " "), *text.split("^")):
                variant = variant.strip().lower()
                if len(variant) >= _MIN_TERM:
                    found.add(variant)

    def visit(dataset: Dataset) -> None:
        for keyword in _IDENTIFYING:
            if keyword in dataset and dataset[keyword].value not in (None, ""):
                add(dataset[keyword].value)
        for elem in dataset:
            if elem.VR == "SQ":
                for item in elem.value:
                    visit(item)

    visit(ds)
    return sorted(found, key=len, reverse=True)


class _Run:
    def __init__(self, ds: Dataset, context: DeidContext):
        self.context = context
        self.terms = _terms(ds)
        self.patient_id = str(ds.get("PatientID", "") or "")

    def clean_text(self, value) -> str | list:
        """Clean Descriptors: keep a descriptor unless it contains an identifying value."""
        for item in _values(value):
            lowered = str(item).lower()
            if any(term in lowered for term in self.terms):
                return ""
        return value

    def new_uid(self, value):
        if isinstance(value, str | bytes):
            text = value.decode() if isinstance(value, bytes) else value
            return text if text in UID_dictionary or not text else self.context.uid(text)
        return [self.new_uid(item) for item in value]

    def dataset(self, ds: Dataset, *, structured: bool = False) -> None:
        concept = ds.get("ConceptNameCodeSequence")
        code = concept[0].get("CodeValue") if concept else None
        for elem in list(ds):
            self.element(ds, elem, structured=structured, concept=code)

    def element(self, ds: Dataset, elem: DataElement, *, structured: bool, concept: str | None) -> None:
        tag = elem.tag
        if tag.group == 0x0002:
            return
        if tag.is_private or 0x5000 <= tag.group <= 0x50FF or 0x6000 <= tag.group <= 0x60FF:
            del ds[tag]
            return
        if tag in _ALWAYS_REMOVE:
            del ds[tag]
            return
        if tag == _PATIENT_NAME:
            self.patient_name(elem)
            return
        if tag in PSEUDONYM_KINDS:
            self.pseudonymise(elem, PSEUDONYM_KINDS[tag])
            return
        if structured and tag == _TEXT_VALUE:
            if concept == _SPECIMEN_IDENTIFIER_CONCEPT:
                self.pseudonymise(elem, "specimen")
            else:
                elem.value = self.clean_text(elem.value)
            return
        rule = PROFILE.get(tag)
        if rule is not None:
            action = _resolve(rule.action(), tag)
        elif elem.VR == "UI":
            action = "U"
        elif elem.VR == "PN":
            action = "Z"  # a person the table does not know about
        else:
            action = "K"
        self.apply(ds, elem, action, structured=structured or (rule is not None and rule.struct == "C"))

    def apply(self, ds: Dataset, elem: DataElement, action: str, *, structured: bool) -> None:
        if action == "X":
            del ds[elem.tag]
        elif action == "Z":
            elem.value = Sequence() if elem.VR == "SQ" else ("" if elem.VR in _TEXT_VRS | {"DA", "TM", "DT"}
                                                              else None)
        elif elem.VR == "SQ":
            # D, C, K, U* on a sequence: clean what is inside, item by item.
            for item in elem.value:
                self.dataset(item, structured=structured)
        elif action == "D":
            elem.value = _DUMMY.get(elem.VR, None)
        elif action in ("U", "U*"):
            elem.value = self.new_uid(elem.value)
        elif action == "C":
            elem.value = self.clean_text(elem.value) if elem.VR in _TEXT_VRS else None

    def pseudonymise(self, elem: DataElement, kind: str) -> None:
        value = str(elem.value or "").strip()
        if value not in _PLACEHOLDERS:
            elem.value = self.context.pseudonym(kind, value) if value else ""

    def patient_name(self, elem: DataElement) -> None:
        # The patient's pseudonym serves as the name, so name and ID agree; without an ID the name is keyed.
        name = str(elem.value or "").strip()
        if self.patient_id.strip():
            elem.value = self.context.pseudonym("patient", self.patient_id.strip())
        elif name:
            elem.value = self.context.pseudonym("patient-name", name)
        else:
            elem.value = ""


def deidentify_dataset(ds: Dataset, *, context: DeidContext, clean_pixel_data: bool = False) -> None:
    """De-identify `ds` in place (not its file meta) and record how (PS3.15 E.1.1, CID 7050).

    `clean_pixel_data`: the caller replaced the pixels (a blanked overview); recorded as 113101.
    """
    _Run(ds, context).dataset(ds)
    ds.PatientIdentityRemoved = "YES"
    options = OPTIONS_USED + (("clean_pixel_data",) if clean_pixel_data else ())
    ds.DeidentificationMethod = [f"{PROFILE_VERSION}: PS3.15 E.1-1 basic profile",
                                 *(OPTION_CODES[o][1] for o in options[1:]),
                                 "Identifiers replaced by keyed pseudonyms"]
    codes = Sequence()
    for option in options:
        item = Dataset()
        item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = (OPTION_CODES[option][0], "DCM",
                                                                         OPTION_CODES[option][1])
        codes.append(item)
    ds.DeidentificationMethodCodeSequence = codes
    ds.LongitudinalTemporalInformationModified = "REMOVED"

