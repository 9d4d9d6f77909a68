package io.clustertop.core.attribution;

import io.clustertop.core.flow.FlowKey;

/** The attribution of a conversation, as far as it is known. */
@FunctionalInterface
public interface AttributionLookup {
  /** Knows nothing: every conversation is not yet looked for. */
  AttributionLookup NONE = key -> null;

  /** @return what attribution found, or null where it has not looked yet */
  Attribution of(FlowKey key);
}
