package dev.granary.client;

/**
 * Who a client's requests act for, as the master authenticated it.
 *
 * @param user the user name ({@code admin} for the superuser a cluster starts with)
 * @param group the user's group
 * @param superuser whether every permission check passes
 */
public record Identity(String user, String group, boolean superuser) {}
