#!/usr/bin/env python3
"""Independent validation of every signature of a PDF with pyHanko's API.

Usage: pyhanko_validate.py FILE.pdf --trust ROOTS.pem [--moment RFC3339]

Prints one JSON document on stdout:
  {"file": ..., "signatures": [{"field", "signer", "intact", "valid",
   "trusted", "coverage", "modification_level", "docmdp_ok", "bottom_line",
   "summary", "suspicious"}, ...]}
Exit status: 0 when the file could be read (whatever the verdicts; the
caller judges them), 2 when pyHanko is missing, 1 when the file cannot be
read as a PDF.

Trust: only the given roots; no network (allow_fetching=False); revocation
is not checked (the test PKI publishes none). `--moment` fixes the
validation time, so results do not depend on today's date.
"""

import argparse
import json
import sys
from datetime import datetime


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("pdf")
    parser.add_argument("--trust", required=True, action="append")
    parser.add_argument("--moment")
    args = parser.parse_args()

    try:
        from pyhanko.keys import load_certs_from_pemder
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.diff_analysis import SuspiciousModification
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext
    except ImportError as e:  # pragma: no cover - environment problem
        print(f"pyHanko no está instalado: {e}", file=sys.stderr)
        return 2

    roots = list(load_certs_from_pemder(args.trust))
    moment = datetime.fromisoformat(args.moment) if args.moment else None

    out = {"file": args.pdf, "signatures": []}
    with open(args.pdf, "rb") as f:
        try:
            reader = PdfFileReader(f, strict=False)
            embedded = list(reader.embedded_signatures)
        except Exception as e:  # noqa: BLE001 - report, don't crash
            print(f"no se pudo leer el PDF: {e}", file=sys.stderr)
            return 1
        for sig in embedded:
            # A fresh context per signature: pyHanko caches path results.
            vc = ValidationContext(
                trust_roots=roots,
                allow_fetching=False,
                moment=moment,
            )
            entry = {"field": sig.field_name}
            try:
                entry["signer"] = sig.signer_cert.subject.native.get("common_name")
            except Exception:  # noqa: BLE001
                entry["signer"] = None
            try:
                status = validate_pdf_signature(sig, signer_validation_context=vc)
            except Exception as e:  # noqa: BLE001
                entry.update(
                    {
                        "error": f"{type(e).__name__}: {e}",
                        "intact": False,
                        "valid": False,
                        "trusted": False,
                        "bottom_line": False,
                    }
                )
                out["signatures"].append(entry)
                continue
            level = status.modification_level
            suspicious = None
            if isinstance(status.diff_result, SuspiciousModification):
                suspicious = str(status.diff_result)
            entry.update(
                {
                    "intact": bool(status.intact),
                    "valid": bool(status.valid),
                    "trusted": bool(status.trusted),
                    "coverage": status.coverage.name if status.coverage else None,
                    "modification_level": level.name if level is not None else None,
                    "docmdp_ok": status.docmdp_ok,
                    "bottom_line": bool(status.bottom_line),
                    "summary": status.summary(),
                    "suspicious": suspicious,
                }
            )
            out["signatures"].append(entry)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
