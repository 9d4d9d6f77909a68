package io.clustertop.collector.history;

/** One agent epoch: the agent id in hex and the epoch, as the baselines are keyed. */
record EpochId(String agent, long epoch) {}
