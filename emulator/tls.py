"""TLS for clients whose scheme is hard-coded https: a throwaway CA and a server certificate made at start."""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import ssl
import tempfile
from pathlib import Path
from typing import Iterable

import attrs
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_HOSTS = ("127.0.0.1", "localhost", "::1")
CA_FILE = "ca.pem"
CERT_FILE = "server.pem"
KEY_FILE = "server-key.pem"
VALIDITY = datetime.timedelta(days=30)


@attrs.frozen
class TlsMaterial:
    """Where the PEM files are and the server context that uses them."""

    directory: Path
    ca_path: Path
    cert_path: Path
    key_path: Path
    context: ssl.SSLContext
    temporary: bool = False  # a directory made for this material alone, removed by discard()

    def discard(self) -> None:
        """Remove a temporary directory and its files (the key among them); a directory the user named stays."""
        if self.temporary:
            shutil.rmtree(self.directory, ignore_errors=True)

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts only this emulator's CA."""
        return ssl.create_default_context(cafile=str(self.ca_path))


def generate(directory: str | Path | None = None, hosts: Iterable[str] = DEFAULT_HOSTS) -> TlsMaterial:
    """Make a CA and a server certificate for `hosts`, write them to `directory` and load a server context."""
    temporary = directory is None
    folder = Path(tempfile.mkdtemp(prefix="sms-emulator-tls-")) if temporary else Path(directory)
    try:
        return write_material(folder, tuple(hosts), temporary)
    except BaseException:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
        raise


def write_material(folder: Path, hosts: tuple[str, ...], temporary: bool) -> TlsMaterial:
    """The PEM files for clients to trust, and a server context loaded from them."""
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = certificate_authority(ca_key, now)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = server_certificate(server_key, ca_key, ca_cert, hosts, now)
    ca_path, cert_path, key_path = folder / CA_FILE, folder / CERT_FILE, folder / KEY_FILE
    ca_path.write_bytes(pem(ca_cert))
    cert_path.write_bytes(pem(server_cert) + pem(ca_cert))
    write_private(key_path, server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert_path), str(key_path))
    return TlsMaterial(folder, ca_path, cert_path, key_path, context, temporary)


def certificate_authority(key: ec.EllipticCurvePrivateKey, now: datetime.datetime) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sms-emulator test CA")])
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def server_certificate(key: ec.EllipticCurvePrivateKey, ca_key: ec.EllipticCurvePrivateKey,
                       ca_cert: x509.Certificate, hosts: tuple[str, ...], now: datetime.datetime) -> x509.Certificate:
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca_cert.subject).public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=True, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([san(h) for h in hosts]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def san(host: str) -> x509.GeneralName:
    """An IP address entry for addresses (clients match IPs only against those), a DNS entry otherwise."""
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def write_private(path: Path, data: bytes) -> None:
    """The key file is readable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
