"""Running the site: the health check, the 500/503 page, the read-only mark of
public pages, the client address behind proxies and the JSON log format."""
