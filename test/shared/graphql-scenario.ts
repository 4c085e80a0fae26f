/**
 * graphql-ws's own client driving a WebSocket class against the graphql-ws server of test/websocket/server.ts: the
 * same scenario in Node (sockline's Node build) and in Chromium (the browser build, graphql-ws bundled for the page).
 *
 * Self-contained (no imports besides types): the Chromium test serves it to the page with types stripped, and the
 * caller passes graphql-ws's `createClient`.
 *
 * 1. a query;
 * 2. a subscription of 100 events, which must arrive in order;
 * 3. `connectionParams` (checked on the server by the caller);
 * 4. recovery: with a `ticks` subscription running, the server destroys the TCP connection; graphql-ws's own
 *    `retryAttempts` must open a new WebSocket and resubscribe, with no `error` event on the way (graphql-ws treats
 *    any `error` as fatal: an open link that is lost must only close, 1006).
 */

interface Sink<T> {
  next(value: T): void;
  error(error: unknown): void;
  complete(): void;
}

interface GraphqlClient {
  subscribe<T>(payload: { query: string }, sink: Sink<{ data?: T; errors?: unknown }>): () => void;
  on(event: string, listener: (...args: unknown[]) => void): () => void;
  dispose(): void | Promise<void>;
}

export type CreateClient = (options: Record<string, unknown>) => GraphqlClient;

export interface GraphqlTranscript {
  hello: unknown;
  counts: { length: number; inOrder: boolean };
  reconnected: boolean;
  ticksAfterReconnect: boolean;
  closeCodes: number[];
  errors: string[];
}

export const GRAPHQL_EXPECTED: GraphqlTranscript = {
  hello: 'world',
  counts: { length: 100, inOrder: true },
  reconnected: true,
  ticksAfterReconnect: true,
  closeCodes: [1006],
  errors: [],
};

export const GRAPHQL_TOKEN = 'token-from-connection-params';

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (error && typeof error === 'object' && 'type' in error) return `event ${(error as Event).type}`;
  return JSON.stringify(error);
}

/** One result of a query or a finite subscription. */
function collect<T>(client: GraphqlClient, query: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const values: T[] = [];
    client.subscribe<T>(
      { query },
      {
        next: (result) => (result.errors ? reject(new Error(JSON.stringify(result.errors))) : values.push(result.data as T)),
        error: (error) => reject(new Error(`subscription failed: ${describeError(error)}`)),
        complete: () => resolve(values),
      },
    );
  });
}

export async function graphqlScenario(
  createClient: CreateClient,
  WebSocketImpl: unknown,
  url: string,
  timeoutMs = 15_000,
): Promise<GraphqlTranscript> {
  const errors: string[] = [];
  const closeCodes: number[] = [];
  let retried = false;
  const client = createClient({
    url,
    webSocketImpl: WebSocketImpl,
    connectionParams: { token: GRAPHQL_TOKEN },
    retryAttempts: 5,
    retryWait: () => new Promise((resolve) => setTimeout(resolve, 100)),
    lazy: true,
  });
  client.on('error', (error) => errors.push(describeError(error)));
  client.on('closed', (event) => closeCodes.push((event as CloseEvent).code));
  client.on('connected', (_socket, _payload, wasRetry) => {
    if (wasRetry) retried = true;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`graphql scenario timed out; errors: ${errors.join('; ')}`)), timeoutMs);
  });
  try {
    return await Promise.race([timeout, run()]);
  } finally {
    clearTimeout(timer);
    await client.dispose();
  }

  async function run(): Promise<GraphqlTranscript> {
    // A subscription that stays open across the drop: graphql-ws keeps the connection (and retries) for it.
    let ticksAfterReconnect = 0;
    let firstTick!: () => void;
    const ticking = new Promise<void>((resolve) => (firstTick = resolve));
    let enough!: () => void;
    const recovered = new Promise<void>((resolve) => (enough = resolve));
    const stopTicks = client.subscribe<{ ticks: number }>(
      { query: 'subscription { ticks }' },
      {
        next: () => {
          firstTick();
          if (retried && ++ticksAfterReconnect === 3) enough();
        },
        error: (error) => errors.push(`ticks: ${describeError(error)}`),
        complete: () => {},
      },
    );

    const [hello] = await collect<{ hello: string }>(client, '{ hello }');
    const counts = (await collect<{ count: number }>(client, 'subscription { count(to: 100) }')).map((d) => d.count);
    await ticking;
    await collect(client, '{ dropLinks }');
    await recovered;
    stopTicks();
    return {
      hello: hello?.hello,
      counts: { length: counts.length, inOrder: counts.every((value, i) => value === i + 1) },
      reconnected: retried,
      ticksAfterReconnect: ticksAfterReconnect >= 3,
      closeCodes: [...closeCodes],
      errors: [...errors],
    };
  }
}
