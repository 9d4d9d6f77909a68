package io.clustertop.core.rows;

import io.clustertop.core.flow.IpAddress;
import java.util.List;

/** The names a frame's rows are shown with, as the owner of the views knows them when the frame is made. */
public interface Labels {
  String nodeName(int nodeId);

  String className(int classId);

  /** The name of a placement's part, by its id ({@link Placements#name}). */
  String placementName(int nameId);

  /** The node an address belongs to, or null. */
  String nodeOf(IpAddress address);

  /** A node's own addresses (for a filter by network of a NODES row). */
  List<IpAddress> addressesOf(String node);
}
