/**
 * The GraphQL schema the graphql-ws server of test/websocket/server.ts serves, and what it saw:
 * - `{ hello }`                        → "world"
 * - `{ dropLinks }`                    → true, then the server destroys every graphql-ws TCP connection 20 ms later
 * - `subscription { count(to: N) }`   → 1, 2, …, N, then completes
 * - `subscription { ticks }`           → 1, 2, 3, … every 10 ms (at most 1,000, so it always ends)
 * `connectionParams` records the `connection_init` payload of every connection, in order.
 */
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import type { ServerOptions } from 'graphql-ws';

// graphql 16 ships CJS (main) and ESM (module) copies, and a schema from one is refused by the other. graphql-ws's
// server, loaded by Node, gets the `main` one; vite would give this file the `module` one: take the same as Node.
const { GraphQLBoolean, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } = createRequire(
  import.meta.url,
)('graphql') as typeof GraphQL;

export interface GraphqlState {
  serverOptions: ServerOptions;
  readonly connectionParams: unknown[];
  /** Set by the server: destroys every graphql-ws connection. */
  drop?: () => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createGraphqlState(): GraphqlState {
  const state: GraphqlState = { serverOptions: {} as ServerOptions, connectionParams: [] };
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        hello: { type: GraphQLString, resolve: () => 'world' },
        dropLinks: {
          type: GraphQLBoolean,
          resolve: () => {
            setTimeout(() => state.drop?.(), 20);
            return true;
          },
        },
      },
    }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        count: {
          type: GraphQLInt,
          args: { to: { type: new GraphQLNonNull(GraphQLInt) } },
          subscribe: async function* (_root: unknown, { to }: { to: number }) {
            for (let i = 1; i <= Math.min(to, 10_000); i++) yield { count: i };
          },
        },
        ticks: {
          type: GraphQLInt,
          subscribe: async function* () {
            for (let i = 1; i <= 1_000; i++) {
              await sleep(10);
              yield { ticks: i };
            }
          },
        },
      },
    }),
  });
  state.serverOptions = {
    schema,
    onConnect: (ctx) => {
      state.connectionParams.push(ctx.connectionParams ?? null);
      return true;
    },
  };
  return state;
}
