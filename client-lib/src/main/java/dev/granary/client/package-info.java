/**
 * The Granary client library: {@link dev.granary.client.GranaryClient} is the entry point; files are
 * read and written as streams and channels or transferred from and to local paths. Every failure is
 * a typed {@link dev.granary.client.GranaryException} carrying the command-line contract's exit
 * code. Everything in {@code dev.granary.client.internal} is machinery, not API.
 */
package dev.granary.client;
