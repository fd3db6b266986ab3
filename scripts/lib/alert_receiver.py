#!/usr/bin/env python3
"""The demo's alert receiver: run-local.sh points every demo alert route and operator channel here instead of an outside
host. Answers 200 to every POST and prints one line per alert it received (also appended to the log file).
Usage: alert_receiver.py PORT LOGFILE"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, log_path = int(sys.argv[1]), sys.argv[2]


def headline(body):
    """The alert's own words: Slack's text, PagerDuty's summary, or the webhook's event type and summary."""
    try:
        doc = json.loads(body)
    except ValueError:
        return f"{len(body)} bytes"
    if not isinstance(doc, dict):
        return f"{len(body)} bytes"
    if "text" in doc:
        return str(doc["text"])
    if isinstance(doc.get("payload"), dict) and "summary" in doc["payload"]:
        return f"{doc.get('event_action', '')} {doc['payload']['summary']}".strip()
    return " ".join(str(doc[k]) for k in ("event_type", "summary", "message") if k in doc) or f"{len(body)} bytes"


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
        line = f"{time.strftime('%H:%M:%S')} alert-receiver: {self.path} {headline(body)}"
        print(line, file=sys.stderr, flush=True)
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(line + "\n")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
