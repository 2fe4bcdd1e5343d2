/**
 * Transport security shared by every Granary process: the cluster's certificate authority and the
 * certificate profile that binds a node's role and id to its key, PEM files, TLS 1.3 contexts for
 * Netty, and the handlers that refuse a plaintext peer on a TLS port.
 */
package dev.granary.wire.tls;
