package io.clustertop.core.flow;

/** An address block, {@code address/prefix}, matched without allocating. */
public record Network(IpAddress address, int prefixLength) {

  public Network {
    int max = address.version() == 4 ? 32 : 128;
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " out of 0.." + max);
    }
    address = new IpAddress(address.version(), address.high() & highMask(address.version(), prefixLength),
        address.low() & lowMask(address.version(), prefixLength));
  }

  /**
   * Parses {@code net/prefix}, {@code net/dotted-mask} (iftop's {@code -F} takes both) or a single
   * address.
   */
  public static Network parse(String text) {
    int slash = text.indexOf('/');
    IpAddress address = IpAddress.parse(slash < 0 ? text : text.substring(0, slash));
    int max = address.version() == 4 ? 32 : 128;
    if (slash < 0) {
      return new Network(address, max);
    }
    String mask = text.substring(slash + 1);
    if (address.version() == 4 && mask.contains(".")) {
      long bits = IpAddress.parse(mask).low();
      int prefix = Long.bitCount(bits);
      if (bits != ((0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL)) {
        throw new IllegalArgumentException("not a contiguous netmask: " + mask);
      }
      return new Network(address, prefix);
    }
    try {
      return new Network(address, Integer.parseInt(mask));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad prefix length: " + mask, e);
    }
  }

  public boolean contains(int version, long high, long low) {
    return version == address.version()
        && (high & highMask(version, prefixLength)) == address.high()
        && (low & lowMask(version, prefixLength)) == address.low();
  }

  private static long highMask(int version, int prefix) {
    if (version == 4) {
      return 0;
    }
    return prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
  }

  private static long lowMask(int version, int prefix) {
    if (version == 4) {
      return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
    }
    int bits = prefix - 64;
    return bits <= 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
  }

  @Override
  public String toString() {
    return address + "/" + prefixLength;
  }
}
