"""Host hooks through the sync and asyncio clients against the real binary: handlers given to
`spawn_sidecar(hooks=...)` are declared in `initialize` and answer the sidecar's hook requests;
their effect reaches a local provider."""

from __future__ import annotations

import json
import subprocess
import unittest

from provider_sidecar_client import spawn_sidecar, spawn_sidecar_async

from .support import BIN, HI, TEST_ENV, chat_config, data_dir, mock_provider, openai_chat_chunks, wait_until


def chat(extra: dict) -> dict:
    return {"sessionId": "s", "providerId": "mock", "modelId": "m", "messages": HI, **extra}


class SyncHooksTest(unittest.TestCase):
    def test_params_and_headers_reach_the_provider_and_events_arrive(self):
        server = mock_provider(openai_chat_chunks("openai-text"))
        inputs, events = [], []

        def params(p):
            inputs.append(p["input"])
            return {"temperature": p["output"]["temperature"] + 0.5}

        hooks = {
            "chat.params": params,
            "chat.headers": lambda p: {"headers": {"x-from-py-host": "1"}},
            "event": lambda p: events.append(p["event"]),
        }
        with spawn_sidecar(binary=BIN, data_dir=data_dir(), env=TEST_ENV, stderr=subprocess.DEVNULL,
                           config=chat_config(server), hooks=hooks, hook_timeout_ms=2000) as sidecar:
            self.assertEqual(sidecar.initialize_result["capabilities"]["hooks"],
                             ["hook/chat.params", "hook/chat.headers", "hook/event"])
            sidecar.session_open({"sessionId": "s"})
            result = sidecar.chat_generate(chat({"temperature": 0.2}))
            self.assertNotIn("warnings", result)
            _method, _path, headers, body = server.posts()[0]
            self.assertEqual(json.loads(body)["temperature"], 0.7)
            self.assertEqual({k.lower(): v for k, v in headers.items()}["x-from-py-host"], "1")
            self.assertEqual(inputs[0]["model"]["providerId"], "mock")
            self.assertNotIn("sk-py-mock", json.dumps(inputs), "hooks never see the key")
            wait_until("the chat.finished event", lambda: any(e["type"] == "chat.finished" for e in events))
            self.assertEqual(events[0]["type"], "chat.started")
        server.stop()

    def test_a_handler_that_raises_is_skipped_with_a_warning(self):
        server = mock_provider(openai_chat_chunks("openai-text"))

        def broken(_params):
            raise RuntimeError("the host broke")

        with spawn_sidecar(binary=BIN, data_dir=data_dir(), env=TEST_ENV, stderr=subprocess.DEVNULL,
                           config=chat_config(server), hooks={"chat.params": broken}) as sidecar:
            sidecar.session_open({"sessionId": "s"})
            preview = sidecar.transform_preview(chat({"temperature": 0.2}))
            self.assertEqual(preview["body"]["temperature"], 0.2)
            self.assertEqual(preview["warnings"][0]["reason"], "rejected")
            self.assertIn("the host broke", preview["warnings"][0]["message"])
        server.stop()

    def test_a_config_handler_edits_the_config_without_seeing_its_secrets(self):
        server = mock_provider(openai_chat_chunks("openai-text"))
        seen = []

        def config(p):
            seen.append(p["config"])
            return {"provider": {"mock": {"options": {"headers": {"x-from-py-config": "1"}}}}}

        with spawn_sidecar(binary=BIN, data_dir=data_dir(), env=TEST_ENV, stderr=subprocess.DEVNULL,
                           config=chat_config(server), hooks={"config": config}) as sidecar:
            self.assertEqual(sidecar.initialize_result["capabilities"]["hooks"], ["hook/config"])
            self.assertEqual(len(seen), 1, "asked while initialize waited")
            self.assertNotIn("sk-py-mock", json.dumps(seen), "the config hook never sees the key")
            sidecar.session_open({"sessionId": "s"})
            sidecar.chat_generate(chat({}))
            _method, _path, headers, _body = server.posts()[0]
            lower = {k.lower(): v for k, v in headers.items()}
            self.assertEqual(lower["x-from-py-config"], "1")
            self.assertEqual(lower["authorization"], "Bearer sk-py-mock")
        server.stop()


class AsyncHooksTest(unittest.IsolatedAsyncioTestCase):
    async def test_a_coroutine_handler_changes_the_request(self):
        server = mock_provider(openai_chat_chunks("openai-text"))

        async def params(p):
            return {"temperature": None, "maxOutputTokens": 123}

        sidecar = await spawn_sidecar_async(binary=BIN, data_dir=data_dir(), env=TEST_ENV,
                                            stderr=subprocess.DEVNULL, config=chat_config(server),
                                            hooks={"chat.params": params})
        async with sidecar:
            await sidecar.session_open({"sessionId": "s"})
            preview = await sidecar.transform_preview(chat({"temperature": 0.2}))
            self.assertNotIn("temperature", preview["body"])
            self.assertEqual(preview["body"]["max_tokens"], 123)
            self.assertEqual(preview["hooks"], [{"plugin": "host", "hook": "chat.params",
                                                 "changed": ["temperature", "maxOutputTokens"]}])
        server.stop()
