/**
 * Adapts a Node MessagePort/Worker (EventEmitter style) to the DOM-style Endpoint comlink
 * expects. Control plane only: start, stats, config and shutdown of owner workers.
 */
import type { Endpoint } from 'comlink';

interface NodePort {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: 'message', fn: (data: unknown) => void): unknown;
  off(event: 'message', fn: (data: unknown) => void): unknown;
  start?: () => void;
}

export function nodeEndpoint(port: NodePort): Endpoint {
  const wrapped = new WeakMap<object, (data: unknown) => void>();
  return {
    postMessage: (msg: unknown, transfer?: Transferable[]) => port.postMessage(msg, transfer as unknown[]),
    addEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => {
      const fn = (data: unknown) => {
        if (typeof listener === 'function') listener({ data } as MessageEvent);
        else listener.handleEvent({ data } as MessageEvent);
      };
      wrapped.set(listener, fn);
      port.on('message', fn);
    },
    removeEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => {
      const fn = wrapped.get(listener);
      if (fn) {
        port.off('message', fn);
        wrapped.delete(listener);
      }
    },
    start: port.start ? () => port.start!() : undefined,
  } as Endpoint;
}
