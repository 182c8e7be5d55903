#!/usr/bin/env python3
"""Drives a release `gentle run` for the benchmarks: start-to-READY, idle cost, fire lateness,
memory over many fires. Each subcommand prints its figures; the last line is the summary.

Run through the bench/*.sh wrappers, which build the release binary first."""
import argparse, json, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, threading, time
from datetime import datetime, timedelta, timezone

BIN = os.environ.get("GENTLE_BIN", "")


class NotifyListener:
    """The service manager's end of NOTIFY_SOCKET. Like systemd it keeps reading: an unread
    datagram socket fills up after a few messages and would block the daemon's sd_notify."""

    def __init__(self, directory):
        self.path = os.path.join(directory, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.messages = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            try:
                data = self.sock.recv(65536).decode()
            except OSError:
                return
            with self.cond:
                self.messages.append((time.monotonic(), data))
                self.cond.notify_all()

    def wait_for(self, needle, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for at, data in self.messages:
                    if needle in data.split("\n"):
                        return at
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.cond.wait(remaining)


class Daemon:
    def __init__(self, config_text, extra_env=None, stdout=subprocess.DEVNULL):
        self.dir = tempfile.mkdtemp(prefix="gentle-bench.")
        self.config = os.path.join(self.dir, "config.toml")
        with open(self.config, "w") as f:
            f.write(config_text)
        self.state = os.path.join(self.dir, "state")
        self.notify = NotifyListener(self.dir)
        env = {k: v for k, v in os.environ.items()
               if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "DBUS_SESSION_BUS_ADDRESS", "DISPLAY")}
        env.update({"NOTIFY_SOCKET": self.notify.path, "HOME": self.dir, "TZ": "UTC"})
        env.update(extra_env or {})
        self.started = time.monotonic()
        self.proc = subprocess.Popen([BIN, "run", "--config", self.config, "--state-dir", self.state],
                                     env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.DEVNULL)
        self.ready_at = self.notify.wait_for("READY=1", 30)
        if self.ready_at is None:
            self.stop()
            sys.exit("gentle did not report READY=1 within 30 s")

    def proc_stats(self):
        """RSS in KiB, context switches summed over all threads, CPU seconds."""
        pid = self.proc.pid
        rss = 0
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        switches = {}
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/status") as f:
                    for line in f:
                        if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                            switches[tid] = switches.get(tid, 0) + int(line.split()[1])
            except FileNotFoundError:
                pass
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        threads = len(os.listdir(f"/proc/{pid}/task"))
        return rss, switches, cpu, threads

    def events(self):
        path = os.path.join(self.state, "events.jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def hms(moment):
    return moment.strftime("%H:%M:%S")


def checkin(i, when, channels='["console"]'):
    return f'''
[[checkin]]
id = "c{i}"
title = "Check-in {i}"
messages = ["Take one slow breath.", "In through the nose, out through the mouth."]
when = "{when}"
channels = {channels}
'''


HEADER = 'timezone = "UTC"\nmax_per_day = 100000\nmin_spacing = "0m"\nstale_after = "1h"\n'


def far_future_config(channels='["console"]', extra=""):
    # Twelve hours away: nothing fires while we watch.
    later = datetime.now(timezone.utc) + timedelta(hours=12)
    return HEADER + extra + checkin(0, later.strftime("%H:%M"), channels)


def bench_ready(args):
    times = []
    for _ in range(args.runs):
        d = Daemon(far_future_config())
        times.append((d.ready_at - d.started) * 1000)
        d.stop()
    times.sort()
    print(f"start-to-READY over {args.runs} runs: min {times[0]:.1f} ms, "
          f"median {statistics.median(times):.1f} ms, max {times[-1]:.1f} ms")


def bench_idle(args):
    extra_env = {}
    channels = '["console"]'
    extra = ""
    if args.mode == "desktop":
        extra_env = {"DBUS_SESSION_BUS_ADDRESS": os.environ["BENCH_DBUS"], "DISPLAY": os.environ.get("BENCH_DISPLAY", "")}
        channels = '["desktop"]'
    elif args.mode == "email":
        channels = '["email"]'
        extra = '[email]\nto = "parent@example.org"\nfrom = "gentle@example.org"\nurl = "smtp://127.0.0.1:2525"\nstarttls = false\n'
    d = Daemon(far_future_config(channels, extra), extra_env)
    time.sleep(1)  # let start-up settle
    rss0, sw0, cpu0, threads = d.proc_stats()
    time.sleep(args.seconds)
    rss1, sw1, cpu1, threads = d.proc_stats()
    d.stop()
    # Per thread: a thread that started meanwhile counts in full, one that ended is not counted.
    switches = sum(count - sw0.get(tid, 0) for tid, count in sw1.items())
    print(f"idle ({args.mode}) over {args.seconds} s: RSS {rss1 / 1024:.1f} MiB (was {rss0 / 1024:.1f}), "
          f"context switches {switches}, CPU {1000 * (cpu1 - cpu0):.0f} ms, threads {threads}")


def bench_latency(args):
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=5)
    text = HEADER + "".join(checkin(i, hms(start + timedelta(seconds=i))) for i in range(args.fires))
    d = Daemon(text)
    deadline = time.monotonic() + args.fires + 15
    while time.monotonic() < deadline:
        if len([e for e in d.events() if e["kind"] == "delivered"]) >= args.fires:
            break
        time.sleep(0.5)
    events = d.events()
    d.stop()
    fired = [e for e in events if e["kind"] == "fired"]
    delivered = {e["occurrence"]: e for e in events if e["kind"] == "delivered"}
    late = sorted((parse_time(e["at"]) - parse_time(e["due"])).total_seconds() * 1000 for e in fired)
    done = sorted((parse_time(delivered[e["occurrence"]]["at"]) - parse_time(e["due"])).total_seconds() * 1000
                  for e in fired if e["occurrence"] in delivered)
    if len(late) < args.fires:
        sys.exit(f"only {len(late)} of {args.fires} fired")

    def pct(xs, p):
        return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
    print(f"handed to the console channel (after the fired record was synced): p50 {pct(done, 50):.1f} ms, "
          f"p99 {pct(done, 99):.1f} ms, max {done[-1]:.1f} ms")
    print(f"fire lateness over {len(late)} fires: p50 {pct(late, 50):.2f} ms, p99 {pct(late, 99):.2f} ms, "
          f"max {late[-1]:.2f} ms")


def bench_memory(args):
    text = HEADER + "".join(checkin(i, "*:*:*") for i in range(args.checkins))
    d = Daemon(text)
    time.sleep(2)
    rss0, _, _, _ = d.proc_stats()
    first = None
    deadline = time.monotonic() + args.fires / args.checkins * 3 + 60
    count = 0
    while time.monotonic() < deadline:
        time.sleep(1)
        with open(os.path.join(d.state, "events.jsonl"), "rb") as f:
            count = sum(1 for line in f if b'"kind":"fired"' in line)
        if first is None and count >= args.fires // 10:
            first = d.proc_stats()[0]
        if count >= args.fires:
            break
    rss1, _, _, _ = d.proc_stats()
    d.stop()
    print(f"memory over {count} fires ({args.checkins} check-ins every second): RSS at start "
          f"{rss0 / 1024:.1f} MiB, after {args.fires // 10} fires {(first or 0) / 1024:.1f} MiB, "
          f"at end {rss1 / 1024:.1f} MiB")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("ready"); r.add_argument("--runs", type=int, default=20); r.set_defaults(fn=bench_ready)
    i = sub.add_parser("idle"); i.add_argument("--seconds", type=int, default=60)
    i.add_argument("--mode", choices=["console", "desktop", "email"], default="console"); i.set_defaults(fn=bench_idle)
    l = sub.add_parser("latency"); l.add_argument("--fires", type=int, default=120); l.set_defaults(fn=bench_latency)
    m = sub.add_parser("memory"); m.add_argument("--fires", type=int, default=10000)
    m.add_argument("--checkins", type=int, default=100); m.set_defaults(fn=bench_memory)
    args = p.parse_args()
    if not BIN:
        sys.exit("set GENTLE_BIN to a release gentle binary (the bench/*.sh scripts do)")
    args.fn(args)


if __name__ == "__main__":
    main()
