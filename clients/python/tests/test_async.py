"""The asyncio client against the real binary: typed calls, a chat stream, cancellation (by
`cancel()`, by leaving `async with`, by cancelling the task) and shutdown."""

from __future__ import annotations

import asyncio
import subprocess
import unittest

from provider_sidecar_client import ChatCancelled, SidecarError, spawn_sidecar_async

from .support import BIN, HI, TEST_ENV, chat_config, data_dir, golden, mock_provider, openai_chat_chunks


async def spawn(**kwargs):
    return await spawn_sidecar_async(binary=BIN, data_dir=data_dir(), env=TEST_ENV,
                                     stderr=subprocess.DEVNULL, **kwargs)


class AsyncClientTest(unittest.IsolatedAsyncioTestCase):
    async def test_typed_calls_errors_and_close(self):
        sidecar = await spawn(client_name="py-async")
        async with sidecar:
            self.assertEqual(sidecar.initialize_result["serverInfo"]["name"], "provider-sidecar")
            searches = await asyncio.gather(
                sidecar.model_search({"query": "claude sonet", "limit": 3}),
                sidecar.provider_search({"query": "kimi"}),
                sidecar.catalog_status(),
            )
            self.assertIn("claude-sonnet", searches[0]["results"][0]["model"]["id"])
            self.assertEqual(searches[1]["results"][0]["providerId"], "moonshotai")
            self.assertEqual(searches[2]["source"], "embedded")
            with self.assertRaises(SidecarError) as caught:
                await sidecar.provider_get({"providerId": "no-such-provider"})
            self.assertEqual(caught.exception.kind, "provider_not_found")
        self.assertEqual(sidecar.process.returncode, 0)

    async def test_chat_stream_then_result(self):
        expected = golden("openai-chat", "openai-text")
        server = mock_provider(openai_chat_chunks("openai-text"))
        try:
            async with await spawn(config=chat_config(server)) as sidecar:
                await sidecar.session_open({"sessionId": "s"})
                stream = sidecar.chat_stream({"sessionId": "s", "providerId": "mock", "modelId": "m", "messages": HI})
                events = [part async for part in stream]
                last = events.pop()
                self.assertEqual(events, expected["parts"])
                self.assertEqual(last["type"], "result")
                self.assertGreater(last["result"]["cost"], 0)
                self.assertEqual(await stream.result(), last["result"])
        finally:
            server.stop()

    async def test_cancel_mid_stream(self):
        server = mock_provider(openai_chat_chunks("openai-text"), stall_after=6)
        try:
            async with await spawn(config=chat_config(server)) as sidecar:
                await sidecar.session_open({"sessionId": "s"})
                params = {"sessionId": "s", "providerId": "mock", "modelId": "m", "messages": HI}

                # cancel() while iterating: the iteration raises with the partial result.
                stream = sidecar.chat_stream(params)
                with self.assertRaises(ChatCancelled) as caught:
                    async for part in stream:
                        if part["type"] == "text-delta":
                            stream.cancel()
                self.assertTrue(caught.exception.partial["content"][0]["text"])

                # Leaving `async with` early cancels at once.
                async with sidecar.chat_stream(params) as second:
                    async for part in second:
                        if part["type"] == "text-delta":
                            break
                with self.assertRaises(ChatCancelled):
                    await second.result()

                # Cancelling the task that consumes the stream cancels the request.
                third = sidecar.chat_stream(params)
                first_delta = asyncio.Event()

                async def consume():
                    async for part in third:
                        if part["type"] == "text-delta":
                            first_delta.set()

                task = asyncio.create_task(consume())
                await asyncio.wait_for(first_delta.wait(), 5)
                task.cancel()
                with self.assertRaises(asyncio.CancelledError):
                    await task
                with self.assertRaises(ChatCancelled) as caught:
                    await asyncio.wait_for(third.result(), 5)
                self.assertIn("usage", caught.exception.partial)
                self.assertEqual(len((await sidecar.session_list())["sessions"]), 1)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
