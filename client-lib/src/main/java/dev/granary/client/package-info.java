/**
 * The Granary client library's API, and all of it: {@link dev.granary.client.GranaryClient} is the
 * entry point (an interface, so an application's tests can fake it); files are read and written as
 * streams and channels or transferred from and to local paths; directories are listed whole or in
 * pages. Every failure is a typed {@link dev.granary.client.GranaryException}. The library's module
 * exports only this package: {@code dev.granary.client.internal} is machinery, not API.
 */
package dev.granary.client;
