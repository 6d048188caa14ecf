"""Workbooks changed where no spreadsheet program would: in their sheet's XML."""

import io
import zipfile


def sheet_xml_changed(workbook, change):
    """`workbook` (bytes) with `change` (bytes to bytes) made to its first sheet's
    XML, inside a zip that is itself sound."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/"))
    parts[sheet] = change(parts[sheet])
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return packed.getvalue()
