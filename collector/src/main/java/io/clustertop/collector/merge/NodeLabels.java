package io.clustertop.collector.merge;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.rows.Labels;
import io.clustertop.core.rows.NameTable;
import io.clustertop.core.rows.Placements;
import java.util.List;
import java.util.Map;

/** The names rows are shown with, as the merge knows them between two changes of who the agents are. */
record NodeLabels(Map<IpAddress, String> nodeByAddress, Map<String, List<IpAddress>> addressesByNode,
    NameTable nodeNames, NameTable classNames, Placements placements) implements Labels {
  @Override
  public String placementName(int nameId) {
    return placements.name(nameId);
  }

  @Override
  public String nodeName(int nodeId) {
    return nodeNames.name(nodeId);
  }

  @Override
  public String className(int classId) {
    return classNames.name(classId);
  }

  @Override
  public String nodeOf(IpAddress address) {
    return nodeByAddress.get(address);
  }

  @Override
  public List<IpAddress> addressesOf(String node) {
    return addressesByNode.getOrDefault(node, List.of());
  }
}
