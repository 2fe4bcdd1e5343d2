package dev.granary.master.namespace;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Pre-order traversal of a subtree (a directory before its children, children in name order)
 * without recursion: a tree may be deeper than any thread's stack, and a walk that overflowed it
 * inside a checkpoint would stop every later checkpoint. The walk holds one child iterator per
 * directory on the current path, so its memory grows with the depth, not the size, of the tree.
 */
final class TreeWalk {
  /** Receives each node below the start with its depth (1 for the start's children). */
  @FunctionalInterface
  interface Visitor {
    /** Returns false to end the walk. */
    boolean visit(Inode node, int depth);
  }

  private TreeWalk() {}

  /** Walks everything below {@code start}; false if the visitor ended the walk early. */
  static boolean preOrder(DirNode start, Visitor visitor) {
    ArrayDeque<Iterator<Inode>> open = new ArrayDeque<>();
    open.push(start.childrenAfter(null).iterator());
    while (!open.isEmpty()) {
      Iterator<Inode> children = open.peek();
      if (!children.hasNext()) {
        open.pop();
        continue;
      }
      Inode node = children.next();
      if (!visitor.visit(node, open.size())) {
        return false;
      }
      if (node instanceof DirNode d && !d.isEmpty()) {
        open.push(d.childrenAfter(null).iterator());
      }
    }
    return true;
  }

  /**
   * The path of the node being visited, kept as one buffer cut back to the parent's length at each
   * step: building a child's path costs its name, not a copy of its parent's path.
   */
  static final class PathBuffer {
    private final StringBuilder path;
    private int[] lengths = new int[16];

    /** A buffer for the nodes below the directory at {@code base} ("/" for the root). */
    PathBuffer(String base) {
      path = new StringBuilder(base.equals("/") ? "" : base);
      lengths[0] = path.length();
    }

    /** The path of {@code node} visited at {@code depth}. */
    String enter(Inode node, int depth) {
      if (depth + 1 > lengths.length) {
        lengths = Arrays.copyOf(lengths, lengths.length * 2);
      }
      path.setLength(lengths[depth - 1]);
      path.append('/').append(node.nameString());
      lengths[depth] = path.length();
      return path.toString();
    }
  }
}
