/**
 * The REST API ({@code /api/v1/...}) on the master's HTTP listener. It serves each request by
 * acting as a Granary client for the caller: a client authenticated with the request's {@code
 * Bearer} token talks to the master's own RPC port, so every permission check, chunk token and
 * limit is exactly what the CLI gets. {@link dev.granary.gateway.RestApi} is the public entry; the
 * rest is package-private.
 */
package dev.granary.gateway;
