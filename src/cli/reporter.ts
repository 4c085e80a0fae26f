/**
 * What the session tells the person or the script. Two implementations: report-text.ts (people) and
 * report-json.ts (`--json`). The event shapes are the public `Socket` events, typed here by what we read.
 */
import type { CloseInfo, HandshakeInfo, SocklineError } from '../index.node.js';

export interface OpenEvent {
  reconnected: boolean;
  attempt: number;
  protocol: string;
  extensions: string;
  handshake?: HandshakeInfo;
}

export interface ReconnectingEvent {
  attempt: number;
  delay: number;
  lastClose: CloseInfo;
}

export interface DropEvent {
  data: string | Uint8Array | Blob;
  error: SocklineError;
}

export interface FinalClose extends CloseInfo {
  unsent: unknown[];
}

export interface Reporter {
  connecting(url: string, attempt: number): void;
  open(event: OpenEvent, url: string, offered: readonly string[]): void;
  message(data: string | Uint8Array): void;
  ping(data: Uint8Array): void;
  pong(data: Uint8Array): void;
  disconnect(info: CloseInfo): void;
  reconnecting(event: ReconnectingEvent): void;
  error(error: SocklineError): void;
  drop(event: DropEvent): void;
  /** The Socket is finally down; `exitCode` is what the process exits with. */
  close(event: FinalClose, exitCode: number): void;
  /** Pipe mode: `count` lines read from stdin were never handed to the Socket, because it closed first. */
  unsentInput(count: number): void;
  /** A line for the person (command output, hints); the JSON reporter ignores it. */
  note(line: string): void;
}
