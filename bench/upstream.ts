/**
 * The OpenAI-compatible test server in a process of its own, for benchmarks: started with fork(),
 * it sends {port} when listening and answers {configure} and {busy} messages.
 */
import {
  startOpenAiTestServer,
  type TestServerOptions,
} from '../tests/support/openai-test-server.ts';

type Message =
  | { type: 'configure'; options: Partial<TestServerOptions> }
  | { type: 'busy'; id: number }
  | { type: 'stop' };

const server = await startOpenAiTestServer({ latencyMs: 0 });
process.send!({ type: 'listening', port: server.port, baseURL: server.baseURL });
process.on('message', (message: Message) => {
  switch (message.type) {
    case 'configure':
      server.configure(message.options);
      break;
    case 'busy':
      process.send!({
        type: 'busy',
        id: message.id,
        ms: server.busyMs(),
        calls: server.requests.length,
      });
      // Bodies are kept for tests; a benchmark would only grow memory with them.
      server.requests.length = 0;
      break;
    case 'stop':
      void server.close().then(() => process.exit(0));
      break;
  }
});
