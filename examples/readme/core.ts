// examples/readme/core.ts
import type { Agent, AgentContext, AgentHealth } from '@slipstream/contracts';
import { createLogger, installSignalHandlers, Orchestrator } from '@slipstream/core';

// A command of our own on the bus, typed by declaration merging.
declare module '@slipstream/contracts' {
  interface CommandMap {
    'example.greet': { request: { name: string }; reply: { text: string } };
  }
}

/** An agent that answers `example.greet` on the bus. */
class GreeterAgent implements Agent {
  readonly id = 'greeter';
  readonly role = 'Example: answers example.greet';
  readonly capabilities = ['greet'];

  start(ctx: AgentContext): Promise<void> {
    ctx.bus.respond('example.greet', ({ name }) => Promise.resolve({ text: `hello, ${name}` }));
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  health(): AgentHealth {
    return { live: true, ready: true };
  }
}

/** An agent that asks the greeter over the bus once it starts (it depends on it). */
class AskingAgent implements Agent {
  readonly id = 'asking';
  readonly role = 'Example: requests example.greet';
  readonly capabilities = ['ask'];
  readonly dependsOn = ['greeter'];

  async start(ctx: AgentContext): Promise<void> {
    const reply = await ctx.bus.request('example.greet', { name: 'asking' }, { timeoutMs: 2_000 });
    console.log(reply.text);
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  health(): AgentHealth {
    return { live: true, ready: true };
  }
}

async function main(): Promise<void> {
  // A config file works too: `new Orchestrator({ config: await loadConfigFile('slipstream.yaml') })`;
  // with `bus: { transport: 'nats', ... }` add `.use(natsTransportModule)` of @slipstream/transport-nats.
  const config = { log: { level: 'warn' as const } };
  const logger = createLogger(config.log);
  const orchestrator = new Orchestrator({ config, logger })
    .register(new GreeterAgent())
    .register(new AskingAgent()); // started after `greeter`, which it depends on
  installSignalHandlers(orchestrator, logger); // SIGINT/SIGTERM: graceful stop; a second one: exit 1
  await orchestrator.start();
  await orchestrator.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
