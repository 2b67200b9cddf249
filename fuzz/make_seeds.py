#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets (fuzz/seeds/<target>/) and the
hostile inputs kept as regressions (fuzz/regressions/<target>/): small,
valid files of each format, so the fuzzer starts from inputs that reach
deep into the parsers, and the files that once crashed or exhausted memory.

The .xlsx files are written with openpyxl (pinned by scripts/install-deps.sh)
or by hand with zipfile where the point is a file no writer makes; the .xls
and .ods seeds are tests/fixtures/registers/maestro.*. The bundle seeds
(zip_reader, bundle_verify) are made by `actas bundle export` (see README.md).

Usage: python3 fuzz/make_seeds.py
"""

import datetime as dt
import os
import shutil
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def put(kind, target, name, data):
    folder = os.path.join(HERE, kind, target)
    os.makedirs(folder, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(folder, name), mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
        f.write(data)


HEADER = ["ITEM", "REG SIAF", "ORDEN", "CANTIDAD ADQUIRIDA", "SOFTWARE Y/O LICENCIA DE SOFTWARE",
          "TIPO DE LICENCIA", "UBICACIÓN", "INICIO", "TERMINO", "ESTIMACION VIDA UTIL (MESES)",
          "VALOR ADQUISICION S/", "AMORTIZ. ACUMULADA S/", "SALDO NETO AL 31.12.25 S/", "ESTADO",
          "NOTA CCP", "Mes"]
ROWS = [
    [1, 1043, "OC 0187-2025", 6, "ArcGIS Pro", "Suscripción anual", "DEIN",
     dt.date(2025, 4, 1), dt.date(2026, 3, 31), 12, 39600.0, 29700.0, 9900.0, "Activo", "CCP 1", "Marzo"],
    [2, 219, "OC 0033-2025", 50, "Microsoft 365 E3", "Suscripción anual", "OTI",
     "15/05/2025", "14-may-2026", 12, "S/ 78,000.00", "S/ 48,750.00", "S/ 29,250.00", "Activo", "", ""],
    [3, "", "", "10", "WinRAR", "Perpetua", "OTI", "10 de enero de 2020", "PERPETUA", "",
     "(300.00)", "0", "1.234,50", "Activo", "", ""],
    ["TOTAL", "", "", "", "", "", "", "", "", "", 132150.0, "", "", "", "", ""],
]

# ---------------------------------------------------------------- cells
for i, text in enumerate([
    "15/03/2024\u00a022:30", "92233720368547758.99", "S/ 1,234.50", "15 de marzo de 2024",
    "lunes, 15 de marzo de 2024", "10:30 p. m.", "(150.00)", "1.234,50", "2024-03-15T01:05",
    "PT01H30M00S", "31/02/2026", "US$ 1,200.00", "45366.5", "-",
]):
    put("seeds", "register_cells", f"{i:02}.txt", text)

# ---------------------------------------------------------------- CSV, JSON
csv_rows = [";".join(HEADER)]
for row in ROWS:
    csv_rows.append(";".join(f'"{v}"' if isinstance(v, str) and ";" in v else str(v) for v in row))
put("seeds", "register_csv", "maestro.csv", "Maestro de licencias;;\n;;\n" + "\n".join(csv_rows) + "\n")
put("seeds", "register_csv", "cp1252.csv", "SOFTWARE,T\xc9RMINO,UBICACI\xd3N\r\nAutoCAD,01/01/2027,OTI\r\n".encode("cp1252"))
put("seeds", "register_csv", "custodia.csv",
    "Fecha,Código de cinta,Movimiento,Caja\n2026-03-01,C-0001,entrega,B-01\n02/03/2026,C-0001,retiro,B-01\n")
put("seeds", "register_json", "maestro.json",
    '{"filas": [{"SOFTWARE": "ArcGIS", "UBICACIÓN": "DEIN", "TERMINO": "2026-03-31", '
    '"VALOR ADQUISICION S/": 39600.5, "CANTIDAD ADQUIRIDA": 6}, '
    '{"SOFTWARE": "Office", "UBICACIÓN": "OTI", "TERMINO": "15/05/2026", "VALOR ADQUISICION S/": "S/ 1,234.50"}]}')
put("seeds", "register_json", "lista.json", '[{"software": "A", "termino": "2026-01-01", "ubicacion": "X"}, {"software": null}]')

# ---------------------------------------------------------------- workbooks
try:
    import openpyxl

    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Portada"
    cover["A1"] = "ver la hoja Maestro"
    sheet = book.create_sheet("Maestro 2026")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=16)
    sheet["A1"] = "MAESTRO DE LA OTI DE LICENCIAMIENTO"
    sheet.append([])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    sheet.merge_cells("G4:G5")  # an UBICACIÓN merged down two rows
    path = os.path.join(HERE, "seeds", "register_xlsx", "maestro.xlsx")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    book.save(path)
except ImportError:
    print("openpyxl no está instalado: no se regeneró maestro.xlsx")

for name in ("maestro.xls", "maestro.ods"):
    target = "register_" + name.split(".")[1]
    os.makedirs(os.path.join(HERE, "seeds", target), exist_ok=True)
    shutil.copy(os.path.join(ROOT, "tests", "fixtures", "registers", name),
                os.path.join(HERE, "seeds", target, name))


def zip_bytes(entries):
    import io
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return out.getvalue()


XLSX_PARTS = [
    ("[Content_Types].xml",
     '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
     '<Default Extension="xml" ContentType="application/xml"/>'
     '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
     '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
     '</Types>'),
    ("_rels/.rels",
     '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
     '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
     '</Relationships>'),
    ("xl/workbook.xml",
     '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
     '<sheet name="Hoja1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    ("xl/_rels/workbook.xml.rels",
     '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
     '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
     '</Relationships>'),
]


def xlsx_with_cells(cells, dimension="A1"):
    body = "".join(f'<row r="{r}"><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>'
                   for r, ref, text in cells)
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>')
    return zip_bytes(XLSX_PARTS + [("xl/worksheets/sheet1.xml", sheet)])


# One cell in A1 and one in XFD1048576: calamine would allocate 17 billion cells.
put("regressions", "register_xlsx", "a1-xfd1048576.xlsx",
    xlsx_with_cells([(1, "A1", "SOFTWARE"), (1048576, "XFD1048576", "x")], "A1:XFD1048576"))
put("seeds", "register_xlsx", "inline.xlsx",
    xlsx_with_cells([(1, "A1", "SOFTWARE"), (1, "B1", "TERMINO"), (1, "C1", "UBICACIÓN"),
                     (2, "A2", "Office"), (2, "B2", "15/03/2026"), (2, "C2", "OTI")]))

# An .ods whose one row repeats a million times with a hundred filled cells.
ods_content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               '<table:table table:name="Hoja1"><table:table-row table:number-rows-repeated="1000000">'
               '<table:table-cell table:number-columns-repeated="100" office:value-type="float" office:value="1">'
               '<text:p>1</text:p></table:table-cell></table:table-row></table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
put("regressions", "register_ods", "rows-repeated.ods", zip_bytes([
    ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
    ("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
     'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
     'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
     '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'),
    ("content.xml", ods_content),
]))

# A small container for the ZIP reader (the bundle seeds are made by actas).
put("seeds", "zip_reader", "pequeno.zip", zip_bytes([
    ("mimetype", "application/vnd.etsi.asic-e+zip"),
    ("META-INF/ASiCManifest.xml", "<x/>"),
    ("año.pdf", "%PDF-1.7 " + "x" * 200),
]))

# ---------------------------------------------------------------- manifest
DIGEST = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
put("seeds", "asic_manifest", "manifest.xml",
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<asic:ASiCManifest xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">\n'
    '  <asic:SigReference URI="META-INF/signature.p7s" MimeType="application/x-pkcs7-signature"/>\n'
    '  <asic:DataObjectReference URI="a%C3%B1o%20%26%20%3Craro%3E.csv" MimeType="text/csv">\n'
    '    <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>\n'
    f'    <ds:DigestValue>{DIGEST}</ds:DigestValue>\n'
    '  </asic:DataObjectReference>\n'
    '</asic:ASiCManifest>\n')
put("seeds", "asic_manifest", "default-ns.xml",
    '<ASiCManifest xmlns="http://uri.etsi.org/02918/v1.2.1#" xmlns:x="http://www.w3.org/2000/09/xmldsig#">'
    '<SigReference URI="META-INF/signature.p7s"/><DataObjectReference URI="a.pdf">'
    '<x:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></x:DigestMethod>'
    f'<x:DigestValue>{DIGEST}</x:DigestValue></DataObjectReference></ASiCManifest>')

# ---------------------------------------------------------------- ASN.1
put("seeds", "asn1_round_trip", "tree.bin", bytes(range(0, 256, 3)))
put("seeds", "asn1_round_trip", "cms-like.der",
    bytes.fromhex("3080" "06092a864886f70d010702" "a080" "3003020101" "0000" "0000"))

# ---------------------------------------------------------------- verification
# Signed actas from the verify tests' fixtures (made by pyHanko and Actas,
# tests/fixtures/verify/make.sh; their signers chain to root.pem, which the
# verify_pdf target trusts), and the same acta cut after its first
# revisions: unsigned, one signature, two.
VERIFY = os.path.join(ROOT, "tests", "fixtures", "verify")


def revisions(data, count):
    """The first `count` revisions of a PDF: up to the end of the line after its count-th %%EOF."""
    end = -1
    for _ in range(count):
        end = data.index(b"%%EOF", end + 1)
    end += len(b"%%EOF")
    while end < len(data) and data[end:end + 1] in (b"\r", b"\n"):
        end += 1
    return data[:end]


with open(os.path.join(VERIFY, "signed-5.pdf"), "rb") as f:
    SIGNED = f.read()
for target in ("verify_pdf", "verify_reader"):
    put("seeds", target, "firmado-5.pdf", SIGNED)
    put("seeds", target, "firmado-2.pdf", revisions(SIGNED, 3))
    put("seeds", target, "sin-firmas.pdf", revisions(SIGNED, 1))
    with open(os.path.join(VERIFY, "certified-p1.pdf"), "rb") as f:
        put("seeds", target, "certificado-p1.pdf", f.read())
with open(os.path.join(VERIFY, "encrypted-open.pdf"), "rb") as f:
    put("seeds", "verify_reader", "cifrado.pdf", f.read())
