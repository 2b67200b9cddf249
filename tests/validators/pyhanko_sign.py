#!/usr/bin/env python3
"""Signs and extends PDFs with pyHanko's API, for the verification tests.

An independent signer: the files it writes are the «made elsewhere» side
of the corpus in tests/verify_attacks.rs (clean ones Actas must accept, and
the sneaky-signature attack it must refuse).

Usage (PKCS#12 files of the test PKI, password from ACTAS_P12_PASSWORD):
  pyhanko_sign.py approve IN OUT --field NAME --p12 FILE
      sign an existing empty field (PAdES, ETSI.CAdES.detached)
  pyhanko_sign.py new-field IN OUT --field NAME --box PAGE/X1,Y1,X2,Y2 --p12 FILE
      create a signature field (visible when the box has area) and sign it
  pyhanko_sign.py certify IN OUT --field NAME --p12 FILE [--docmdp 1|2|3]
      certification signature (DocMDP P, default 2) in an existing field
  pyhanko_sign.py fill IN OUT --field NAME --value TEXT
      fill a text field (value and appearance) as an incremental update
  pyhanko_sign.py dss IN OUT --trust ROOT.pem
      add a DSS with the certificates of every signature (no revocation
      data: the test PKI publishes none) as an incremental update

Exit status: 0 written, 1 pyHanko refused, 2 pyHanko missing.
"""

import argparse
import os
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["approve", "new-field", "certify", "fill", "dss"])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--field")
    parser.add_argument("--box")
    parser.add_argument("--p12")
    parser.add_argument("--docmdp", type=int, default=2)
    parser.add_argument("--value")
    parser.add_argument("--trust")
    args = parser.parse_args()

    try:
        from pyhanko.pdf_utils import generic
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
        from pyhanko.sign.fields import MDPPerm
    except ImportError as e:  # pragma: no cover - environment problem
        print(f"pyHanko no está instalado: {e}", file=sys.stderr)
        return 2

    with open(args.input, "rb") as inf:
        writer = IncrementalPdfFileWriter(inf, strict=False)

        if args.action in ("approve", "new-field", "certify"):
            password = os.environ.get("ACTAS_P12_PASSWORD", "").encode()
            signer = signers.SimpleSigner.load_pkcs12(args.p12, passphrase=password)
            if signer is None:
                print("no se pudo leer el PKCS#12", file=sys.stderr)
                return 1
            if args.action == "new-field":
                page, box = args.box.split("/")
                x1, y1, x2, y2 = (int(v) for v in box.split(","))
                fields.append_signature_field(
                    writer,
                    fields.SigFieldSpec(
                        sig_field_name=args.field,
                        on_page=int(page) - 1,
                        box=(x1, y1, x2, y2),
                    ),
                )
            meta = signers.PdfSignatureMetadata(
                field_name=args.field,
                subfilter=fields.SigSeedSubFilter.PADES,
                certify=args.action == "certify",
                docmdp_permissions=MDPPerm(args.docmdp),
            )
            with open(args.output, "wb") as out:
                signers.PdfSigner(meta, signer=signer).sign_pdf(writer, output=out)
            return 0

        if args.action == "fill":
            form = writer.root["/AcroForm"]
            target = None
            for ref in form["/Fields"]:
                field = ref.get_object()
                if field.get("/T") == args.field:
                    target = ref
            if target is None:
                print(f"no hay un campo «{args.field}»", file=sys.stderr)
                return 1
            field = target.get_object()
            rect = [float(v) for v in field["/Rect"]]
            width, height = rect[2] - rect[0], rect[3] - rect[1]
            content = f"/Tx BMC BT /Helv 10 Tf 2 4 Td ({args.value}) Tj ET EMC".encode()
            appearance = generic.StreamObject(
                {
                    generic.NameObject("/Type"): generic.NameObject("/XObject"),
                    generic.NameObject("/Subtype"): generic.NameObject("/Form"),
                    generic.NameObject("/BBox"): generic.ArrayObject(
                        [generic.FloatObject(0), generic.FloatObject(0),
                         generic.FloatObject(width), generic.FloatObject(height)]
                    ),
                },
                stream_data=content,
            )
            field[generic.NameObject("/V")] = generic.TextStringObject(args.value)
            field[generic.NameObject("/AP")] = generic.DictionaryObject(
                {generic.NameObject("/N"): writer.add_object(appearance)}
            )
            writer.update_container(field)
            with open(args.output, "wb") as out:
                writer.write(out)
            return 0

        if args.action == "dss":
            from pyhanko.keys import load_certs_from_pemder
            from pyhanko.sign.validation import DocumentSecurityStore

            certs = []
            for sig in writer.prev.embedded_signatures:
                certs.extend(c.chosen for c in sig.signed_data["certificates"])
            certs.extend(load_certs_from_pemder([args.trust]))
            # No VRI (sig_contents None): one DSS for the whole document.
            DocumentSecurityStore.supply_dss_in_writer(writer, None, certs=certs)
            with open(args.output, "wb") as out:
                writer.write(out)
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
