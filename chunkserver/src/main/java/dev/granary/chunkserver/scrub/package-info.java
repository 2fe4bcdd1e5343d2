/** Background re-verification of replicas at rest, throttled by a token bucket. */
package dev.granary.chunkserver.scrub;
