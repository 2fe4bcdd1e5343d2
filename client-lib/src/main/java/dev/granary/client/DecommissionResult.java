package dev.granary.client;

/**
 * The answer to {@link GranaryClient#decommission} or {@link GranaryClient#recommission}: the
 * node as the master sees it once the change is durable, and whether the request changed anything
 * ({@code false}: the node already was as asked).
 */
public record DecommissionResult(NodeStatus node, boolean changed) {}
