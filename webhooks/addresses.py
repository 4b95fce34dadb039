"""Where a webhook may point: http(s) to a host on the public internet (SSRF guard).

A URL is checked when it is saved and its host is resolved again before every delivery (a
name can be pointed at 127.0.0.1 after it was saved); the delivery then connects to the very
address that was checked (webhooks.transport), so a second lookup cannot swap it.
WEBHOOK_ALLOW_PRIVATE_HOSTS=true lifts the address check (a receiver on the same machine in
development and tests).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UrlRefused(ValueError):
    """The URL may not receive webhooks; str() says why, for the editor."""


def address_is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def url_parts(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL; raises UrlRefused for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UrlRefused(_("Enter a valid URL.")) from None
    if parts.scheme not in ("http", "https"):
        raise UrlRefused(_("The URL must start with https:// or http://."))
    if not parts.hostname:
        raise UrlRefused(_("The URL has no host name."))
    if parts.username or parts.password:
        raise UrlRefused(_("The URL must not hold a user name or password."))
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def host_resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (a literal address is itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UrlRefused(_("The host name does not resolve.")) from None
    found: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in found:
            found.append(address)
    return found


def url_addresses(url: str) -> list[IPAddress]:
    """The addresses a delivery to `url` may connect to; raises UrlRefused when the URL is not
    http(s), does not resolve, or resolves to a loopback, private, link-local, multicast or
    reserved address (unless settings.WEBHOOK_ALLOW_PRIVATE_HOSTS)."""
    _scheme, host, port = url_parts(url)
    addresses = host_resolve(host, port)
    if not addresses:
        raise UrlRefused(_("The host name does not resolve."))
    if not settings.WEBHOOK_ALLOW_PRIVATE_HOSTS and not all(map(address_is_public, addresses)):
        # One private address among public ones is enough to refuse: which one a client
        # picks is not ours to decide.
        raise UrlRefused(_("The URL points at a private or local address."))
    return addresses
