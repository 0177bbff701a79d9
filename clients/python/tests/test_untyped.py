"""Tests of the Python client against the real binary (PROVIDER_SIDECAR_BIN)."""

import os
import tempfile
import threading
import time
import unittest

from provider_sidecar_client import SidecarClient, SidecarError


def spawn(**kwargs):
    data_dir = tempfile.mkdtemp(prefix="sidecar-py-")
    return SidecarClient(args=["--enable-test-methods", "--data-dir", data_dir], **kwargs)


class ClientTest(unittest.TestCase):
    def test_initialize_and_discover(self):
        with spawn() as sidecar:
            result = sidecar.request("initialize", {"clientInfo": {"name": "python-test"}})
            self.assertEqual(result["serverInfo"]["name"], "provider-sidecar")
            sidecar.notify("initialized", {})
            document = sidecar.request("rpc.discover")
            self.assertTrue(document["openrpc"].startswith("1."))
            self.assertIn("initialize", [m["name"] for m in document["methods"]])

    def test_errors_raise_with_code_and_kind(self):
        with spawn() as sidecar:
            with self.assertRaises(SidecarError) as caught:
                sidecar.request("no/such/method")
            self.assertEqual(caught.exception.code, -32601)
            self.assertEqual(caught.exception.kind, "method_not_found")
            with self.assertRaises(SidecarError) as caught:
                sidecar.request("test/sleep", {"ms": "later"})
            self.assertEqual(caught.exception.code, -32602)
            self.assertEqual(caught.exception.data["field"], "ms")

    def test_notifications_reach_the_callback_before_the_answer(self):
        events = []
        lock = threading.Lock()

        def on_notification(method, params):
            with lock:
                events.append((method, params["seq"]))

        with spawn(on_notification=on_notification) as sidecar:
            self.assertEqual(sidecar.request("test/notify", {"count": 25}), 25)
            with lock:
                self.assertEqual(events, [("test/event", n) for n in range(25)])

    def test_cancel_a_slow_request(self):
        with spawn() as sidecar:
            pending = sidecar.request_async("test/sleep", {"ms": 30000})
            time.sleep(0.05)
            started = time.monotonic()
            pending.cancel()
            with self.assertRaises(SidecarError) as caught:
                pending.result(timeout=5)
            self.assertEqual(caught.exception.code, -32800)
            self.assertLess(time.monotonic() - started, 1.0)

    def test_close_exits_zero(self):
        sidecar = spawn()
        sidecar.request("test/sleep", {"ms": 1})
        self.assertEqual(sidecar.close(), 0)


if __name__ == "__main__":
    unittest.main()
