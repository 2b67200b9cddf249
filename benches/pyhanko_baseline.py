#!/usr/bin/env python3
"""pyHanko's API on the files `cargo bench --bench sign` writes, as the
baseline the issue quotes (pyHanko signs about 8 PDFs per second).

Usage: pyhanko_baseline.py DIR [--n 20] [--verify-n 5] [--tsa URL] [--json]

DIR is `$CARGO_TARGET_TMPDIR/sign-bench` (printed by the Rust bench); it
holds `bitacora-100k.pdf` (unsigned, ~100 KB), `informe-5-firmas.pdf` (5
signatures) and `pki/` (maria.p12, raiz.pem; password "clave-prueba").

Measured, like the Rust bench: signing the 100 KB PDF's `firma.especialista-is`
field with RSA-2048, PAdES (ETSI.CAdES.detached), the signer loaded once
(pyHanko's API reads the PDF again for each signature: that is how it is
used); and validating all 5 signatures of the informe (integrity, CMS,
chain against the root, difference analysis), per file.

With --tsa (the bench's loopback TSA), also pyHanko's figures for the
level benchmarks: B-T signing of the same PDF with `pki-ltv/maria.p12`
(signature time-stamp from the TSA), and the B-LTA extension of
`informe-5-firmas-bt.pdf` (validation info for its 5 signatures fetched
from the same OCSP/CRL services, then a document time-stamp), per file.
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
    parser.add_argument("--tsa")
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

    levels = levels_baseline(args) if args.tsa else {}
    if args.tsa and not levels:
        return 1

    result = {
        **levels,
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


def levels_baseline(args) -> dict:
    """pyHanko B-T signing and B-LTA extension with the bench's services."""
    import asyncio

    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper
    from pyhanko.sign.validation.dss import async_add_validation_info
    from pyhanko_certvalidator import ValidationContext

    big = (args.dir / "bitacora-100k.pdf").read_bytes()
    informe = (args.dir / "informe-5-firmas-bt.pdf").read_bytes()
    root = load_cert_from_pemder(str(args.dir / "pki-ltv" / "raiz-ltv.pem"))
    signer = signers.SimpleSigner.load_pkcs12(
        str(args.dir / "pki-ltv" / "maria.p12"), passphrase=PASSWORD
    )
    timestamper = HTTPTimeStamper(args.tsa)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )

    def sign_bt() -> bytes:
        writer = IncrementalPdfFileWriter(BytesIO(big), strict=False)
        pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper)
        return pdf_signer.sign_pdf(writer).getvalue()

    sign_bt()
    n = max(args.n // 2, 5)
    start = time.perf_counter()
    for _ in range(n):
        sign_bt()
    bt_s = time.perf_counter() - start

    async def extend_once() -> bytes:
        # One event loop per extension: pyHanko's fetchers live in it.
        data = informe
        vc = ValidationContext(trust_roots=[root], allow_fetching=True)
        for i in range(5):
            reader = PdfFileReader(BytesIO(data), strict=False)
            sig = reader.embedded_signatures[i]
            out = await async_add_validation_info(sig, vc, skip_timestamp=False)
            data = out.getvalue()
        writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
        out = await signers.PdfTimeStamper(timestamper).async_timestamp_pdf(
            writer, "sha256", validation_context=vc, in_place=False
        )
        return out.getvalue()

    def extend_lta() -> bytes:
        return asyncio.run(extend_once())

    extend_lta()
    m = max(args.verify_n, 3)
    start = time.perf_counter()
    for _ in range(m):
        extend_lta()
    lta_s = time.perf_counter() - start
    return {"bt_sign_per_s": n / bt_s, "lta_extend_ms": lta_s * 1000 / m}


if __name__ == "__main__":
    sys.exit(main())
