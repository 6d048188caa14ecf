import codecs

from django.core.exceptions import BadRequest


def head_without_body(get_response):
    """Answer HEAD with the GET's headers, Content-Length included, and no body.

    Django's handler leaves the body on; the development server drops it, and
    gunicorn drops it too but logs a warning for every one (uptime monitors and
    link checkers send HEAD all day). Outermost, so it sees every answer: cached
    pages and static files too."""

    def middleware(request):
        response = get_response(request)
        if request.method == "HEAD" and not response.streaming:
            # What the GET would send; a 304 or 204 has no length to announce.
            if response.status_code not in (204, 304):
                response.headers.setdefault(
                    "Content-Length", str(len(response.content))
                )
            response.content = b""
        return response

    return middleware


def text_charset_only(get_response):
    """Refuse a request body whose declared charset is no text encoding.

    Django takes any codec Python knows as a request's charset ("rot13", "base64",
    "zlib") and reading a multipart form in one raised LookupError: a 500, for
    anyone, on the one-click unsubscribe address. Before the CSRF check, which
    reads the form too."""

    def middleware(request):
        charset = request.content_params.get("charset")
        if charset:
            try:
                is_text = codecs.lookup(charset)._is_text_encoding
            except LookupError:
                is_text = True  # unknown: Django reads the body as UTF-8
            if not is_text:
                raise BadRequest(f"The body's charset, {charset!r}, is not a text one.")
        return get_response(request)

    return middleware
