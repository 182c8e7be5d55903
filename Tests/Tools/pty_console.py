#!/usr/bin/env python3
"""Runs `gentle run` on a pseudo-terminal, as a person at a terminal would, and answers the
first check-in it shows by typing KEYS (a key like "d", or a note followed by Enter).

usage: pty_console.py GENTLE CONFIG STATE_DIR KEYS [TIMEOUT]
Prints everything the terminal showed; exits 0 once the daemon confirmed the answer ("✓"),
1 on timeout. The daemon is stopped with SIGTERM either way."""
import os, pty, select, signal, sys, time

gentle, config, state, keys = sys.argv[1:5]
timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 30.0
pid, fd = pty.fork()
if pid == 0:
    os.execv(gentle, [gentle, "run", "--config", config, "--state-dir", state])

seen = b""
answered = False
deadline = time.monotonic() + timeout
status = 1
try:
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        if not answered and b"> " in seen and b"Did it" in seen:
            time.sleep(0.2)
            for ch in keys.encode():
                os.write(fd, bytes([ch]))
                time.sleep(0.02)
            answered = True
        if answered and "✓".encode() in seen:
            # Let the reply reach the log before stopping.
            time.sleep(0.5)
            status = 0
            break
finally:
    os.kill(pid, signal.SIGTERM)
    end = time.monotonic() + 5
    while time.monotonic() < end:
        try:
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                seen += chunk
        except OSError:
            break
    os.waitpid(pid, 0)
    sys.stdout.write(seen.decode(errors="replace"))
sys.exit(status)
