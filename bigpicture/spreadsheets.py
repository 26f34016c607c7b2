"""CSV for spreadsheets: values that people open in Excel or LibreOffice."""


def csv_safe(value: object) -> object:
    """Keep spreadsheet programs from reading a submitted value as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value
