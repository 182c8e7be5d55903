#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) for gentle's email tests.

Listens on loopback, prints "READY <port>" on stdout (and writes the port to --ready-file, when
given) once it accepts connections, and writes
every accepted message to --save-dir as NNNN.eml (the bytes as received, dot-transparency
undone) plus NNNN.json: the envelope, the session (TLS, AUTH user), and what Python's `email`
package (policy=default) makes of the message: decoded headers, parts, and every defect found.

Modes:
  --tls {none,starttls,implicit}   with --cert/--key for the server certificate
  --auth USER:PASSWORD             offer AUTH PLAIN/LOGIN (only after TLS) and require it
  --reject CODE                    answer every DATA with CODE and --reject-text
  --stall-data N                   for the first N messages, never answer after the data
                                   (writes stalled-K markers to --save-dir and drops them)
Stops on SIGTERM or SIGINT.
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def analyse(raw: bytes) -> dict:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    defects = [f"message: {type(d).__name__}: {d}" for d in message.defects]
    headers = {}
    for name, value in message.items():
        header_defects = getattr(value, "defects", ())
        defects += [f"header {name}: {type(d).__name__}: {d}" for d in header_defects]
        headers.setdefault(name.lower(), []).append(str(value))
    parts = []
    for part in message.walk():
        defects += [f"part {part.get_content_type()}: {type(d).__name__}: {d}" for d in part.defects]
        if part.is_multipart():
            continue
        entry = {
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transfer_encoding": part.get("Content-Transfer-Encoding", ""),
        }
        try:
            entry["content"] = part.get_content()
        except Exception as error:  # noqa: BLE001 - reported to the test as a defect
            defects.append(f"part {part.get_content_type()}: cannot decode: {error}")
        parts.append(entry)
    lines = raw.split(b"\r\n")
    return {
        "headers": headers,
        "subject": str(message["subject"]) if message["subject"] is not None else None,
        "content_type": message.get_content_type(),
        "parts": parts,
        "defects": defects,
        "max_line_octets": max((len(line) for line in lines), default=0),
        "bare_line_feeds": raw.replace(b"\r\n", b"").count(b"\n"),
        "bare_carriage_returns": raw.replace(b"\r\n", b"").count(b"\r"),
        "non_ascii_octets": sum(1 for b in raw if b > 0x7F),
    }


def write_atomically(path: str, data: bytes) -> None:
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(temporary, path)


class Handler:
    def __init__(self, args):
        self.args = args
        self.saved = 0
        self.stalls_left = args.stall_data
        self.stalled = 0

    async def handle_DATA(self, server, session, envelope):
        if self.stalls_left > 0:
            self.stalls_left -= 1
            self.stalled += 1
            marker = os.path.join(self.args.save_dir, f"stalled-{self.stalled}")
            write_atomically(marker, envelope.original_content or b"")
            await asyncio.sleep(3600)
            return "451 4.3.0 stalled on purpose"
        if self.args.reject:
            return f"{self.args.reject} {self.args.reject_text}"
        self.saved += 1
        base = os.path.join(self.args.save_dir, f"{self.saved:04d}")
        raw = envelope.original_content or b""
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            # Set for STARTTLS and implicit TLS alike (session.ssl only for STARTTLS).
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "auth_user": session.auth_data if isinstance(session.auth_data, str) else None,
            "ehlo": session.host_name,
        }
        try:
            summary.update(analyse(raw))
        except Exception as error:  # noqa: BLE001 - a parse crash is a defect for the test
            summary["defects"] = [f"analysis failed: {error!r}"]
        write_atomically(base + ".eml", raw)
        write_atomically(base + ".json", json.dumps(summary, ensure_ascii=False, indent=1).encode())
        return "250 2.0.0 OK: queued as gentle-test-" + str(self.saved)


def make_authenticator(user: str, password: str):
    def authenticator(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        if auth_data.login.decode() == user and auth_data.password.decode() == password:
            return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False)
    return authenticator


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--save-dir", required=True)
    parser.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--auth")
    parser.add_argument("--reject", type=int)
    parser.add_argument("--reject-text", default="5.1.1 mailbox unavailable")
    parser.add_argument("--stall-data", type=int, default=0)
    parser.add_argument("--ready-file")
    args = parser.parse_args()

    context = None
    if args.tls != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    handler = Handler(args)
    smtp_options = {"hostname": "gentle-test.localhost", "ident": "gentle test server"}
    if args.tls == "starttls":
        smtp_options.update(tls_context=context, require_starttls=True)
    if args.auth:
        user, _, password = args.auth.partition(":")
        smtp_options.update(authenticator=make_authenticator(user, password), auth_required=True,
                            auth_require_tls=args.tls != "none")

    # Started from a thread that blocks signals (libdispatch workers do), we inherit that mask.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, **smtp_options),
        host="127.0.0.1", port=args.port,
        ssl=context if args.tls == "implicit" else None,
    )
    port = server.sockets[0].getsockname()[1]
    if args.ready_file:
        write_atomically(args.ready_file, f"{port}\n".encode())
    print(f"READY {port}", flush=True)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    # Everything worth keeping is already on disk (written atomically); skip asyncio's slow
    # teardown of half-open sessions, such as one stalled on purpose.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
