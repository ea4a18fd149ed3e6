"""Reading inputs and cleaning articles: files in, `RawRecord`s, then cleaned `Document`s.

- `read_inputs(paths, settings)`: files and folders -> RawRecord, or Rejection for a bad input
- `decode_bytes(data, name)`: encoding detection (BOMs, UTF-16/32, UTF-8, Windows-1256, ...)
- `clean_record(record, settings)`: headline, dateline/agency, byline, furniture, date, language
- `detect_language(text)`: baseline script + function-word language identification
"""

from marsad.ingest.clean import clean_record, parse_published
from marsad.ingest.encoding import decode_bytes
from marsad.ingest.language import detect_language
from marsad.ingest.readers import read_file, read_inputs

__all__ = ["clean_record", "decode_bytes", "detect_language", "parse_published", "read_file",
           "read_inputs"]
