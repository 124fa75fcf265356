"""Read the text back out of a PDF's bytes, with the standard library only (what pdftotext does):
inflate the streams, follow each page's fonts to their ToUnicode maps, decode the glyphs, line by line."""

import re
import zlib

_OBJECT_START = re.compile(rb"(\d+) 0 obj\s*")


def _pdf_objects(pdf: bytes) -> tuple[dict[int, bytes], dict[int, bytes]]:
    """Every object's dictionary text (from the file and from object streams), and each stream's data."""
    dictionaries: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    position = 0
    while match := _OBJECT_START.search(pdf, position):
        number, body_start = int(match[1]), match.end()
        end_of_object = pdf.index(b"endobj", body_start)
        stream_keyword = pdf.find(b"stream", body_start, end_of_object)
        if stream_keyword == -1:
            dictionaries[number] = pdf[body_start:end_of_object]
            position = end_of_object
            continue
        dictionary = pdf[body_start:stream_keyword]
        length_match = re.search(rb"/Length (\d+)", dictionary)
        assert length_match is not None
        data_start = pdf.index(b"\n", stream_keyword) + 1
        data = pdf[data_start : data_start + int(length_match[1])]
        if b"/FlateDecode" in dictionary:
            data = zlib.decompress(data)
        dictionaries[number], streams[number] = dictionary, data
        position = pdf.index(b"endobj", data_start + int(length_match[1]))
    for number in [number for number, dictionary in dictionaries.items() if b"/Type /ObjStm" in dictionary]:
        first_match = re.search(rb"/First (\d+)", dictionaries[number])
        assert first_match is not None
        first, data = int(first_match[1]), streams[number]
        header = [int(value) for value in data[:first].split()]
        numbers, offsets = header[0::2], [*header[1::2], len(data) - first]
        for index, contained in enumerate(numbers):
            dictionaries[contained] = data[first + offsets[index] : first + offsets[index + 1]]
    return dictionaries, streams


def _reference(dictionary: bytes, key: bytes) -> int:
    match = re.search(rb"/" + key + rb" (\d+) 0 R", dictionary)
    assert match is not None, f"no {key!r} reference in {dictionary[:200]!r}"
    return int(match[1])


def _to_unicode(cmap: bytes) -> dict[int, str]:
    glyphs: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            glyphs[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            start = bytes.fromhex(text.decode()).decode("utf-16-be")
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                glyphs[code] = start[:-1] + chr(ord(start[-1]) + offset)
    return glyphs


_CONTENT_TOKEN = re.compile(rb"/([^\s/<>\[\]()]+)\s+[\d.]+\s+Tf|\s[-\d.]+\s+(-?[\d.]+)\s+Tm|<([0-9a-fA-F]*)>")


def _pdf_text(pdf: bytes) -> list[str]:
    """The text of every page, one string per printed line, read through the fonts' ToUnicode maps."""
    dictionaries, streams = _pdf_objects(pdf)
    lines: list[str] = []
    pages = [
        dictionary for dictionary in dictionaries.values() if re.search(rb"/Type /Page(?!s)", dictionary)
    ]
    for page in pages:
        resources = dictionaries[_reference(page, b"Resources")]
        font_names = dictionaries[_reference(resources, b"Font")]
        fonts = {
            name.decode(): _to_unicode(streams[_reference(dictionaries[int(number)], b"ToUnicode")])
            for name, number in re.findall(rb"/([^\s/]+) (\d+) 0 R", font_names)
        }
        glyphs: dict[int, str] = {}
        baseline: bytes | None = None
        for font_name, line_position, hex_text in _CONTENT_TOKEN.findall(
            streams[_reference(page, b"Contents")]
        ):
            if font_name:
                glyphs = fonts[font_name.decode()]
            elif line_position:
                if line_position != baseline:
                    lines.append("")
                baseline = line_position
            else:
                codes = bytes.fromhex(hex_text.decode())
                lines[-1] += "".join(
                    glyphs[int.from_bytes(codes[i : i + 2])] for i in range(0, len(codes), 2)
                )
    return lines


def _inflated(pdf: bytes) -> bytes:
    """The whole file with every stream inflated, so that compressed content can be searched."""
    dictionaries, streams = _pdf_objects(pdf)
    return b"\n".join([*dictionaries.values(), *streams.values()])


pdf_text = _pdf_text
