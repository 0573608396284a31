export {
  type CallOptions,
  ClientPool,
  type ClientState,
  fromSdkError,
  McpClient,
  type McpClientOptions,
  type ReconnectOptions,
} from './client.ts';
export { type Logger, silentLogger } from './logger.ts';
export { LOCAL_HOSTS, MCP_SUBPROTOCOL, McpEndpoint, type McpEndpointOptions, type McpTransportKind } from './server.ts';
export {
  extractToken,
  MIN_SECRET_LENGTH,
  type RedactOptions,
  redactUrl,
  redactUrlsInText,
  SENSITIVE_URL_PARAMS,
  TokenAuthority,
  type TokenOptions,
} from './tokens.ts';
export {
  type CallEvent,
  type CallOutcome,
  implementTool,
  RpcCodes,
  RUN_ID_META_KEY,
  type ToolContext,
  ToolHost,
  type ToolHostOptions,
  type ToolImpl,
} from './tools.ts';
export { WsClientTransport, type WsClientTransportOptions } from './ws-client-transport.ts';
export { PeerError, WebSocketServerTransport, type WsServerTransportOptions } from './ws-server-transport.ts';
