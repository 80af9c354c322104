"""Small, real PDF and zip files for the demo data and the tests (no fonts or libraries needed)."""

from __future__ import annotations

import io
import zipfile


def minimal_pdf(*lines: str) -> bytes:
    """A valid one-page PDF showing `lines` (ASCII) in Helvetica."""
    text = "".join(
        f"BT /F1 12 Tf 72 {760 - 18 * i} Td ({_escape(line)}) Tj ET\n" for i, line in enumerate(lines)
    ).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"endstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def archive_zip(entries: dict[str, bytes]) -> bytes:
    """A deflated zip with UTF-8 (Chinese) entry names."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def process_archive(report_number: str) -> bytes:
    """A process-control archive as agencies send it: the documents of each step of the evaluation."""
    return archive_zip(
        {
            "01合同/评价合同.pdf": minimal_pdf(f"Contract {report_number}"),
            "02现场勘验/现场勘验记录.pdf": minimal_pdf(f"Site visit record {report_number}"),
            "03内部审核/报告内审记录.pdf": minimal_pdf(f"Internal review {report_number}"),
            "04技术负责人审核/审核意见.pdf": minimal_pdf(f"Technical director review {report_number}"),
        }
    )
