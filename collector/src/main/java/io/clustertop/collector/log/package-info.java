/** Log lines a hostile or broken peer could make by the thousand, kept to a few a minute ({@link io.clustertop.collector.log.RateLimitedLog}). */
package io.clustertop.collector.log;
