"""A realtime client that subscribes and then never reads again (tests only).

usage: stalled-reader.py PORT TOKEN TOPIC...
Connects to /api/realtime with a tiny receive buffer, subscribes to the topics, prints
"subscribed <clientId>" and then holds the connection open without reading, as a client on a
frozen device or a hostile one would. Node cannot shrink a socket's receive buffer; Python can,
which makes the server's send buffer fill after a few hundred kilobytes instead of megabytes.
"""

import json
import socket
import sys
import time
import urllib.request

port, token, topics = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
sock = socket.socket()
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
sock.connect(("127.0.0.1", port))
sock.sendall(b"GET /api/realtime HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n\r\n")
received = b""
while b"\n\n" not in received.partition(b"PB_CONNECT")[2]:
    received += sock.recv(1024)
data = received.partition(b"PB_CONNECT")[2].partition(b"data:")[2].partition(b"\n")[0]
client_id = json.loads(data)["clientId"]
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/api/realtime",
    data=json.dumps({"clientId": client_id, "subscriptions": topics}).encode(),
    headers={"Content-Type": "application/json", "Authorization": token},
    method="POST",
)
urllib.request.urlopen(request)
print("subscribed", client_id, flush=True)
time.sleep(3600)
