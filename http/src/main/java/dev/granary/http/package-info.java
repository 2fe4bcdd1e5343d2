/**
 * The HTTP(S) listener the master and chunkservers share: an HTTP/1.1 server on Netty with
 * keep-alive, hard limits (request line, headers, buffered bodies, connections, idle time), TLS
 * with the node's certificate on a secured cluster, a router by method and path prefix, JSON
 * errors, and the Prometheus {@code /metrics} endpoint. Handlers see a request's head first and its
 * body as it arrives, so a handler can stream large bodies in and out without holding them.
 */
package dev.granary.http;
