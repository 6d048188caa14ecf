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
