"""A recording relay: a loopback port in front of the target that keeps the
bytes going each way, so that what a real client (requests) sent and got is
evidence exactly as it crossed the wire, not as the client library rebuilt it::

    with Relay(target.host, target.port) as relay:
        requests.get('http://127.0.0.1:%d/echo' % relay.port,
                     headers={'Host': target.host_header})
        sent, received = relay.take()   # the bytes since the last take()
"""
import select
import socket
import threading

CHUNK = 65536
POLL = 0.05  # seconds between looks at whether the relay is closing


class Relay:
    def __init__(self, host, port, timeout=30.0):
        self.target = (host, port)
        self.timeout = timeout
        self.listener = socket.socket()
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(8)
        self.listener.settimeout(POLL)  # so that close() is seen at once
        self.port = self.listener.getsockname()[1]
        self._lock = threading.Lock()
        self._sent = bytearray()
        self._received = bytearray()
        self._closing = False
        self._threads = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def take(self):
        """(bytes the client sent, bytes the server sent) since last time."""
        with self._lock:
            sent, received = bytes(self._sent), bytes(self._received)
            self._sent.clear()
            self._received.clear()
        return sent, received

    def close(self):
        self._closing = True
        self._accepting.join(2)
        self.listener.close()
        for thread in self._threads:
            thread.join(2)

    def _accept(self):
        while not self._closing:
            try:
                client, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return  # closed
            client.settimeout(None)
            thread = threading.Thread(target=self._pump, args=(client,),
                                      daemon=True)
            self._threads.append(thread)
            thread.start()

    def _pump(self, client):
        try:
            server = socket.create_connection(self.target, self.timeout)
        except OSError:
            client.close()
            return
        ends = {client: (server, self._sent), server: (client, self._received)}
        try:
            while ends and not self._closing:
                ready, _, _ = select.select(list(ends), [], [], POLL)
                for sock in ready:
                    other, log = ends[sock]
                    try:
                        data = sock.recv(CHUNK)
                    except OSError:
                        data = b''
                    if not data:  # pass the close on, as a half-close
                        _shutdown(other)
                        del ends[sock]
                        continue
                    with self._lock:
                        log.extend(data)  # kept before it is passed on
                    other.sendall(data)
        except OSError:
            pass  # one side reset: the other is closed below
        finally:
            client.close()
            server.close()


def _shutdown(sock):
    try:
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass
