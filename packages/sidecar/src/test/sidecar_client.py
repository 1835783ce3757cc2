"""A sidecar client in Python 3 using the standard library only (urllib, http.client, threading).

Usage: python3 sidecar_client.py BASE_URL VICTIM_ORIGIN
Runs every scenario against the sidecar at BASE_URL and prints one JSON object with what each
saw, for the integration test (sidecarProcess.int.spec.ts) to check.
"""
import http.client
import json
import sys
import threading
import urllib.error
import urllib.request

BASE = sys.argv[1]
VICTIM = sys.argv[2]
CHUNK = 64 * 1024


def call(path, data=None, headers=None, method=None):
    """One request; returns (status, headers, body bytes), HTTP errors included."""
    req = urllib.request.Request(BASE + path, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.headers, res.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def streamed_download(path):
    """Reads the body in 64 KiB pieces; returns (status, bytes read, pieces)."""
    with urllib.request.urlopen(BASE + path, timeout=30) as res:
        total = pieces = 0
        while True:
            piece = res.read(CHUNK)
            if not piece:
                return res.status, total, pieces
            total += len(piece)
            pieces += 1


def streamed_upload(path, chunks, size):
    """Sends a generator body: urllib sends it chunked (no content-length)."""
    def body():
        for _ in range(chunks):
            yield b"u" * size
    status, _, data = call(path, data=body(), method="POST", headers={"content-type": "application/octet-stream"})
    return status, json.loads(data)


def rpc_calls(n):
    """n threads, each on its own connection, each sending one JSON-RPC call; the bodies go out together."""
    host, port = BASE.split("//", 1)[1].split(":")
    answers = [None] * n
    barrier = threading.Barrier(n)

    def one(i):
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        body = json.dumps({"jsonrpc": "2.0", "id": "py-%d" % i, "method": "echo", "params": {"caller": i}}).encode()
        # Headers on every connection first, then every body at once (a barrier), so the calls
        # meet in the sidecar's batcher together however slowly the threads start.
        conn.putrequest("POST", "/_slipstream/rpc/a")
        conn.putheader("content-type", "application/json")
        conn.putheader("content-length", str(len(body)))
        conn.endheaders()
        barrier.wait()
        conn.send(body)
        res = conn.getresponse()
        answers[i] = {"status": res.status, "body": json.loads(res.read())}
        conn.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def through_proxy(url):
    """Uses the sidecar as a forward proxy (absolute-form request target), as an open proxy would be used."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": BASE}))
    try:
        with opener.open(url, timeout=30) as res:
            return res.status
    except urllib.error.HTTPError as err:
        return err.code


def main():
    out = {}
    status, headers, body = call("/api/hello?x=1")
    out["get"] = {"status": status, "body": json.loads(body), "via": headers.get("Via")}
    status, _, body = call("/api/items", data=b"p" * 12345, method="POST")
    out["post"] = {"status": status, "body": json.loads(body)}
    status, total, pieces = streamed_download("/api/big")
    out["download"] = {"status": status, "bytes": total, "pieces": pieces}
    status, body = streamed_upload("/api/upload", 128, CHUNK)
    out["upload"] = {"status": status, "body": body}
    out["rpc"] = rpc_calls(50)
    first = call("/limited")
    second = call("/limited")
    out["shed"] = [
        {"status": first[0]},
        {"status": second[0], "retryAfter": second[1].get("Retry-After"), "body": json.loads(second[2])},
    ]
    out["pair"] = [call("/pair/%d" % i)[0] for i in range(30)]
    status, _, body = call("/api/x", headers={"Host": "evil.example"})
    out["unknownHost"] = {"status": status, "body": json.loads(body)}
    out["forwardProxy"] = through_proxy(VICTIM + "/steal")
    print(json.dumps(out))


main()
