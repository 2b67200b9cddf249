#!/usr/bin/env python3
"""pyHanko's API on the files `cargo bench --bench sign` writes, as the
baseline the issue quotes (pyHanko signs about 8 PDFs per second).

Usage: pyhanko_baseline.py DIR [--n 20] [--verify-n 5] [--json]

DIR is `$CARGO_TARGET_TMPDIR/sign-bench` (printed by the Rust bench); it
holds `bitacora-100k.pdf` (unsigned, ~100 KB), `informe-5-firmas.pdf` (5
signatures) and `pki/` (maria.p12, raiz.pem; password "clave-prueba").

Measured, like the Rust bench: signing the 100 KB PDF's `firma.especialista-is`
field with RSA-2048, PAdES (ETSI.CAdES.detached), the signer loaded once
(pyHanko's API reads the PDF again for each signature: that is how it is
used); and validating all 5 signatures of the informe (integrity, CMS,
chain against the root, difference analysis), per file.
"""

import argparse
import json
import sys
import time
from importlib.metadata import version
from io import BytesIO
from pathlib import Path

PASSWORD = b"clave-prueba"
FIELD = "firma.especialista-is"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--verify-n", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    try:
        from pyhanko.keys import load_cert_from_pemder
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign import fields, signers
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext
    except ImportError as e:
        print(f"pyHanko no está instalado: {e}", file=sys.stderr)
        return 2

    big = (args.dir / "bitacora-100k.pdf").read_bytes()
    informe = (args.dir / "informe-5-firmas.pdf").read_bytes()
    root = load_cert_from_pemder(str(args.dir / "pki" / "raiz.pem"))
    signer = signers.SimpleSigner.load_pkcs12(
        str(args.dir / "pki" / "maria.p12"), passphrase=PASSWORD
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )

    def sign_once() -> bytes:
        writer = IncrementalPdfFileWriter(BytesIO(big), strict=False)
        out = signers.sign_pdf(writer, meta, signer=signer)
        return out.getvalue()

    signed = sign_once()  # warm-up, and a sanity check below
    start = time.perf_counter()
    for _ in range(args.n):
        sign_once()
    sign_s = time.perf_counter() - start

    def verify_once() -> list:
        reader = PdfFileReader(BytesIO(informe), strict=False)
        results = []
        for sig in reader.embedded_signatures:
            vc = ValidationContext(trust_roots=[root], allow_fetching=False)
            results.append(validate_pdf_signature(sig, signer_validation_context=vc))
        return results

    statuses = verify_once()
    assert len(statuses) == 5 and all(s.bottom_line for s in statuses), statuses
    start = time.perf_counter()
    for _ in range(args.verify_n):
        verify_once()
    verify_s = time.perf_counter() - start

    check = PdfFileReader(BytesIO(signed), strict=False).embedded_signatures
    assert len(check) == 1 and check[0].field_name == FIELD

    result = {
        "pyhanko": version("pyHanko"),
        "pdf_bytes": len(big),
        "signatures": args.n,
        "sign_per_s": args.n / sign_s,
        "verifications": args.verify_n,
        "verify_ms": verify_s * 1000 / args.verify_n,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"pyHanko {result['pyhanko']}: firma de un PDF de "
            f"{len(big) / 1024:.1f} KB: {result['sign_per_s']:.1f} firmas/s "
            f"({args.n} firmas); verificar 5 firmas: {result['verify_ms']:.1f} ms "
            f"por archivo ({args.verify_n} archivos)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
