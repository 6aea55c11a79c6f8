"""Open a .docx package safely (zip-bomb and encryption checks) and read its styles, fonts and numbering."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from extractors.base import ExtractionError, Limits

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


class CorruptDocx(ExtractionError):
    """Our reader could not read the package; the second reader (python-docx) is asked before it is
    refused."""


def is_encrypted_office(data: bytes) -> bool:
    """An OOXML file saved with a password is an OLE container holding an 'EncryptedPackage' stream."""
    return data[:8] == OLE_MAGIC and _ENCRYPTED_MARK in data


class DocxPackage:
    """The parts of one .docx, read with a cap on the inflated size."""

    def __init__(self, data: bytes, limits: Limits) -> None:
        if is_encrypted_office(data):
            raise ExtractionError("password-protected (encrypted) Word document")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as err:
            raise CorruptDocx(f"corrupt .docx: not a readable zip package ({err})") from err
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_unzipped_bytes:
            raise ExtractionError(
                f"zip bomb refused: .docx declares {declared} bytes unpacked (limit "
                f"{limits.max_unzipped_bytes})"
            )
        self._budget = limits.max_unzipped_bytes
        self._names = {i.filename for i in infos}
        if "word/document.xml" not in self._names:
            raise CorruptDocx("corrupt .docx: no word/document.xml")

    def read(self, name: str) -> bytes | None:
        """The inflated bytes of one part, counted against the unpacked-size budget."""
        if name not in self._names:
            return None
        chunks: list[bytes] = []
        try:
            with self._zip.open(name) as fh:
                while chunk := fh.read(1 << 16):
                    self._budget -= len(chunk)
                    if self._budget < 0:
                        raise ExtractionError("zip bomb refused: .docx inflates past the unpacked-size limit")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as err:
            raise CorruptDocx(f"corrupt .docx: cannot inflate {name} ({err})") from err
        return b"".join(chunks)

    def xml(self, name: str) -> etree._Element | None:
        raw = self.read(name)
        return None if raw is None else self.parse(name, raw)

    @staticmethod
    def parse(name: str, raw: bytes) -> etree._Element | None:
        if not raw:
            return None
        try:
            return etree.fromstring(raw, _PARSER)
        except etree.XMLSyntaxError as err:
            raise CorruptDocx(f"corrupt .docx: {name} is not well-formed XML ({err})") from err

    def related(self, rel_type_suffix: str) -> list[str]:
        """Targets of word/document.xml relationships whose type ends with `rel_type_suffix` ('/header')."""
        rels = self.xml("word/_rels/document.xml.rels")
        if rels is None:
            return []
        out = []
        for rel in rels.iter(f"{REL}Relationship"):
            if rel.get("Type", "").endswith(rel_type_suffix) and rel.get("TargetMode") != "External":
                target = rel.get("Target", "").lstrip("/")
                out.append(target if target.startswith("word/") else "word/" + target)
        return out


def _style_snippets(raw: bytes, wanted: set[str]) -> list[bytes]:
    """docDefaults and the <w:style> blocks of `wanted` and of the styles they are based on, as raw bytes."""
    snippets = []
    m = re.search(rb"<w:docDefaults>.*?</w:docDefaults>", raw, re.S)
    if m:
        snippets.append(m.group(0))
    todo, done = list(wanted), set()
    while todo:
        sid = todo.pop()
        if sid in done:
            continue
        done.add(sid)
        block = re.search(
            rb'<w:style\b[^>]*w:styleId="' + re.escape(sid.encode()) + rb'".*?</w:style>', raw, re.S
        )
        if block:
            snippets.append(block.group(0))
            base = re.search(rb'<w:basedOn w:val="([^"]+)"', block.group(0))
            if base:
                todo.append(base.group(1).decode())
    return snippets


def _fonts(rpr: etree._Element | None) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(f"{W}rFonts")
    if fonts is None:
        return None
    name: str | None = fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi") or fonts.get(f"{W}cs")
    return name


@dataclass
class Styles:
    """Fonts and numbering inherited from styles.xml: docDefaults, paragraph and character styles."""

    default_font: str | None = None
    font: dict[str, str | None] = field(default_factory=dict)  # styleId → font (after basedOn)
    num: dict[str, tuple[str, int]] = field(default_factory=dict)  # styleId → (numId, ilvl)
    default_para: str | None = None  # the paragraph style of paragraphs that name none ('Normal')

    @classmethod
    def parse(cls, root: etree._Element | None) -> Styles:
        styles = cls()
        if root is None:
            return styles
        defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        styles.default_font = _fonts(defaults)
        based: dict[str, str] = {}
        for st in root.iter(f"{W}style"):
            sid = st.get(f"{W}styleId")
            if not sid:
                continue
            base = st.find(f"{W}basedOn")
            if base is not None:
                based[sid] = base.get(f"{W}val", "")
            styles.font[sid] = _fonts(st.find(f"{W}rPr"))
            numpr = st.find(f"{W}pPr/{W}numPr")
            if numpr is not None:
                nid = numpr.find(f"{W}numId")
                lvl = numpr.find(f"{W}ilvl")
                if nid is not None:
                    styles.num[sid] = (
                        nid.get(f"{W}val", "0"),
                        int(lvl.get(f"{W}val", "0")) if lvl is not None else 0,
                    )
        for sid in list(styles.font):
            seen, cur = set(), sid
            while styles.font.get(cur) is None and cur in based and cur not in seen:
                seen.add(cur)
                cur = based[cur]
            styles.font[sid] = styles.font.get(cur)
        return styles

    @classmethod
    def from_raw(cls, raw: bytes, wanted: set[str]) -> Styles:
        """Read only docDefaults and the styles `wanted` (with their basedOn chains) out of styles.xml.

        styles.xml is often 300+ KB of latent styles; cutting out the few referenced blocks is ~20× faster
        than parsing it. The cut-out blocks are wrapped in the file's own root tag, so the prefixes it
        declares
        (w14, mc …) stay bound. A shortcut must never refuse what the full parse reads: when the cut-out text
        is not well-formed, or the file does not use the usual 'w:' prefix, the whole file is parsed.
        """
        if not raw:
            return cls()
        root_tag = re.search(rb"<w:styles\b[^>]*>", raw[:8192])
        if root_tag is None:
            return cls.parse(DocxPackage.parse("word/styles.xml", raw))
        default = re.search(rb'<w:style w:type="paragraph" w:default="1" w:styleId="([^"]+)"', raw)
        if default:
            wanted = wanted | {default.group(1).decode()}
        xml = root_tag.group(0) + b"".join(_style_snippets(raw, wanted)) + b"</w:styles>"
        try:
            styles = cls.parse(etree.fromstring(xml, _PARSER))
        except etree.XMLSyntaxError:
            styles = cls.parse(DocxPackage.parse("word/styles.xml", raw))
        styles.default_para = default.group(1).decode() if default else None
        return styles

    def run_font(self, rpr: etree._Element | None, para_style: str | None) -> str | None:
        own = _fonts(rpr)
        if own:
            return own
        if rpr is not None:
            rstyle = rpr.find(f"{W}rStyle")
            if rstyle is not None and self.font.get(rstyle.get(f"{W}val", "")):
                return self.font[rstyle.get(f"{W}val", "")]
        para_style = para_style or self.default_para
        if para_style and self.font.get(para_style):
            return self.font[para_style]
        return self.default_font
