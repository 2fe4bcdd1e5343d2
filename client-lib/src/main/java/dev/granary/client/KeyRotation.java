package dev.granary.client;

/**
 * What {@link GranaryClient#rotateKey} did.
 *
 * @param rotated files and kept versions whose data key is now wrapped with the new key
 * @param alreadyNew those it found wrapped with the new key already (a rotation run again after
 *     an interruption finishes what the first run left)
 * @param notEncrypted files it passed over because they are not encrypted
 */
public record KeyRotation(int rotated, int alreadyNew, int notEncrypted) {}
