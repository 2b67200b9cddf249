#!/usr/bin/env python3
"""Independent validation of every signature of a PDF with pyHanko's API.

Usage: pyhanko_validate.py FILE.pdf --trust ROOTS.pem [--moment RFC3339] [--ltv]

Prints one JSON document on stdout:
  {"file": ..., "signatures": [{"field", "signer", "intact", "valid",
   "trusted", "coverage", "modification_level", "docmdp_ok", "bottom_line",
   "summary", "suspicious", "timestamp_trusted", "timestamp_time",
   "doc_timestamp"}, ...]}
With --ltv, each signature (not the document time-stamps) is also
validated for the long term, offline, with revocation checked for every
certificate that declares where its status is published:
- with document time-stamps (B-LTA), by pyHanko's AdES LTA validation
  (ETSI EN 319 102-1 §5.6.3, `ades_lta_validation`), revocation data only
  from the document (LOCAL_ONLY); with --moment, pyHanko's check that the
  document still validates then on the evidence it holds now
  (`simulate_future_ades_lta_validation`: after the signers' certificates
  expired, assuming the archive time-stamps are renewed in time);
- without (B-LT), by pyHanko's signature validation with a context built
  from the document's DSS alone (no fetching, revocation "hard-fail").
"ltv" is {"mode", "ok", "subindication", "failure", "oldest_evidence"}.
Exit status: 0 when the file could be read (whatever the verdicts; the
caller judges them), 2 when pyHanko is missing, 1 when the file cannot be
read as a PDF.

Trust: only the given roots; no network (allow_fetching=False); outside
--ltv revocation is not checked. `--moment` fixes the validation time, so
results do not depend on today's date (with --ltv: "far in the future",
after the signers' certificates expired).
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
    parser.add_argument("--ltv", action="store_true")
    args = parser.parse_args()

    try:
        from pyhanko.keys import load_certs_from_pemder
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.diff_analysis import SuspiciousModification
        from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
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
            is_doc_ts = sig.sig_object.get("/Type") == "/DocTimeStamp"
            try:
                if is_doc_ts:
                    status = validate_pdf_timestamp(sig, validation_context=vc)
                else:
                    status = validate_pdf_signature(sig, signer_validation_context=vc)
            except Exception as e:  # noqa: BLE001
                entry.update(
                    {
                        "error": f"{type(e).__name__}: {e}",
                        "intact": False,
                        "valid": False,
                        "trusted": False,
                        "bottom_line": False,
                        "doc_timestamp": is_doc_ts,
                    }
                )
                out["signatures"].append(entry)
                continue
            ts = getattr(status, "timestamp_validity", None)
            entry["timestamp_trusted"] = bool(ts.trusted) if ts is not None else None
            entry["timestamp_time"] = ts.timestamp.isoformat() if ts is not None else None
            entry["doc_timestamp"] = is_doc_ts
            if args.ltv and not entry["doc_timestamp"]:
                has_doc_ts = any(
                    s.sig_object.get("/Type") == "/DocTimeStamp" for s in embedded
                )
                if has_doc_ts:
                    entry["ltv"] = ltv_validate(sig, roots, moment)
                else:
                    entry["ltv"] = dss_validate(reader, sig, roots, moment)
            level = getattr(status, "modification_level", None)
            suspicious = None
            if isinstance(getattr(status, "diff_result", None), SuspiciousModification):
                suspicious = str(status.diff_result)
            entry.update(
                {
                    "intact": bool(status.intact),
                    "valid": bool(status.valid),
                    "trusted": bool(status.trusted),
                    "coverage": status.coverage.name if getattr(status, "coverage", None) else None,
                    "modification_level": level.name if level is not None else None,
                    "docmdp_ok": getattr(status, "docmdp_ok", None),
                    "bottom_line": bool(
                        getattr(status, "bottom_line", status.intact and status.valid and status.trusted)
                    ),
                    "summary": status.summary(),
                    "suspicious": suspicious,
                }
            )
            out["signatures"].append(entry)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


def dss_validate(reader, sig, roots, moment):
    """The signature against the DSS alone: every certificate's revocation
    data must be in the document (PAdES B-LT)."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    try:
        dss = DocumentSecurityStore.read_dss(reader)
        kwargs = {
            "trust_roots": roots,
            "allow_fetching": False,
            "revocation_mode": "hard-fail",
        }
        if moment is not None:
            kwargs["moment"] = moment
        vc = dss.as_validation_context(kwargs)
        ts_vc = dss.as_validation_context(dict(kwargs))
        status = validate_pdf_signature(
            sig, signer_validation_context=vc, ts_validation_context=ts_vc
        )
    except Exception as e:  # noqa: BLE001 - report, don't crash
        return {"mode": "dss", "ok": False, "subindication": None, "failure": f"{type(e).__name__}: {e}"}
    ts = status.timestamp_validity
    ok = bool(status.bottom_line) and ts is not None and bool(ts.trusted)
    return {
        "mode": "dss",
        "ok": ok,
        "subindication": status.summary(),
        "failure": None if ok else status.summary(),
        "oldest_evidence": None,
    }


def ltv_validate(sig, roots, moment):
    """pyHanko's AdES LTA validation of one signature, offline."""
    import asyncio
    from datetime import timezone

    from pyhanko.sign.validation.ades import (
        ades_lta_validation,
        simulate_future_ades_lta_validation,
    )
    from pyhanko.sign.validation.policy_decl import (
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )
    from pyhanko_certvalidator.registry import SimpleTrustManager

    rule = RevocationCheckingRule.CHECK_IF_DECLARED
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=roots),
        revinfo_policy=CertRevTrustPolicy(
            RevocationCheckingPolicy(
                ee_certificate_rule=rule, intermediate_ca_cert_rule=rule
            )
        ),
    )
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )
    try:
        if moment is None:
            result = asyncio.run(ades_lta_validation(sig, spec))
        else:
            when = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
            result = asyncio.run(
                simulate_future_ades_lta_validation(sig, spec, future_validation_time=when)
            )
    except Exception as e:  # noqa: BLE001 - report, don't crash
        return {"mode": "ades-lta", "ok": False, "subindication": None, "failure": f"{type(e).__name__}: {e}"}
    sub = result.ades_subindic
    oldest = getattr(result, "oldest_evidence_record_timestamp", None)
    return {
        "mode": "ades-lta",
        "ok": getattr(sub, "status", None) is not None and sub.status.name == "PASSED",
        "subindication": str(sub),
        "failure": result.failure_msg,
        "oldest_evidence": oldest.isoformat() if oldest else None,
    }


if __name__ == "__main__":
    sys.exit(main())
