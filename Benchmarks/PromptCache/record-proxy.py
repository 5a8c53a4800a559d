# Recording proxy: forwards to an OpenAI-compatible upstream, appends {request, usage} per chat call to a JSONL file.
import http.server, json, sys, urllib.request, threading
upstream, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lock = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    def _fwd(self, method, body=None):
        req = urllib.request.Request(upstream + self.path[len('/v1'):] if self.path.startswith('/v1') else upstream + self.path, data=body, method=method,
                                     headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=600) as r:
                data, status = r.read(), r.status
        except urllib.error.HTTPError as e:
            data, status = e.read(), e.code
        self.send_response(status); self.send_header('Content-Type', 'application/json'); self.send_header('Content-Length', str(len(data))); self.end_headers()
        self.wfile.write(data)
        return status, data
    def do_GET(self): self._fwd('GET')
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        status, data = self._fwd('POST', body)
        if status == 200:
            try: usage = json.loads(data).get('usage')
            except Exception: usage = None
            with lock, open(out, 'a') as f: f.write(json.dumps({'request': json.loads(body), 'usage': usage}) + '\n')
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', port), H).serve_forever()
