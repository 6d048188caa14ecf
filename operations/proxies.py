"""The visitor's address behind the site's reverse proxies, and the client it
stands for: one rule for the admin's sign-in lockout (django-axes) and the
newsletter's signup limit."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The address the nearest trusted proxy saw.

    With TRUSTED_PROXY_COUNT = N reverse proxies in front of the site, it is the
    N-th entry from the right of X-Forwarded-For: each proxy appends the address it
    saw, and entries further left are whatever the client sent. With none, or a
    request that did not pass through them all, it is REMOTE_ADDR.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [entry.strip() for entry in header.split(",")] if header else []
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_network(request):
    """The client as limits count it, written as an address: an IPv4 one as seen;
    an IPv6 one by its /64 (the first address of the block a single host or home
    is given, and may use any address of); one standing for an IPv4 client (NAT64,
    6to4, Teredo) by that client's address."""
    seen = client_ip(request)
    try:
        address = ipaddress.ip_address(seen)
    except ValueError:  # what a proxy wrote instead ("unknown"): counted as it is
        return seen
    if address.version == 4:
        return seen
    if embedded := _ipv4_within(address):
        return str(embedded)
    return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)


# IPv6 blocks whose addresses carry an IPv4 client's in their last 32 bits: NAT64's
# well-known prefix (RFC 6052) and SIIT (RFC 6145). Counted by /64, every IPv4
# visitor behind such a gateway shared one count. (The local-use 64:ff9b:1::/48 of
# RFC 8215 may place it elsewhere: counted by /64.)
IPV4_TRANSLATION_BLOCKS = [
    ipaddress.ip_network(block) for block in ("64:ff9b::/96", "::ffff:0:0:0/96")
]


def _ipv4_within(address):
    """The IPv4 client an IPv6 address stands for, or None."""
    if address.ipv4_mapped:  # an IPv4 client seen through an IPv6 socket
        return address.ipv4_mapped
    if address.sixtofour:  # 6to4
        return address.sixtofour
    if address.teredo:  # Teredo: (server, client)
        return address.teredo[1]
    if any(address in block for block in IPV4_TRANSLATION_BLOCKS):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
