"""marsad's errors: every one carries a stable code, a message naming what is wrong, and a hint.

Readers raise `InputError` for one bad input; the pipeline turns it into a `Rejection` record and
goes on with the rest. `UsageError` is for wrong arguments (CLI exit code 2).
"""

from __future__ import annotations


class MarsadError(Exception):
    """Base class: `code` is stable for scripts, `hint` says how to fix the problem."""

    code = "E_MARSAD"
    http_status = 500

    def __init__(self, message: str, hint: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InputError(MarsadError):
    """One input (file, record, line) cannot be read as an article."""

    code = "E_INPUT"
    http_status = 422

    def __init__(self, input_name: str, message: str, hint: str | None = None, *,
                 code: str | None = None) -> None:
        super().__init__(f"{input_name}: {message}", hint, code=code)
        self.input_name = input_name
        self.reason = message


class UsageError(MarsadError):
    """The command or API was called wrongly (bad argument, missing path)."""

    code = "E_USAGE"
    http_status = 400


class QueryError(UsageError):
    """A search query that cannot be run: empty, an unbalanced quote, a bad date or filter."""

    code = "E_QUERY"
    http_status = 422


class StoreError(MarsadError):
    """The embedded store cannot be opened or written."""

    code = "E_STORE"
    http_status = 500


class ModelError(MarsadError):
    """A shipped model file is missing or unreadable (a broken install)."""

    code = "E_MODEL"
    http_status = 500


# What the last-resort handler asks for when marsad itself fails (a bug, never the input's fault).
REPORT_HINT = ("please report it on the marsad issue tracker with this line "
               "(MARSAD_DEBUG=1 shows the traceback)")

# Stable codes for rejected inputs; tests and scripts match on these.
E_EMPTY = "E_EMPTY"                 # file or record has no text
E_BINARY = "E_BINARY"               # not text (NUL bytes, image, archive...)
E_ENCODING = "E_ENCODING"           # bytes could not be decoded with any supported encoding
E_NO_ARTICLE = "E_NO_ARTICLE"       # HTML page without a main text
E_JSON = "E_JSON"                   # malformed JSON document or JSON Lines line
E_TOO_LARGE = "E_TOO_LARGE"         # above max_record_bytes / max_file_bytes / max_article_chars
E_NOT_FOUND = "E_NOT_FOUND"         # path does not exist
E_UNREADABLE = "E_UNREADABLE"       # exists but cannot be opened or read (permissions, I/O error)
E_NOT_REGULAR = "E_NOT_REGULAR"     # a FIFO, socket or device: never opened (it could block)
E_LINK = "E_LINK"                   # a dangling symlink or a symlink loop
E_ARCHIVE = "E_ARCHIVE"             # a broken archive, or one above the member/size/ratio limits
E_UNSUPPORTED = "E_UNSUPPORTED"     # file type marsad does not read
E_FEED = "E_FEED"                   # an RSS/Atom document that cannot be parsed, or a feed URL
                                    # that cannot be fetched
E_WARC = "E_WARC"                   # a WARC file that is broken or holds no HTML page
E_LANGUAGE = "E_LANGUAGE"         # the article is not in an accepted language (Arabic)
E_DUPLICATE_ID = "E_DUPLICATE_ID"   # two different articles claim the same id
E_STAGE = "E_STAGE"                 # a pipeline stage failed on this article (a bug: report it)

# Codes of the HTTP API (marsad serve) besides the ones above (E_NOT_FOUND, E_USAGE, E_JSON,
# E_TOO_LARGE keep their meaning there).
E_USAGE = "E_USAGE"                 # a bad parameter (HTTP 422), as UsageError on the command line
E_AUTH = "E_AUTH"                   # a write without the right `Authorization: Bearer` token
E_READ_ONLY = "E_READ_ONLY"         # a write to a server started without a token (writes off)
E_UNAVAILABLE = "E_UNAVAILABLE"     # a part of marsad this install lacks (search, exports)
E_INTERNAL = "E_INTERNAL"           # marsad itself failed (a bug: report it)
