"""The typed sync client against the real binary: initialize, catalog, search, auth against a
local token endpoint, chat streams from a local provider (cancel, early stop, a slow reader),
and shutdown."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import unittest

from provider_sidecar_client import (
    METHOD_NAMES,
    NOTIFICATION_NAMES,
    ChatCancelled,
    SidecarError,
    spawn_sidecar,
)

from .support import (BIN, HI, PRICES, TEST_ENV, alive, chat_config, data_dir, golden,
                      mock_github, mock_provider, openai_chat_chunks, wait_until)


def spawn(**kwargs):
    return spawn_sidecar(binary=BIN, data_dir=data_dir(), env=TEST_ENV, stderr=subprocess.DEVNULL, **kwargs)


class LifecycleTest(unittest.TestCase):
    def test_initialize_and_the_generated_methods_match_the_live_contract(self):
        with spawn(client_name="py-typed") as sidecar:
            self.assertEqual(sidecar.initialize_result["serverInfo"]["name"], "provider-sidecar")
            document = sidecar.rpc_discover()
            self.assertEqual(METHOD_NAMES, [m["name"] for m in document["methods"]])
            self.assertEqual(NOTIFICATION_NAMES, [n["name"] for n in document["x-notifications"]])
            for name in METHOD_NAMES:
                attribute = name.replace("rpc.", "rpc_").replace("/", "_")
                self.assertTrue(callable(getattr(sidecar, attribute, None)), attribute)

    def test_close_is_shutdown_then_exit(self):
        sidecar = spawn()
        pid = sidecar.process.pid
        self.assertEqual(sidecar.close(), 0)
        self.assertFalse(alive(pid))

    def test_an_unanswering_sidecar_is_killed_after_the_grace_period(self):
        sidecar = spawn(shutdown_grace=0.3)
        sidecar.process.send_signal(19)  # SIGSTOP: it can no longer answer
        started = time.monotonic()
        self.assertEqual(sidecar.close(), -9)
        self.assertLess(time.monotonic() - started, 3.0)

    def test_the_sidecar_does_not_outlive_a_killed_host(self):
        script = (
            "import os, subprocess, sys\n"
            "from provider_sidecar_client import spawn_sidecar\n"
            f"s = spawn_sidecar(binary={BIN!r}, data_dir={data_dir()!r}, stderr=subprocess.DEVNULL)\n"
            "print(s.process.pid, flush=True)\n"
            "os.kill(os.getpid(), 9)\n"
        )
        host = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env={**TEST_ENV, "PYTHONPATH": str(__import__("pathlib").Path(__file__).parents[1])})
        pid = int(host.stdout.strip())
        wait_until("the sidecar to end after its host died", lambda: not alive(pid), 3.0)


class CatalogAndSearchTest(unittest.TestCase):
    def test_catalog_models_and_search(self):
        with spawn() as sidecar:
            status = sidecar.catalog_status()
            self.assertEqual(status["source"], "embedded")
            providers = sidecar.provider_list()["providers"]
            self.assertEqual(len(providers), status["providerCount"])
            models = sidecar.model_list({"providerId": "anthropic"})["models"]
            self.assertTrue(models and all(m["providerId"] == "anthropic" for m in models))
            one = sidecar.model_get({"providerId": "anthropic", "modelId": models[0]["id"].split("/", 1)[1]})
            self.assertEqual(one["id"], models[0]["id"])
            with self.assertRaises(SidecarError) as caught:
                sidecar.model_get({"providerId": "anthropic", "modelId": "no-such-model"})
            self.assertEqual(caught.exception.kind, "model_not_found")
            hits = sidecar.model_search({"query": "claude sonet", "limit": 3})["results"]
            self.assertEqual(len(hits), 3)
            for hit in hits:
                self.assertIn("claude-sonnet", hit["model"]["id"])
            self.assertEqual(sidecar.provider_search({"query": "kimi"})["results"][0]["providerId"], "moonshotai")


class AuthTest(unittest.TestCase):
    def test_api_key_and_device_sign_in_against_a_local_token_endpoint(self):
        github = mock_github()
        config = {"auth": {"store": "file", "endpoints": {"githubBase": github.url},
                           "polling": {"intervalUnitMs": 20, "safetyMarginMs": 0}}}
        progress = []
        try:
            with spawn(config=config) as sidecar:
                sidecar.on_progress(progress.append)
                self.assertEqual(sidecar.auth_set({"providerId": "anthropic", "token": "sk-ant-py-1"}), {"ok": True})
                state = sidecar.auth_status()["auth"]["anthropic"]
                self.assertEqual((state["status"], state["method"]), ("connected", "api"))
                self.assertEqual(sidecar.auth_remove({"providerId": "anthropic"}), {"ok": True})
                started = sidecar.auth_oauth_authorize(
                    {"providerId": "github-copilot", "method": 0, "inputs": {"deploymentType": "github.com"}})
                self.assertEqual(started["method"], "auto")
                self.assertIn("WXYZ-9876", started["instructions"])
                status = "pending"
                for _ in range(100):
                    status = sidecar.auth_oauth_callback({"providerId": "github-copilot", "method": 0,
                                                          "authorizationId": started["authorizationId"]})["status"]
                    if status != "pending":
                        break
                    time.sleep(0.05)
                self.assertEqual(status, "connected")
                copilot = sidecar.auth_status()["auth"]["github-copilot"]
                self.assertEqual((copilot["status"], copilot["method"]), ("connected", "oauth"))
                self.assertNotIn("gho_py_client_test_42", json.dumps(sidecar.auth_status()))
                mine = [p["value"] for p in progress if p["token"] == started["authorizationId"]]
                self.assertEqual(mine[0]["kind"], "begin")
                self.assertEqual(mine[0]["providerId"], "github-copilot")
        finally:
            github.stop()


class ChatTest(unittest.TestCase):
    def setUp(self):
        self.expected = golden("openai-chat", "openai-text")

    def _sidecar(self, server):
        sidecar = spawn(config=chat_config(server))
        sidecar.session_open({"sessionId": "s"})
        return sidecar

    def test_stream_parts_then_the_result_with_cost(self):
        server = mock_provider(openai_chat_chunks("openai-text"))
        try:
            with self._sidecar(server) as sidecar:
                events = list(sidecar.chat_stream({"sessionId": "s", "providerId": "mock", "modelId": "m", "messages": HI}))
                last = events.pop()
                self.assertEqual(events, self.expected["parts"])
                self.assertEqual(last["type"], "result")
                result = dict(last["result"])
                cost = result.pop("cost")
                self.assertEqual(result, self.expected["result"])
                usage = result["usage"]
                self.assertAlmostEqual(cost, (usage["inputTokens"] * PRICES["input"] + usage["outputTokens"] * PRICES["output"]) / 1e6)
                self.assertEqual(json.loads(server.posts()[0][3])["messages"][0]["content"], "hi")
                generated = sidecar.chat_generate({"sessionId": "s", "providerId": "mock", "modelId": "m", "messages": HI})
                self.assertEqual(generated, last["result"])
        finally:
            server.stop()

    def test_cancel_mid_stream_raises_with_the_partial_result(self):
        server = mock_provider(openai_chat_chunks("openai-text"), stall_after=6)
        try:
            with self._sidecar(server) as sidecar:
                stream = sidecar.chat_stream({"sessionId": "s", "providerId": "mock", "modelId": "m", "messages": HI})
                seen = []
                with self.assertRaises(ChatCancelled) as caught:
                    for part in stream:
                        seen.append(part)
                        if part["type"] == "text-delta":
                            # From another thread, as a UI's stop button would.
                            threading.Thread(target=stream.cancel).start()
                self.assertEqual(caught.exception.code, -32800)
                partial = caught.exception.partial
                self.assertTrue(partial["content"][0]["text"])
                self.assertIn("inputTokens", partial["usage"])
                self.assertTrue(server.client_closed.wait(5), "the sidecar closed the upstream connection")
                self.assertEqual(len(sidecar.session_list()["sessions"]), 1)
        finally:
            server.stop()

    def test_leaving_the_loop_early_cancels(self):
        server = mock_provider(openai_chat_chunks("openai-text"), stall_after=6)
        try:
            with self._sidecar(server) as sidecar:
                stream = sidecar.chat_stream({"sessionId": "s", "providerId": "mock", "modelId": "m", "messages": HI})
                for part in stream:
                    if part["type"] == "text-delta":
                        break
                with self.assertRaises(ChatCancelled) as caught:
                    stream.result(timeout=5)
                self.assertIn("usage", caught.exception.partial)
                self.assertTrue(server.client_closed.wait(5))
        finally:
            server.stop()

    def test_a_host_that_reads_slowly_gets_every_part(self):
        # groq-reasoning: 963 deltas (~280 kB of notifications, more than a pipe holds); the
        # consumer sleeps while the sidecar keeps streaming.
        expected = golden("openai-chat", "groq-reasoning")
        server = mock_provider(openai_chat_chunks("groq-reasoning"))
        try:
            with self._sidecar(server) as sidecar:
                stream = sidecar.chat_stream({"sessionId": "s", "providerId": "mock", "modelId": "m", "messages": HI})
                time.sleep(0.5)
                events = []
                for part in stream:
                    events.append(part)
                    if len(events) % 100 == 0:
                        time.sleep(0.02)
                last = events.pop()
                self.assertEqual(events, expected["parts"])
                result = dict(last["result"])
                result.pop("cost")
                self.assertEqual(result, expected["result"])
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
